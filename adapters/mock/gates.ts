// The gates a chat request passes before it is scheduled, each refusal in its vendor's shape.
// They run in the vendors' order; the queue-full refusal, decided later by the scheduler, is here too.
//
//   body (413) ─► key (401) ─► UTF-8 / JSON / fields (400) ─► model (404) ─► x-gauntlet-* (400)
//   ─► input tokens ─► context (400) ─► script hook (status?) ─► rate limit (429) ─► prefix cache ─► admitted
import type { IncomingMessage } from 'node:http'
import { encodingForModel } from '../../core/tokens.js'
import type { MockContext, MockExchange } from './context.js'
import { countInputTokens } from './input-tokens.js'
import { oracleAnswer } from './oracle.js'
import { prefillTokensOf, usePrefixCache } from './prompt-cache.js'
import { answerPieces as oraclePieces } from './oracle-pieces.js'
import { isFailure, type FinishKind, type MockFailure, type ParsedChat } from './protocol.js'
import { retryHeaders, sendFailure, sendJson } from './reply.js'
import type { SequenceTiming } from './scheduler.js'
import type { MockProfile, MockRequestInfo, MockScript } from './types.js'

/** Request headers the mock honours (documented in README.md; real vendors ignore them). */
export const MOCK_HEADERS = {
  outputTokens: 'x-gauntlet-output-tokens',
  ttftMs: 'x-gauntlet-ttft-ms',
  itlMs: 'x-gauntlet-itl-ms',
  behaviour: 'x-gauntlet-behaviour',
} as const

/** A chat request that passed every gate: what the stream writer needs to answer it. */
export interface AdmittedChat {
  parsed: ParsedChat
  /** 0-based order among valid chat requests. */
  index: number
  /** The counted text parts; they also key the output text. */
  texts: string[]
  inputTokens: number
  /** Of `inputTokens`: read from the prefix cache, and written to it (prompt-cache.ts). */
  cachedInputTokens: number
  cacheWriteInputTokens: number
  /** Prompt tokens the prefill pays for (cached ones at `cachedPrefillFactor`). */
  prefillTokens: number
  outputTokens: number
  finish: FinishKind
  timing: SequenceTiming
  /** Rate-limit state headers (none without limits). */
  rateHeaders: Record<string, string>
  scripted: MockScript | undefined
  /** Oracle behaviour: the answer's pieces, one per token (oracle-pieces.ts); else generated text. */
  answerPieces?: string[]
}

