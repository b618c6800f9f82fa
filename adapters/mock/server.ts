// The embedded mock LLM endpoint: a node:http server that validates requests like the vendors do,
// then hands each answer to the serving simulator and writes the tokens it releases.
//
//   request ─► route ─► body (413) ─► key (401) ─► UTF-8 / JSON / fields (400) ─► model (404)
//           ─► input tokens ─► context (400) ─► script hook ─► rate limit (429) ─► scheduler
//           ─► queue full (429 / 529) | headers + tokens as the scheduler releases them
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { UserError } from '../../core/errors.js'
import { createRandom } from '../../core/random.js'
import { encodingForModel, getEncoder } from '../../core/tokens.js'
import { anthropicCodec } from './anthropic.js'
import { countInputTokens } from './input-tokens.js'
import { openaiCodec } from './openai.js'
import { resolveMockProfile } from './profiles.js'
import { isFailure, type FinishKind, type MockFailure, type ParsedChat, type ProtocolCodec } from './protocol.js'
import { createRateLimiter } from './rate-limit.js'
import { createMockScheduler, systemMockTimer, type SequenceCallbacks, type SequenceTiming } from './scheduler.js'
import { generateMockPieces, MOCK_PIECES, MOCK_PIECES_JSON, mockTextKey } from './text.js'
import type { MockProfile, MockRequestInfo, MockScript, MockServer, MockServerOptions, MockStats } from './types.js'

/** Request headers the mock honours (documented in README.md; real vendors ignore them). */
export const MOCK_HEADERS = {
  outputTokens: 'x-gauntlet-output-tokens',
  ttftMs: 'x-gauntlet-ttft-ms',
  itlMs: 'x-gauntlet-itl-ms',
} as const

const utf8 = new TextDecoder('utf-8', { fatal: true })

type BodyResult = { kind: 'ok'; bytes: Buffer } | { kind: 'too-large'; bytes: number } | { kind: 'aborted' }

function readBody(request: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  const declared = Number(request.headers['content-length'])
  if (Number.isFinite(declared) && declared > limitBytes) {
    // Answer at once; Node drains the rest of the body after the response ends.
    return Promise.resolve({ kind: 'too-large', bytes: declared })
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (done) return
      if (size > limitBytes) {
        done = true
        chunks.length = 0
        resolve({ kind: 'too-large', bytes: size })
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => {
      if (done) return
      done = true
      resolve({ kind: 'ok', bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) })
    })
    request.on('close', () => {
      if (done) return
      done = true
      resolve({ kind: 'aborted' })
    })
  })
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function apiKeyOf(request: IncomingMessage): string | undefined {
  const authorization = firstHeader(request.headers.authorization)
  if (authorization !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim())
    if (match?.[1] !== undefined) return match[1]
  }
  return firstHeader(request.headers['x-api-key']) ?? firstHeader(request.headers['api-key'])
}

function headerNumber(request: IncomingMessage, name: string, integer: boolean): number | undefined | MockFailure {
  const raw = firstHeader(request.headers[name])
  if (raw === undefined || raw.trim() === '') return undefined
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    return {
      kind: 'invalid_request',
      param: name,
      message: `Invalid header '${name}': expected a non-negative ${integer ? 'integer' : 'number'}, got '${raw}'.`,
    }
  }
  return value
}

/** TTFT of a lone request on an idle simulated server: the default when only an ITL is forced. */
function idleTtftMs(profile: MockProfile, inputTokens: number): number {
  const { timing } = profile
  const steps = Math.max(1, Math.ceil(inputTokens / timing.maxPrefillTokensPerStep))
  return timing.overheadMs + steps * timing.decodeBaseMs + inputTokens * timing.prefillMsPerToken
}

