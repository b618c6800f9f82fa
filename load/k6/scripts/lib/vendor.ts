// Vendor wire formats for the k6 scripts and the autocannon probe: traffic entry -> HTTP request,
// response body / SSE event -> text, usage and finish reason, and usage x price -> USD.
// Pure and ES2017-safe (it is bundled for k6), no imports beyond the plan types.
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

/** Anthropic reports cache reads and writes beside `input_tokens`; we fold them into the input total. */
function anthropicUsage(raw: unknown, into: ParsedUsage): void {
  const usage = asRecord(raw)
  if (usage === undefined) return
  const input = asCount(usage['input_tokens'])
  const cacheRead = asCount(usage['cache_read_input_tokens'])
  const cacheWrite = asCount(usage['cache_creation_input_tokens'])
  const output = asCount(usage['output_tokens'])
  if (input !== undefined) into.inputTokens = input + (cacheRead || 0) + (cacheWrite || 0)
  if (cacheRead !== undefined) into.cachedInputTokens = cacheRead
  if (cacheWrite !== undefined) into.cacheWriteInputTokens = cacheWrite
  if (output !== undefined) into.outputTokens = output
}

/** A non-streaming 2xx body; undefined when it is not the vendor's JSON shape. */
export function parseJsonResponse(vendor: K6Target['vendor'], bodyText: string): ParsedResponse | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(bodyText)
  } catch (_error) {
    return undefined
  }
  const body = asRecord(parsed)
  if (body === undefined) return undefined
  if (vendor === 'anthropic') {
    const content = body['content']
    if (!Array.isArray(content)) return undefined
    let text = ''
    for (const block of content) {
      const record = asRecord(block)
      if (record !== undefined && record['type'] === 'text' && typeof record['text'] === 'string') text += record['text']
    }
    const usage: ParsedUsage = {}
    anthropicUsage(body['usage'], usage)
    const result: ParsedResponse = { text, usage }
    if (typeof body['stop_reason'] === 'string') result.finishReason = body['stop_reason']
    return result
  }
  const choices = body['choices']
  if (!Array.isArray(choices)) return undefined
  const first = asRecord(choices[0])
  const message = first === undefined ? undefined : asRecord(first['message'])
  const text = message !== undefined && typeof message['content'] === 'string' ? message['content'] : ''
  const result: ParsedResponse = { text, usage: openAiUsage(body['usage']) }
  if (first !== undefined && typeof first['finish_reason'] === 'string') result.finishReason = first['finish_reason']
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
  const usage: ParsedUsage = {}
  const parse = (data: string): Record<string, unknown> | undefined => {
    try {
      return asRecord(JSON.parse(data))
    } catch (_error) {
      return undefined
    }
  }
  const errorOf = (event: Record<string, unknown>): string => {
    const error = asRecord(event['error'])
    if (error !== undefined && typeof error['message'] === 'string') return error['message']
    return 'stream error event'
  }
  const onEvent = (name: string, data: string): StreamStep => {
    if (vendor === 'anthropic') {
      const event = parse(data)
      const type = event !== undefined && typeof event['type'] === 'string' ? event['type'] : name
      if (event === undefined) return { content: false, done: false, error: `unparseable event '${name}'` }
      if (type === 'error') return { content: false, done: true, error: errorOf(event) }
      if (type === 'message_start') {
        const message = asRecord(event['message'])
        if (message !== undefined) anthropicUsage(message['usage'], usage)
        return { content: false, done: false }
      }
      if (type === 'content_block_delta') {
        const delta = asRecord(event['delta'])
        if (delta !== undefined && delta['type'] === 'text_delta' && typeof delta['text'] === 'string' && delta['text'] !== '') {
          text += delta['text']
          contentEvents++
          return { content: true, done: false }
        }
        return { content: false, done: false }
      }
      if (type === 'message_delta') {
        const delta = asRecord(event['delta'])
        if (delta !== undefined && typeof delta['stop_reason'] === 'string') finishReason = delta['stop_reason']
        // message_delta carries cumulative output tokens; input stays from message_start.
        const deltaUsage = asRecord(event['usage'])
        const output = deltaUsage === undefined ? undefined : asCount(deltaUsage['output_tokens'])
        if (output !== undefined) usage.outputTokens = output
        return { content: false, done: false }
      }
      return { content: false, done: type === 'message_stop' }
    }
    if (data.trim() === '[DONE]') return { content: false, done: true }
    const event = parse(data)
    if (event === undefined) return { content: false, done: false, error: 'unparseable chunk' }
    if (event['error'] !== undefined) return { content: false, done: true, error: errorOf(event) }
    let content = false
    const choices = event['choices']
    if (Array.isArray(choices) && choices.length > 0) {
      const choice = asRecord(choices[0])
      const delta = choice === undefined ? undefined : asRecord(choice['delta'])
      if (delta !== undefined && typeof delta['content'] === 'string' && delta['content'] !== '') {
        text += delta['content']
        contentEvents++
        content = true
      }
      if (choice !== undefined && typeof choice['finish_reason'] === 'string') finishReason = choice['finish_reason']
    }
    if (event['usage'] !== undefined && event['usage'] !== null) {
      const parsedUsage = openAiUsage(event['usage'])
      if (parsedUsage.inputTokens !== undefined) usage.inputTokens = parsedUsage.inputTokens
      if (parsedUsage.outputTokens !== undefined) usage.outputTokens = parsedUsage.outputTokens
      if (parsedUsage.cachedInputTokens !== undefined) usage.cachedInputTokens = parsedUsage.cachedInputTokens
      if (parsedUsage.reasoningTokens !== undefined) usage.reasoningTokens = parsedUsage.reasoningTokens
    }
    return { content, done: false }
  }
  return {
    onEvent,
    get text() {
      return text
    },
    get usage() {
      return usage
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