export type BodyResult = { kind: 'ok'; bytes: Buffer } | { kind: 'too-large'; bytes: number } | { kind: 'aborted' }

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Reads the body up to `limitBytes`; the only await before a request is scheduled. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<BodyResult> {
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

/**
 * Runs every gate on a chat request whose body has been read, synchronously. A refusal (or a
 * scripted status) is answered here and gives `undefined`; otherwise the request is returned for
 * scheduling. Past the context check it counts as a valid chat request, even if refused later.
 */
export function admitChat(context: MockContext, exchange: MockExchange, body: BodyResult): AdmittedChat | undefined {
  const { profile, counters, apiKeys } = context
  const { request, codec } = exchange
  const refuse = (failure: MockFailure, headers?: Record<string, string>): undefined => {
    sendFailure(counters, exchange, failure, headers)
    return undefined
  }
  if (body.kind === 'aborted') return undefined
  if (body.kind === 'too-large') {
    return refuse({ kind: 'too_large', message: `Request body of ${body.bytes} bytes exceeds the limit of ${profile.maxBodyBytes} bytes.` })
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
    return refuse({ kind: 'auth', message })
  }
  let text: string
  try {
    text = utf8.decode(body.bytes)
  } catch {
    return refuse({ kind: 'invalid_request', message: 'The request body is not valid UTF-8; send UTF-8 encoded JSON.' })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return refuse({ kind: 'invalid_request', message: `Could not parse the JSON body of the request (${detail}); send a JSON object.` })
  }
  const parsed = codec.parse(json)
  if (isFailure(parsed)) return refuse(parsed)
  if (profile.strictModels && !context.modelSet.has(parsed.model)) {
    const message =
      codec.protocol === 'anthropic'
        ? `model: ${parsed.model}`
        : `The model \`${parsed.model}\` does not exist or you do not have access to it.`
    return refuse({ kind: 'model_not_found', param: 'model', message })
  }
  const headerOutput = headerNumber(request, MOCK_HEADERS.outputTokens, true)
  const headerTtft = headerNumber(request, MOCK_HEADERS.ttftMs, false)
  const headerItl = headerNumber(request, MOCK_HEADERS.itlMs, false)
  if (typeof headerOutput === 'object' || typeof headerTtft === 'object' || typeof headerItl === 'object') {
    const problem = [headerOutput, headerTtft, headerItl].find((value) => typeof value === 'object')
    return refuse(problem as MockFailure)
  }
  const encoding = encodingForModel(parsed.model)
  const texts: string[] = []
  const blockTokens: number[] = []
  let inputTokens = 0
  for (const block of parsed.blocks) {
    for (const part of block.parts) texts.push(part)
    const tokens = countInputTokens(block.parts, encoding)
    blockTokens.push(tokens)
    inputTokens += tokens
  }
  if (inputTokens > profile.contextWindow) {
    return refuse({ kind: 'context_length', message: 'context length exceeded', inputTokens, contextWindow: profile.contextWindow })
  }
  const index = counters.chatRequests
  counters.chatRequests++
  let scripted: MockScript | undefined
  if (context.script !== undefined) {
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
      scripted = context.script(info)
    } catch (error) {
      return refuse({ kind: 'internal', message: `The mock's script hook threw: ${error instanceof Error ? error.message : String(error)}` })
    }
  }
  if (scripted?.status !== undefined) {
    sendScriptedStatus(context, exchange, scripted, scripted.status)
    return undefined
  }

  const behaviour = firstHeader(request.headers[MOCK_HEADERS.behaviour]) ?? profile.behaviour
  if (behaviour !== undefined && behaviour !== 'oracle') {
    return refuse({ kind: 'invalid_request', param: MOCK_HEADERS.behaviour, message: `Invalid header '${MOCK_HEADERS.behaviour}': expected 'oracle', got '${behaviour}'.` })
  }
  const oracle = behaviour === 'oracle' ? oracleAnswer(lastUserText(parsed)) : undefined
  const answerPieces = oracle === undefined ? undefined : oraclePieces(oracle, encodingForModel(parsed.model))
  const target = scripted?.outputTokens ?? answerPieces?.length ?? headerOutput ?? profile.defaultOutputTokens
  const room = Math.min(parsed.maxTokens ?? Infinity, profile.contextWindow - inputTokens)
  const outputTokens = Math.max(0, Math.min(target, room))
  const finish: FinishKind = target > room ? 'length' : 'stop'

  let rateHeaders: Record<string, string> = {}
  if (context.limiter !== undefined) {
    const decision = context.limiter.take(apiKey ?? 'anonymous', inputTokens + outputTokens)
    rateHeaders = codec.protocol === 'anthropic' ? { ...decision.headers, ...decision.anthropicHeaders } : decision.headers
    if (!decision.allowed) {
      counters.rejectedRateLimit++
      const budget = decision.exceeded ?? 'requests'
      const limit = budget === 'requests' ? profile.rateLimits?.requestsPerMinute : profile.rateLimits?.tokensPerMinute
      const waitMs = decision.retryAfterMs ?? 1000
      return refuse(
        {
          kind: 'rate_limit',
          budget,
          message: `Rate limit reached for ${parsed.model} on ${budget === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)'}: Limit ${limit}. Please try again in ${(waitMs / 1000).toFixed(3)}s.`,
        },
        { ...rateHeaders, ...retryHeaders(waitMs) },
      )
    }
  }

  // Admitted: only now does the prompt reach the cache (refused requests neither read nor fill it).
  const use = usePrefixCache(context.prefixCache, codec.protocol, parsed.model, parsed.blocks, blockTokens)
  const prefillTokens = prefillTokensOf(context.prefixCache, inputTokens, use.cachedInputTokens)
  const timing = timingOf(profile, prefillTokens, scripted?.ttftMs ?? headerTtft, scripted?.itlMs ?? headerItl)
  const admitted: AdmittedChat = { parsed, index, texts, inputTokens, ...use, prefillTokens, outputTokens, finish, timing, rateHeaders, scripted }
  if (answerPieces !== undefined) admitted.answerPieces = answerPieces
  return admitted
}