function idleItlMs(profile: MockProfile): number {
  return profile.timing.decodeBaseMs + profile.timing.decodeMsPerSequence
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const profile = resolveMockProfile(options.profile ?? 'typical-cloud')
  const host = options.host ?? '127.0.0.1'
  const requestedPort = options.port ?? 0
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new UserError('CONFIG_INVALID', `mock: port must be an integer from 0 to 65535, got ${String(requestedPort)}; use 0 for a free port`)
  }
  const seed = options.seed ?? 1
  if (!Number.isInteger(seed)) {
    throw new UserError('CONFIG_INVALID', `mock: seed must be an integer, got ${String(seed)}`)
  }
  // Loading the WASM encoder takes ~1 s; pay it now rather than inside the first request's TTFT.
  getEncoder('o200k_base')
  const apiKeys = options.apiKeys !== undefined && options.apiKeys.length > 0 ? new Set(options.apiKeys) : undefined
  const script = options.script
  const timer = systemMockTimer
  const scheduler = createMockScheduler({ profile, timer, random: createRandom(seed).fork('scheduler') })
  const limiter = profile.rateLimits === undefined ? undefined : createRateLimiter(profile.rateLimits)
  const modelSet = new Set(profile.models)

  const counters = {
    requests: 0,
    chatRequests: 0,
    completed: 0,
    rejectedQueueFull: 0,
    rejectedRateLimit: 0,
    errors: 0,
    cancelled: 0,
    inputTokens: 0,
    outputTokens: 0,
    tokensStreamed: 0,
    openStreams: 0,
    peakConcurrentStreams: 0,
  }
  let requestCounter = 0
  const liveResponses = new Set<ServerResponse>()
  const pendingTimers = new Set<ReturnType<typeof setTimeout>>()

  const sendJson = (response: ServerResponse, status: number, body: string, headers: Record<string, string>): void => {
    if (response.headersSent || response.destroyed) return
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers })
    response.end(body)
  }

  const fail = (
    response: ServerResponse,
    codec: ProtocolCodec,
    failure: MockFailure,
    requestId: string,
    headers: Record<string, string> = {},
  ): void => {
    const shaped = codec.failure(failure, requestId)
    if (failure.kind !== 'rate_limit' && failure.kind !== 'queue_full') counters.errors++
    sendJson(response, shaped.status, shaped.body, { [codec.requestIdHeader]: requestId, ...headers })
  }

  const retryHeaders = (retryAfterMs: number): Record<string, string> => ({
    'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
    'retry-after-ms': String(Math.ceil(retryAfterMs)),
    'x-should-retry': 'true',
  })

  const handleChat = async (
    request: IncomingMessage,
    response: ServerResponse,
    codec: ProtocolCodec,
    requestId: string,
    arrivedAtMs: number,
  ): Promise<void> => {
    const body = await readBody(request, profile.maxBodyBytes)
    if (body.kind === 'aborted') return
    if (body.kind === 'too-large') {
      fail(response, codec, { kind: 'too_large', message: `Request body of ${body.bytes} bytes exceeds the limit of ${profile.maxBodyBytes} bytes.` }, requestId)
      return
    }
    const apiKey = apiKeyOf(request)
    if (apiKeys !== undefined && (apiKey === undefined || !apiKeys.has(apiKey))) {
      const message =
        apiKey === undefined
          ? codec.protocol === 'anthropic'
            ? 'x-api-key header is required'
            : "You didn't provide an API key. Provide it in the Authorization header (Bearer auth)."
          : codec.protocol === 'anthropic'
            ? 'invalid x-api-key'
            : 'Incorrect API key provided.'
      fail(response, codec, { kind: 'auth', message }, requestId)
      return
    }
    let text: string
    try {
      text = utf8.decode(body.bytes)
    } catch {
      fail(response, codec, { kind: 'invalid_request', message: 'The request body is not valid UTF-8; send UTF-8 encoded JSON.' }, requestId)
      return
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error)
      fail(response, codec, { kind: 'invalid_request', message: `Could not parse the JSON body of the request (${detail}); send a JSON object.` }, requestId)
      return
    }
    const parsed = codec.parse(json)
    if (isFailure(parsed)) {
      fail(response, codec, parsed, requestId)
      return
    }
    if (profile.strictModels && !modelSet.has(parsed.model)) {
      const message =
        codec.protocol === 'anthropic'
          ? `model: ${parsed.model}`
          : `The model \`${parsed.model}\` does not exist or you do not have access to it.`
      fail(response, codec, { kind: 'model_not_found', param: 'model', message }, requestId)
      return
    }
    const headerOutput = headerNumber(request, MOCK_HEADERS.outputTokens, true)
    const headerTtft = headerNumber(request, MOCK_HEADERS.ttftMs, false)
    const headerItl = headerNumber(request, MOCK_HEADERS.itlMs, false)
    if (typeof headerOutput === 'object' || typeof headerTtft === 'object' || typeof headerItl === 'object') {
      const problem = [headerOutput, headerTtft, headerItl].find((value) => typeof value === 'object')
      fail(response, codec, problem as MockFailure, requestId)
      return
    }
    const texts = textsOf(parsed)
    const inputTokens = countInputTokens(texts, encodingForModel(parsed.model))
    if (inputTokens > profile.contextWindow) {
      fail(
        response,
        codec,
        { kind: 'context_length', message: 'context length exceeded', inputTokens, contextWindow: profile.contextWindow },
        requestId,
      )
      return
    }
    const index = counters.chatRequests
    counters.chatRequests++
    let scripted: MockScript | undefined
    if (script !== undefined) {
      const info: MockRequestInfo = {
        protocol: codec.protocol,
        index,
        model: parsed.model,
        messages: parsed.messages.map((message) => ({ role: message.role, content: message.parts.join('') })),
        inputTokens,
        stream: parsed.stream,
        headers: request.headers,
        body: json as Record<string, unknown>,
      }
      if (parsed.system.length > 0) info.system = parsed.system.join('')
      if (parsed.maxTokens !== undefined) info.maxTokens = parsed.maxTokens
      if (apiKey !== undefined) info.apiKey = apiKey
      try {
        scripted = script(info)
      } catch (error) {
        fail(response, codec, { kind: 'internal', message: `The mock's script hook threw: ${error instanceof Error ? error.message : String(error)}` }, requestId)
        return
      }
    }
    const extraHeaders = scripted?.headers ?? {}
    if (scripted?.status !== undefined) {
      const status = scripted.status
      const errorBody = scripted.errorBody
      const send = (): void => {
        counters.errors++
        if (errorBody === undefined) {
          const shaped = codec.failure(codec.failureForStatus(status), requestId)
          sendJson(response, status, shaped.body, { [codec.requestIdHeader]: requestId, ...extraHeaders })
        } else {
          sendJson(response, status, typeof errorBody === 'string' ? errorBody : JSON.stringify(errorBody), {
            [codec.requestIdHeader]: requestId,
            ...extraHeaders,
          })
        }
      }
      const delayMs = (scripted.ttftMs ?? 0) - (performance.now() - arrivedAtMs)
      if (delayMs > 0) {
        const handle = setTimeout(() => {
          pendingTimers.delete(handle)
          send()
        }, delayMs)
        pendingTimers.add(handle)
        response.on('close', () => {
          clearTimeout(handle)
          pendingTimers.delete(handle)
        })
      } else {
        send()
      }
      return
    }

    const target = scripted?.outputTokens ?? headerOutput ?? profile.defaultOutputTokens
    const room = Math.min(parsed.maxTokens ?? Infinity, profile.contextWindow - inputTokens)
    const outputTokens = Math.max(0, Math.min(target, room))
    const finish: FinishKind = target > room ? 'length' : 'stop'

    let rateHeaders: Record<string, string> = {}
    if (limiter !== undefined) {
      const decision = limiter.take(apiKey ?? 'anonymous', inputTokens + outputTokens)
      rateHeaders = codec.protocol === 'anthropic' ? { ...decision.headers, ...decision.anthropicHeaders } : decision.headers
      if (!decision.allowed) {
        counters.rejectedRateLimit++
        const budget = decision.exceeded ?? 'requests'
        const limit = budget === 'requests' ? profile.rateLimits?.requestsPerMinute : profile.rateLimits?.tokensPerMinute
        const waitMs = decision.retryAfterMs ?? 1000
        fail(
          response,
          codec,
          {
            kind: 'rate_limit',
            budget,
            message: `Rate limit reached for ${parsed.model} on ${budget === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)'}: Limit ${limit}. Please try again in ${(waitMs / 1000).toFixed(3)}s.`,
          },
          requestId,
          { ...rateHeaders, ...retryHeaders(waitMs) },
        )
        return
      }
    }

    const forcedTtft = scripted?.ttftMs ?? headerTtft
    const forcedItl = scripted?.itlMs ?? headerItl
    let timing: SequenceTiming
    if (forcedTtft !== undefined || forcedItl !== undefined) {
      timing = {
        kind: 'exact',
        ttftMs: forcedTtft ?? profile.exact?.ttftMs ?? idleTtftMs(profile, inputTokens),
        itlMs: forcedItl ?? profile.exact?.itlMs ?? idleItlMs(profile),
      }
    } else if (profile.exact !== undefined) {
      timing = { kind: 'exact', ttftMs: profile.exact.ttftMs, itlMs: profile.exact.itlMs }
    } else {
      timing = { kind: 'simulated' }
    }

    const answerId = codec.answerId(index)
    const framer = codec.framer({
      id: answerId,
      model: parsed.model,
      created: Math.floor(Date.now() / 1000),
      inputTokens,
      includeUsage: parsed.includeUsage,
    })
    const pieces = generateMockPieces(seed, mockTextKey(parsed.model, texts), outputTokens, finish === 'stop')
    const stream = parsed.stream
    const resetAfterTokens = scripted?.resetAfterTokens
    const omitTerminator = scripted?.omitTerminator === true
    const baseHeaders = { [codec.requestIdHeader]: requestId, 'x-gauntlet-profile': profile.name, ...rateHeaders, ...extraHeaders }

    let pending = ''
    let flushQueued = false
    let streamOpen = false
    let ended = false
    const flush = (): void => {
      flushQueued = false
      if (pending.length === 0 || response.destroyed) return
      response.write(pending)
      pending = ''
    }
    // Tokens released together (one step, or a whole instant answer) leave in one write.
    const queueFlush = (): void => {
      if (flushQueued) return
      flushQueued = true
      queueMicrotask(flush)
    }
    const closeStream = (): void => {
      if (!streamOpen) return
      streamOpen = false
      counters.openStreams--
    }

    counters.inputTokens += inputTokens
    const handle = scheduler.submit({
      inputTokens,
      outputTokens,
      timing,
      arrivedAtMs,
      callbacks: guardCallbacks(() => {
        counters.errors++
        response.destroy()
      }, {
        onStart(queueMs) {
          if (!stream || response.destroyed) return
          response.writeHead(200, {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache',
            connection: 'keep-alive',
            'x-gauntlet-queue-ms': queueMs.toFixed(1),
            ...baseHeaders,
          })
          streamOpen = true
          counters.openStreams++
          if (counters.openStreams > counters.peakConcurrentStreams) counters.peakConcurrentStreams = counters.openStreams
          pending += framer.start()
          queueFlush()
        },
        onToken(tokenIndex) {
          counters.outputTokens++
          if (stream) {
            counters.tokensStreamed++
            pending += framer.token(MOCK_PIECES_JSON[pieces[tokenIndex] as number] as string)
            queueFlush()
          }
          if (resetAfterTokens !== undefined && tokenIndex + 1 >= resetAfterTokens) {
            ended = true
            closeStream()
            const socket = response.socket
            if (stream && pending.length > 0 && !response.destroyed) {
              response.write(pending, () => socket?.resetAndDestroy())
              pending = ''
            } else {
              socket?.resetAndDestroy()
            }
            // Stop this sequence (instant answers call back inside submit(), before the handle exists).
            return false
          }
          return true
        },
        onEnd() {
          ended = true
          counters.completed++
          if (stream) {
            closeStream()
            if (response.destroyed) return
            const tail = pending + framer.end(finish, outputTokens, omitTerminator)
            pending = ''
            response.end(tail)
          } else {
            let answer = ''
            for (const piece of pieces) answer += MOCK_PIECES[piece]
            sendJson(response, 200, framer.body(answer, finish, outputTokens), baseHeaders)
          }
        },
        onReject() {
          ended = true
          counters.rejectedQueueFull++
          fail(
            response,
            codec,
            {
              kind: 'queue_full',
              message: `The server is at capacity (${profile.capacity} sequences running, ${profile.maxQueue} queued); please retry after ${profile.retryAfterSeconds}s.`,
            },
            requestId,
            { ...rateHeaders, ...retryHeaders(profile.retryAfterSeconds * 1000) },
          )
        },
      }),
    })
    response.on('close', () => {
      if (ended) return
      ended = true
      counters.cancelled++
      closeStream()
      handle.cancel()
    })
  }

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const arrivedAtMs = performance.now()
    counters.requests++
    requestCounter++
    const requestId = `req_gauntlet${requestCounter.toString(36).padStart(10, '0')}`
    // A client that resets mid-write makes the response emit 'error'; that is the client's
    // outcome to record, not ours, and the 'close' handler already released the sequence.
    response.on('error', () => undefined)
    liveResponses.add(response)
    response.on('close', () => liveResponses.delete(response))
    const url = request.url ?? '/'
    const queryAt = url.indexOf('?')
    const path = queryAt === -1 ? url : url.slice(0, queryAt)
    const codec =
      path === '/v1/messages' || (path !== '/v1/chat/completions' && request.headers['anthropic-version'] !== undefined)
        ? anthropicCodec
        : openaiCodec
    const method = request.method ?? 'GET'
    const keyProblem = (): boolean => {
      if (apiKeys === undefined) return false
      const key = apiKeyOf(request)
      if (key !== undefined && apiKeys.has(key)) return false
      fail(response, codec, { kind: 'auth', message: key === undefined ? 'An API key is required.' : 'Incorrect API key provided.' }, requestId)
      return true
    }

    if (path === '/v1/chat/completions' || path === '/v1/messages') {
      if (method !== 'POST') {
        request.resume()
        fail(response, codec, { kind: 'method_not_allowed', message: `Method ${method} is not allowed on ${path}; use POST.` }, requestId, { allow: 'POST' })
        return
      }
      handleChat(request, response, codec, requestId, arrivedAtMs).catch((error: unknown) => {
        // A bug in the mock: answer 500, or break a stream already started rather than leave it hanging.
        if (response.headersSent) {
          counters.errors++
          response.destroy()
          return
        }
        fail(response, codec, { kind: 'internal', message: `Mock internal error: ${error instanceof Error ? error.message : String(error)}` }, requestId)
      })
      return
    }
    request.resume()
    if (method === 'GET' && path === '/health') {
      sendJson(response, 200, JSON.stringify({ status: 'ok', profile: profile.name }), {})
      return
    }
    if (method === 'GET' && path === '/v1/models') {
      if (keyProblem()) return
      sendJson(response, 200, codec.modelList(profile.models), { [codec.requestIdHeader]: requestId })
      return
    }
    if (method === 'GET' && path.startsWith('/v1/models/')) {
      if (keyProblem()) return
      const model = decodeURIComponent(path.slice('/v1/models/'.length))
      if (profile.strictModels && !modelSet.has(model)) {
        fail(response, codec, { kind: 'model_not_found', param: 'model', message: `The model \`${model}\` does not exist.` }, requestId)
        return
      }
      sendJson(response, 200, codec.modelInfo(model), { [codec.requestIdHeader]: requestId })
      return
    }
    fail(response, codec, { kind: 'not_found', message: `Invalid URL (${method} ${path})` }, requestId)
  }

  const server = createServer({ noDelay: true }, handle)
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL') {
        reject(
          new UserError(
            'CONFIG_INVALID',
            `mock: cannot listen on ${host}:${requestedPort} (${error.code}); choose another --port (0 picks a free one) or --host`,
            { cause: error },
          ),
        )
      } else {
        reject(error)
      }
    }
    server.once('error', onError)
    server.listen({ port: requestedPort, host, backlog: 4096 }, () => {
      server.off('error', onError)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  let closing: Promise<void> | undefined

  return {
    url: `http://${hostForUrl(host)}:${port}`,
    port,
    profile,
    stats(): MockStats {
      const schedulerStats = scheduler.stats()
      return {
        requests: counters.requests,
        chatRequests: counters.chatRequests,
        completed: counters.completed,
        activeSequences: schedulerStats.running + schedulerStats.timed,
        queued: schedulerStats.queued,
        rejected: counters.rejectedQueueFull + counters.rejectedRateLimit,
        rejectedQueueFull: counters.rejectedQueueFull,
        rejectedRateLimit: counters.rejectedRateLimit,
        errors: counters.errors,
        cancelled: counters.cancelled,
        inputTokens: counters.inputTokens,
        outputTokens: counters.outputTokens,
        tokensStreamed: counters.tokensStreamed,
        openStreams: counters.openStreams,
        peakConcurrentStreams: counters.peakConcurrentStreams,
        peakActiveSequences: schedulerStats.peakActive,
        peakQueued: schedulerStats.peakQueued,
      }
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        scheduler.close()
        for (const handle of pendingTimers) clearTimeout(handle)
        pendingTimers.clear()
        for (const response of liveResponses) response.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}

/**
 * Scheduler callbacks run from timers: a throw there would crash the process. A bug in one answer
 * instead breaks that answer (`onBug`) and stops its sequence.
 */
function guardCallbacks(onBug: () => void, callbacks: SequenceCallbacks): SequenceCallbacks {
  const guard =
    <A extends unknown[], R>(callback: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return callback(...args)
      } catch {
        onBug()
        return fallback
      }
    }
  return {
    onStart: guard(callbacks.onStart, undefined),
    onToken: guard(callbacks.onToken, false),
    onEnd: guard(callbacks.onEnd, undefined),
    onReject: guard(callbacks.onReject, undefined),
  }
}

/** Every counted text part, in order: Anthropic `system`, then each message's text parts. */
function textsOf(parsed: ParsedChat): string[] {
  const texts = [...parsed.system]
  for (const message of parsed.messages) texts.push(...message.parts)
  return texts
}
