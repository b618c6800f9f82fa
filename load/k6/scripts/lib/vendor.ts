// Vendor wire formats for the k6 scripts and the autocannon probe: traffic entry -> HTTP request,
// response body / SSE event -> text, usage and finish reason, and usage x price -> USD.
// Pure and ES2017-safe (it is bundled for k6), no imports beyond the plan types. A hand-kept twin
// of the adapters' request/response code: test/unit/k6/vendor-parity.test.ts holds them equal.
import type { K6Price, K6Target, K6TrafficEntry } from './plan.js'

export interface VendorRequest {
  url: string
  headers: Record<string, string>
  body: string
}

/** Token counts as the server reported them; a count it did not report stays undefined. */
export interface ParsedUsage {
  /** All input tokens, cached reads and cache writes included. */
  inputTokens?: number
  cachedInputTokens?: number
  /** Anthropic cache writes, billed at their own rate. */
  cacheWriteInputTokens?: number
  /** All output tokens, reasoning included. */
  outputTokens?: number
  reasoningTokens?: number
}

export interface ParsedResponse {
  text: string
  usage: ParsedUsage
  finishReason?: string
}

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01'
export const DEFAULT_AZURE_API_VERSION = '2024-10-21'

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

/**
 * The HTTP request for one traffic entry. `apiKey` is only placed in headers, in memory;
 * callers read it from the environment at run time and never persist it.
 */