/** Model routes: when keys are set and the request has none of them, answers 401 and returns true. */
export function rejectsKey(context: MockContext, exchange: MockExchange): boolean {
  if (context.apiKeys === undefined) return false
  const key = apiKeyOf(exchange.request)
  if (key !== undefined && context.apiKeys.has(key)) return false
  const message = key === undefined ? 'An API key is required.' : 'Incorrect API key provided.'
  sendFailure(context.counters, exchange, { kind: 'auth', message })
  return true
}

/** The scheduler found the queue full: 429 (OpenAI) / 529 (Anthropic) with Retry-After. */
export function rejectQueueFull(context: MockContext, exchange: MockExchange, rateHeaders: Record<string, string>): void {
  const { profile, counters } = context
  counters.rejectedQueueFull++
  sendFailure(
    counters,
    exchange,
    {
      kind: 'queue_full',
      message: `The server is at capacity (${profile.capacity} sequences running, ${profile.maxQueue} queued); please retry after ${profile.retryAfterSeconds}s.`,
    },
    { ...rateHeaders, ...retryHeaders(profile.retryAfterSeconds * 1000) },
  )
}

/** A script's `status`: its body or the vendor's default for the status, after `ttftMs` if set. */
function sendScriptedStatus(context: MockContext, exchange: MockExchange, scripted: MockScript, status: number): void {
  const { counters, pendingTimers } = context
  const { response, codec, requestId, arrivedAtMs } = exchange
  const extraHeaders = scripted.headers ?? {}
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
}

/** A forced TTFT or ITL (script, else header) makes exact timing; the other comes from the profile. */
function timingOf(profile: MockProfile, prefillTokens: number, forcedTtft: number | undefined, forcedItl: number | undefined): SequenceTiming {
  if (forcedTtft !== undefined || forcedItl !== undefined) {
    return {
      kind: 'exact',
      ttftMs: forcedTtft ?? profile.exact?.ttftMs ?? idleTtftMs(profile, prefillTokens),
      itlMs: forcedItl ?? profile.exact?.itlMs ?? idleItlMs(profile),
    }
  }
  if (profile.exact !== undefined) return { kind: 'exact', ttftMs: profile.exact.ttftMs, itlMs: profile.exact.itlMs }
  return { kind: 'simulated' }
}

/** TTFT of a lone request on an idle simulated server: the default when only an ITL is forced. */
function idleTtftMs(profile: MockProfile, prefillTokens: number): number {
  const { timing } = profile
  const steps = Math.max(1, Math.ceil(prefillTokens / timing.maxPrefillTokensPerStep))
  return timing.overheadMs + steps * timing.decodeBaseMs + prefillTokens * timing.prefillMsPerToken
}

function idleItlMs(profile: MockProfile): number {
  return profile.timing.decodeBaseMs + profile.timing.decodeMsPerSequence
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

/** The last user message's text (the oracle reads its table and question there). */
function lastUserText(parsed: ParsedChat): string {
  for (let i = parsed.messages.length - 1; i >= 0; i--) {
    const message = parsed.messages[i]
    if (message?.role === 'user') return message.parts.join('')
  }
  return ''
}
