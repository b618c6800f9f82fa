// A tiny loopback LLM upstream for proxy tests: OpenAI- and Anthropic-style SSE (and JSON) with
// controllable timing, a raw-bytes route and an echo route. Its events are exported so tests can
// state the exact bytes a client must receive.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const DEFAULT_TOKENS = ['Héllo', ' wörld', ', this', ' is', ' a', ' test', '.']
export const PROMPT_TOKENS = 12

export interface RecordedRequest {
  method: string
  url: string
  headers: Record<string, string | string[] | undefined>
  body: string
}

export interface SseUpstreamOptions {
  tokens?: string[]
  /** Gap between SSE events, ms (per request: `x-test-delay-ms`). */
  eventDelayMs?: number
}

export interface SseUpstream {
  url: string
  port: number
  requests: RecordedRequest[]
  close(): Promise<void>
}

/** OpenAI chat.completion.chunk events (each `data: ...\n\n`), usage chunk and `[DONE]` included. */
export function openAiEvents(tokens: readonly string[], model: string, includeUsage = true): string[] {
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1700000000, model }
  const events = [{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }]
  for (const token of tokens) events.push({ ...base, choices: [{ index: 0, delta: { content: token } as never, finish_reason: null }] })
  events.push({ ...base, choices: [{ index: 0, delta: {} as never, finish_reason: 'stop' as never }] })
  const lines = events.map((event) => `data: ${JSON.stringify(event)}\n\n`)
  if (includeUsage) {
    lines.push(`data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: PROMPT_TOKENS, completion_tokens: tokens.length, total_tokens: PROMPT_TOKENS + tokens.length } })}\n\n`)
  }
  lines.push('data: [DONE]\n\n')
  return lines
}

/** Anthropic Messages stream events (`event: ...\ndata: ...\n\n`). */
export function anthropicEvents(tokens: readonly string[], model: string): string[] {
  const event = (type: string, data: unknown): string => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`
  const out = [
    event('message_start', {
      type: 'message_start',
      message: { id: 'msg_test', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: PROMPT_TOKENS, output_tokens: 1 } },
    }),
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', { type: 'ping' }),
  ]
  for (const token of tokens) out.push(event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: token } }))
  out.push(event('content_block_stop', { type: 'content_block_stop', index: 0 }))
  out.push(event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: tokens.length } }))
  out.push(event('message_stop', { type: 'message_stop' }))
  return out
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function streamEvents(response: ServerResponse, events: string[], delayMs: number): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-upstream': 'sse-upstream' })
  for (const event of events) {
    if (response.destroyed) return
    response.write(event)
    if (delayMs > 0) await sleep(delayMs)
  }
  response.end()
}

export async function startSseUpstream(options: SseUpstreamOptions = {}): Promise<SseUpstream> {
  const requests: RecordedRequest[] = []
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request)
      requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', headers: { ...request.headers }, body })
      const url = new URL(request.url ?? '/', 'http://upstream.invalid')
      const headerDelay = Number(request.headers['x-test-delay-ms'])
      const delayMs = Number.isFinite(headerDelay) ? headerDelay : (options.eventDelayMs ?? 0)
      const headerTokens = Number(request.headers['x-test-tokens'])
      const baseTokens = options.tokens ?? DEFAULT_TOKENS
      const tokens = Number.isFinite(headerTokens) ? Array.from({ length: headerTokens }, (_, i) => baseTokens[i % baseTokens.length] as string) : baseTokens
      let json: Record<string, unknown> = {}
      try {
        json = body.length > 0 ? (JSON.parse(body) as Record<string, unknown>) : {}
      } catch {
        // Tests send garbage on purpose; answer as for an empty body.
      }
      const model = typeof json['model'] === 'string' ? json['model'] : 'test-model'
      if (url.pathname.endsWith('/chat/completions')) {
        if (json['stream'] === true) {
          const includeUsage = (json['stream_options'] as { include_usage?: boolean } | undefined)?.include_usage !== false
          await streamEvents(response, openAiEvents(tokens, model, includeUsage), delayMs)
          return
        }
        const text = tokens.join('')
        const answer = JSON.stringify({
          id: 'chatcmpl-test',
          object: 'chat.completion',
          created: 1700000000,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
          usage: { prompt_tokens: PROMPT_TOKENS, completion_tokens: tokens.length, total_tokens: PROMPT_TOKENS + tokens.length },
        })
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(answer)) })
        response.end(answer)
        return
      }
      if (url.pathname.endsWith('/messages')) {
        await streamEvents(response, anthropicEvents(tokens, model), delayMs)
        return
      }
      if (url.pathname === '/bytes') {
        const size = Number(url.searchParams.get('n') ?? '1000')
        const payload = Buffer.alloc(size, 0x78)
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) })
        response.end(payload)
        return
      }
      const echo = JSON.stringify({ method: request.method, url: request.url, headers: request.headers, bodyLength: Buffer.byteLength(body) })
      response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'sse-upstream', connection: 'keep-alive, x-drop-me', 'x-drop-me': 'hop' })
      response.end(echo)
    })().catch(() => response.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

// ---- client side --------------------------------------------------------------------------------

export interface TimedEvent {
  atMs: number
  event: string | undefined
  data: string
}

export interface Fetched {
  status: number | undefined
  headers: Record<string, string | string[] | undefined>
  headersAtMs: number | undefined
  /** Parsed with eventsource-parser (an independent framing check). */
  events: TimedEvent[]
  chunks: { atMs: number; bytes: Buffer }[]
  bytes: Buffer
  endAtMs: number
  error: (Error & { code?: string }) | undefined
}

/** One request with undici; every chunk and event timed from the send, errors captured, never thrown. */
export async function fetchTimed(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal; bodyTimeout?: number; headersTimeout?: number } = {},
): Promise<Fetched> {
  const { request } = await import('undici')
  const { createParser } = await import('eventsource-parser')
  const startedAt = performance.now()
  const since = (): number => performance.now() - startedAt
  const out: Fetched = { status: undefined, headers: {}, headersAtMs: undefined, events: [], chunks: [], bytes: Buffer.alloc(0), endAtMs: 0, error: undefined }
  const parser = createParser({ onEvent: (message) => out.events.push({ atMs: since(), event: message.event, data: message.data }) })
  const decoder = new TextDecoder()
  try {
    const response = await request(url, {
      method: (init.method ?? (init.body === undefined ? 'GET' : 'POST')) as 'GET',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: init.body,
      signal: init.signal,
      bodyTimeout: init.bodyTimeout ?? 10_000,
      headersTimeout: init.headersTimeout ?? 10_000,
    })
    out.status = response.statusCode
    out.headers = response.headers
    out.headersAtMs = since()
    for await (const chunk of response.body) {
      const bytes = chunk as Buffer
      out.chunks.push({ atMs: since(), bytes })
      parser.feed(decoder.decode(bytes, { stream: true }))
    }
  } catch (error) {
    out.error = error as Error & { code?: string }
  }
  out.bytes = Buffer.concat(out.chunks.map((chunk) => chunk.bytes))
  out.endAtMs = since()
  return out
}