export function buildVendorRequest(
  target: K6Target,
  entry: K6TrafficEntry,
  options: { stream: boolean; apiKey?: string },
): VendorRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: options.stream ? 'text/event-stream' : 'application/json',
  }
  // The embedded mock reads this to keep replayed lengths; real vendors ignore unknown headers.
  if (entry.targetOutputTokens !== undefined) headers['x-gauntlet-output-tokens'] = String(entry.targetOutputTokens)
  const base = trimSlash(target.baseUrl)
  if (target.vendor === 'anthropic') {
    if (options.apiKey) headers['x-api-key'] = options.apiKey
    headers['anthropic-version'] = target.apiVersion || DEFAULT_ANTHROPIC_VERSION
    const system: string[] = []
    const messages: Array<{ role: string; content: string }> = []
    for (const message of entry.messages) {
      if (message.role === 'system') system.push(message.content)
      else messages.push({ role: message.role, content: message.content })
    }
    const body: Record<string, unknown> = { model: target.model, max_tokens: entry.maxOutputTokens, messages }
    if (entry.json && target.jsonInstruction) system.push(target.jsonInstruction)
    if (system.length > 0) body['system'] = system.join('\n\n')
    if (options.stream) body['stream'] = true
    return { url: `${base}/v1/messages`, headers, body: JSON.stringify(body) }
  }
  const body: Record<string, unknown> = {
    model: target.model,
    messages: entry.messages.map((message) => ({ role: message.role, content: message.content })),
  }
  body[target.maxTokensField || 'max_tokens'] = entry.maxOutputTokens
  if (entry.json) body['response_format'] = { type: 'json_object' }
  if (options.stream) {
    body['stream'] = true
    // Without this, OpenAI-style streams carry no usage and spend could not be measured.
    body['stream_options'] = { include_usage: true }
  }
  if (target.vendor === 'azure') {
    if (options.apiKey) headers['api-key'] = options.apiKey
    const version = target.apiVersion || DEFAULT_AZURE_API_VERSION
    const url = `${base}/openai/deployments/${encodeURIComponent(target.model)}/chat/completions?api-version=${encodeURIComponent(version)}`
    return { url, headers, body: JSON.stringify(body) }
  }
  if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`
  return { url: `${base}/chat/completions`, headers, body: JSON.stringify(body) }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function asCount(value: unknown): number | undefined {
  return typeof value === 'number' && isFinite(value) && value >= 0 ? value : undefined
}

function asString(record: Record<string, unknown> | undefined, key: string): string | undefined {
  if (record === undefined) return undefined
  const value = record[key]
  return typeof value === 'string' ? value : undefined
}

function parseRecord(text: string): Record<string, unknown> | undefined {
  try {
    return asRecord(JSON.parse(text))
  } catch (_error) {
    return undefined
  }
}

// The parsing below mirrors adapters/openai-compatible/response.ts and adapters/anthropic/response.ts
// (test/unit/k6/vendor-parity.test.ts feeds the recorded fixtures through both and holds the
// text, usage and finish reason equal). Text is what the engine counts as text-delta: answer
// text and OpenAI refusals, never reasoning.

function openAiUsage(raw: unknown): ParsedUsage {
  const usage = asRecord(raw)
  if (usage === undefined) return {}
  const result: ParsedUsage = {}
  const input = asCount(usage['prompt_tokens'])
  const output = asCount(usage['completion_tokens'])
  const details = asRecord(usage['prompt_tokens_details'])
  const cached = details === undefined ? undefined : asCount(details['cached_tokens'])
  if (input !== undefined) result.inputTokens = input
  if (output !== undefined) result.outputTokens = output
  if (cached !== undefined) result.cachedInputTokens = cached
  const outputDetails = asRecord(usage['completion_tokens_details'])
  const reasoning = outputDetails === undefined ? undefined : asCount(outputDetails['reasoning_tokens'])
  if (reasoning !== undefined) result.reasoningTokens = reasoning
  return result
}

/** The choice with index 0 (n > 1 answers are not measured), or the first one without an index. */
function openAiFirstChoice(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const choices = body['choices']
  if (!Array.isArray(choices)) return undefined
  for (const item of choices) {
    const choice = asRecord(item)
    if (choice !== undefined && (choice['index'] === undefined || choice['index'] === 0)) return choice
  }
  return undefined
}

function hasOpenAiError(body: Record<string, unknown>): boolean {
  return body['error'] !== undefined && body['error'] !== null
}

/** Anthropic's counts as reported; later reports (message_delta) override earlier ones field by field. */
interface AnthropicCounts {
  input?: number
  cacheRead?: number
  cacheWrite?: number
  output?: number
}

function mergeAnthropicCounts(counts: AnthropicCounts, raw: unknown): void {
  const usage = asRecord(raw)
  if (usage === undefined) return
  const input = asCount(usage['input_tokens'])
  const cacheRead = asCount(usage['cache_read_input_tokens'])
  const cacheWrite = asCount(usage['cache_creation_input_tokens'])
  const output = asCount(usage['output_tokens'])
  if (input !== undefined) counts.input = input
  if (cacheRead !== undefined) counts.cacheRead = cacheRead
  if (cacheWrite !== undefined) counts.cacheWrite = cacheWrite
  if (output !== undefined) counts.output = output
}

/** Anthropic reports cache reads and writes beside `input_tokens`; we fold them into the input total. */
function anthropicUsage(counts: AnthropicCounts): ParsedUsage {
  const usage: ParsedUsage = {}
  if (counts.input !== undefined) usage.inputTokens = counts.input + (counts.cacheRead || 0) + (counts.cacheWrite || 0)
  if (counts.cacheRead !== undefined) usage.cachedInputTokens = counts.cacheRead
  if (counts.cacheWrite !== undefined) usage.cacheWriteInputTokens = counts.cacheWrite
  if (counts.output !== undefined) usage.outputTokens = counts.output
  return usage
}

/** A non-streaming 2xx body; undefined when it is not the vendor's JSON shape (or an error in a 200). */
export function parseJsonResponse(vendor: K6Target['vendor'], bodyText: string): ParsedResponse | undefined {
  const body = parseRecord(bodyText)
  if (body === undefined) return undefined
  if (vendor === 'anthropic') {
    if (body['type'] === 'error') return undefined
    const content = body['content']
    if (!Array.isArray(content)) return undefined
    let text = ''
    for (const block of content) {
      const record = asRecord(block)
      if (record !== undefined && record['type'] === 'text') text += asString(record, 'text') || ''
    }
    const counts: AnthropicCounts = {}
    mergeAnthropicCounts(counts, body['usage'])
    const result: ParsedResponse = { text, usage: anthropicUsage(counts) }
    const stopReason = asString(body, 'stop_reason')
    if (stopReason !== undefined) result.finishReason = stopReason
    return result
  }
  if (hasOpenAiError(body)) return undefined
  const choice = openAiFirstChoice(body)
  if (choice === undefined) return undefined
  const message = asRecord(choice['message'])
  const content = asString(message, 'content')
  const refusal = asString(message, 'refusal')
  const text = content !== undefined && content !== '' ? content : refusal || ''
  const result: ParsedResponse = { text, usage: openAiUsage(body['usage']) }
  const finishReason = asString(choice, 'finish_reason')
  if (finishReason !== undefined) result.finishReason = finishReason
  return result
}

export interface StreamStep {
  /** The event carried output content (the first such event is TTFT). */
  content: boolean
  /** The stream said it is complete. */
  done: boolean
  /** The stream carried an error event. */
  error?: string
}

/** Folds SSE events of one response into text, usage and finish reason. */
export interface StreamState {
  onEvent(name: string, data: string): StreamStep
  readonly text: string
  readonly usage: ParsedUsage
  readonly finishReason: string | undefined
  readonly contentEvents: number
}

export function createStreamState(vendor: K6Target['vendor']): StreamState {
  let text = ''
  let finishReason: string | undefined
  let contentEvents = 0
  let openAiReported: ParsedUsage = {}
  const counts: AnthropicCounts = {}
  const errorOf = (event: Record<string, unknown>): string => {
    const message = asString(asRecord(event['error']), 'message')
    return message !== undefined ? message : 'stream error event'
  }
  const addText = (piece: string | undefined): boolean => {
    if (piece === undefined || piece === '') return false
    text += piece
    contentEvents++
    return true
  }
  const onAnthropicEvent = (name: string, data: string): StreamStep => {
    if (data === '' && name !== 'error') return { content: false, done: false }
    const event = parseRecord(data)
    if (event === undefined) {
      if (name === 'error') return { content: false, done: true, error: data !== '' ? data : 'stream error event' }
      return { content: false, done: false, error: `unparseable event '${name}'` }
    }
    // The JSON `type` is authoritative; the SSE event name is a fallback for terse servers.
    const typeField = asString(event, 'type')
    const type = typeField !== undefined ? typeField : name
    if (type === 'error') return { content: false, done: true, error: errorOf(event) }
    if (type === 'message_start') {
      const message = asRecord(event['message'])
      if (message !== undefined) mergeAnthropicCounts(counts, message['usage'])
      return { content: false, done: false }
    }
    if (type === 'content_block_start') {
      // A text block may open with text of its own (usually empty).
      const block = asRecord(event['content_block'])
      const content = block !== undefined && block['type'] === 'text' ? addText(asString(block, 'text')) : false
      return { content, done: false }
    }
    if (type === 'content_block_delta') {
      const delta = asRecord(event['delta'])
      const content = delta !== undefined && delta['type'] === 'text_delta' ? addText(asString(delta, 'text')) : false
      return { content, done: false }
    }
    if (type === 'message_delta') {
      const stopReason = asString(asRecord(event['delta']), 'stop_reason')
      if (stopReason !== undefined) finishReason = stopReason
      // message_delta carries cumulative counts; what it omits stays from message_start.
      mergeAnthropicCounts(counts, event['usage'])
      return { content: false, done: false }
    }
    return { content: false, done: type === 'message_stop' }
  }
  const onOpenAiEvent = (name: string, data: string): StreamStep => {
    if (data.trim() === '[DONE]') return { content: false, done: true }
    // A bare `data:` line is a keep-alive some proxies send.
    if (data === '' && name !== 'error') return { content: false, done: false }
    const event = parseRecord(data)
    if (event === undefined) {
      if (name === 'error') return { content: false, done: true, error: data !== '' ? data : 'stream error event' }
      return { content: false, done: false, error: 'unparseable chunk' }
    }
    if (hasOpenAiError(event) || name === 'error') return { content: false, done: true, error: errorOf(event) }
    // Each usage report replaces the previous one (servers send one, in the last chunk).
    if (asRecord(event['usage']) !== undefined) openAiReported = openAiUsage(event['usage'])
    const choice = openAiFirstChoice(event)
    if (choice === undefined) return { content: false, done: false }
    const delta = asRecord(choice['delta'])
    const answered = addText(asString(delta, 'content'))
    // A refusal is answer text for the engine too (its finish reason becomes `refusal` there).
    const refused = addText(asString(delta, 'refusal'))
    const finish = asString(choice, 'finish_reason')
    if (finish !== undefined) finishReason = finish
    return { content: answered || refused, done: false }
  }
  const onEvent = vendor === 'anthropic' ? onAnthropicEvent : onOpenAiEvent
  return {
    onEvent,
    get text() {
      return text
    },
    get usage() {
      return vendor === 'anthropic' ? anthropicUsage(counts) : openAiReported
    },
    get finishReason() {
      return finishReason
    },
    get contentEvents() {
      return contentEvents
    },
  }
}

/**
 * USD for one answer, with the same formula as results/cost.ts `spendUsd` (a unit test holds
 * them equal): plain input x input rate + cache reads x cached rate + cache writes x write rate
 * + output x output rate (reasoning at its own rate when priced), with the long-context rates
 * for the whole request once its input passes their threshold. Undefined when the model is not
 * priced or the server reported neither count, so an unknown spend is never reported as 0.
 */
export function spendUsd(usage: ParsedUsage, price: K6Price | null): number | undefined {
  if (price === null) return undefined
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return undefined
  const input = usage.inputTokens || 0
  const cached = Math.min(usage.cachedInputTokens || 0, input)
  const cacheWrite = Math.min(usage.cacheWriteInputTokens || 0, input - cached)
  const output = usage.outputTokens || 0
  const reasoning = Math.min(usage.reasoningTokens || 0, output)
  const tier = price.longContext !== undefined && input > price.longContext.aboveInputTokens ? price.longContext : undefined
  const inputRate = tier !== undefined ? tier.inputUsdPerMTok : price.inputUsdPerMTok
  const outputRate = tier !== undefined ? tier.outputUsdPerMTok : price.outputUsdPerMTok
  const cachedRate = firstDefined(tier === undefined ? undefined : tier.cachedInputUsdPerMTok, price.cachedInputUsdPerMTok, inputRate)
  const writeRate = firstDefined(tier === undefined ? undefined : tier.cacheWriteUsdPerMTok, price.cacheWriteUsdPerMTok, inputRate)
  const reasoningRate = firstDefined(price.reasoningUsdPerMTok, outputRate, outputRate)
  const micro =
    (input - cached - cacheWrite) * inputRate +
    cached * cachedRate +
    cacheWrite * writeRate +
    (output - reasoning) * outputRate +
    reasoning * reasoningRate
  return micro / 1000000
}

function firstDefined(first: number | undefined, second: number | undefined, fallback: number): number {
  if (first !== undefined) return first
  return second !== undefined ? second : fallback
}
