// The upstream hop of one exchange: the request through undici to the one upstream, and its answer
// (headers filtered and tagged, body through the faults' transform) written back to the client.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Dispatcher } from 'undici'
import { isEventStreamType } from './sse-frames.js'
import { FAULTS_HEADER, HOP_BY_HOP, PHASE_HEADER, PROXY_ERROR_HEADER, requestHeaders, tokensOf } from './headers.js'
import type { ResponseInfo } from './types.js'

export interface ForwardInput {
  request: IncomingMessage
  response: ServerResponse
  path: string
  body: Buffer | IncomingMessage | undefined
  fired: string[]
  phase: string | undefined
  exchange: AbortSignal
  /** True once a fault reset or closed the connection: the body must not end cleanly. */
  isKilled: () => boolean
  onResponse?: (info: ResponseInfo) => void
  transform?: Transform
}

/** The stream faults, chained: the upstream body in, what the client gets out. */
export type Transform = (source: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>

/** The proxy's counters this hop moves. */
export interface UpstreamCounters {
  forwarded: number
  upstreamErrors: number
}

export interface ForwarderOptions {
  origin: string
  dispatcher: Dispatcher
  counters: UpstreamCounters
}

export function createForwarder(options: ForwarderOptions): (input: ForwardInput) => Promise<void> {
  const { origin, dispatcher, counters } = options

  const upstreamFailed = (input: ForwardInput, error: unknown): void => {
    const { response } = input
    if (input.exchange.aborted || response.destroyed) return
    if (response.headersSent) {
      // Broke mid-body: the client must see a broken stream, not a clean end.
      response.destroy()
      return
    }
    counters.upstreamErrors += 1
    sendJson(response, 502, { [PROXY_ERROR_HEADER]: 'upstream' }, {
      error: { type: 'proxy_upstream_error', message: `upstream ${origin} failed: ${describeError(error)}` },
    })
  }

  // No stream fault: undici writes the body straight into the response (back-pressure and aborts
  // handled by undici), the cheapest path.
  const relayStraight = async (input: ForwardInput, dispatchOptions: Dispatcher.RequestOptions): Promise<void> => {
    const { response } = input
    try {
      await dispatcher.stream(dispatchOptions, ({ statusCode, headers }) => {
        response.writeHead(statusCode, responseHead(input, statusCode, headers))
        return response
      })
    } catch (error) {
      upstreamFailed(input, error)
    }
  }

  const relayTransformed = async (input: ForwardInput, dispatchOptions: Dispatcher.RequestOptions, transform: Transform): Promise<void> => {
    const { response } = input
    let upstream: Dispatcher.ResponseData
    try {
      upstream = await dispatcher.request(dispatchOptions)
    } catch (error) {
      upstreamFailed(input, error)
      return
    }
    const outgoing = responseHead(input, upstream.statusCode, upstream.headers)
    if (response.destroyed) {
      upstream.body.destroy()
      return
    }
    response.writeHead(upstream.statusCode, outgoing)
    await pump(transform(upstream.body), response, input.isKilled)
  }

  return async (input) => {
    const { request, transform } = input
    counters.forwarded += 1
    const dispatchOptions: Dispatcher.RequestOptions = {
      origin,
      path: input.path,
      method: (request.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: requestHeaders(request, transform !== undefined),
      body: input.body ?? null,
      signal: input.exchange,
      headersTimeout: 0,
      bodyTimeout: 0,
    }
    if (transform === undefined) await relayStraight(input, dispatchOptions)
    else await relayTransformed(input, dispatchOptions, transform)
  }
}

/** A JSON answer the proxy makes itself (refusal, upstream failure, internal error). */
export function sendJson(response: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  if (response.headersSent || response.destroyed) return
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers })
  response.end(text)
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === undefined ? error.message : `${code}: ${error.message}`
  }
  return String(error)
}

/** Response headers for the client (hop-by-hop dropped, fault and phase added); tells the faults. */
function responseHead(input: ForwardInput, statusCode: number, headers: Record<string, string | string[] | undefined>): string[] {
  const transforming = input.transform !== undefined
  const outgoing: string[] = []
  const flat: Record<string, string> = {}
  const connectionTokens = tokensOf(headers['connection'])
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined) continue
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower) || connectionTokens.has(lower)) continue
    if (transforming && lower === 'content-length') continue
    if (Array.isArray(value)) for (const item of value) outgoing.push(name, item)
    else outgoing.push(name, value)
    flat[lower] = Array.isArray(value) ? value.join(', ') : value
  }
  if (input.fired.length > 0) outgoing.push(FAULTS_HEADER, input.fired.join(','))
  if (input.phase !== undefined) outgoing.push(PHASE_HEADER, input.phase)
  // A compressed stream is opaque to the SSE-aware faults: they pass it through.
  const encoding = flat['content-encoding']
  const eventStream = isEventStreamType(flat['content-type']) && (encoding === undefined || encoding === 'identity')
  input.onResponse?.({ status: statusCode, headers: flat, eventStream })
  return outgoing
}

/** Writes `source` to the client honouring back-pressure; a failing source kills the connection. */
async function pump(source: AsyncIterable<Uint8Array>, response: ServerResponse, isKilled: () => boolean): Promise<void> {
  try {
    for await (const chunk of source) {
      if (response.destroyed || isKilled()) return
      if (!response.write(chunk)) await drained(response)
    }
    // After a reset the RST may wait for the send queue to drain: ending here would let a clean
    // chunked terminator slip out first.
    if (!response.destroyed && !isKilled()) response.end()
  } catch {
    // Upstream broke mid-body, or the client left while a fault waited: the client must see a
    // broken stream, not a clean end.
    if (!response.destroyed) response.destroy()
  }
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done)
      response.off('close', done)
      resolve()
    }
    response.on('drain', done)
    response.on('close', done)
  })
}
