// Reading the two vendored price sources: one source's row for one model (LiteLLM, USD per token;
// genai-prices, USD per million tokens, possibly tiered or time-conditional) as a Candidate in USD
// per million tokens, with notes on what was simplified.
import type { SourceName } from './curated-models.js'

export const SOURCE_LABEL: Record<SourceName, string> = { litellm: 'LiteLLM', 'genai-prices': 'genai-prices' }

export interface TierCandidate {
  aboveInputTokens: number
  input?: number
  cached?: number
  cacheWrite?: number
  output?: number
}

/** One source's view of one model, normalised to USD per million tokens. */
export interface Candidate {
  source: SourceName
  input?: number
  cached?: number
  cacheWrite?: number
  output?: number
  reasoning?: number
  longContext?: TierCandidate
  contextWindowTokens?: number
  maxOutputTokens?: number
  notes: string[]
}

/** Twelve significant digits: drops the float noise of USD/token × 10^6. */
export const roundPrice = (value: number): number => Number(value.toPrecision(12))

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function numberField(record: Record<string, unknown>, field: string): number | undefined {
  const value = record[field]
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function perToken(record: Record<string, unknown>, field: string): number | undefined {
  const value = numberField(record, field)
  return value === undefined ? undefined : roundPrice(value * 1e6)
}

/** LiteLLM's row for `key` (USD per token), or why there is none. */
export function fromLitellm(litellm: Record<string, unknown>, key: string): Candidate | string {
  const row = asRecord(litellm[key])
  if (row === undefined) return `LiteLLM has no "${key}"`
  const candidate: Candidate = { source: 'litellm', notes: [] }
  const set = <K extends keyof Candidate>(field: K, value: Candidate[K] | undefined): void => {
    if (value !== undefined) candidate[field] = value
  }
  set('input', perToken(row, 'input_cost_per_token'))
  set('cached', perToken(row, 'cache_read_input_token_cost') ?? perToken(row, 'input_cost_per_token_cache_hit'))
  set('cacheWrite', perToken(row, 'cache_creation_input_token_cost'))
  set('output', perToken(row, 'output_cost_per_token'))
  set('reasoning', perToken(row, 'output_cost_per_reasoning_token'))
  set('contextWindowTokens', numberField(row, 'max_input_tokens'))
  set('maxOutputTokens', numberField(row, 'max_output_tokens'))
  for (const above of [200_000, 128_000]) {
    const suffix = `_above_${above / 1000}k_tokens`
    const tier: TierCandidate = { aboveInputTokens: above }
    const input = perToken(row, `input_cost_per_token${suffix}`)
    const output = perToken(row, `output_cost_per_token${suffix}`)
    const cached = perToken(row, `cache_read_input_token_cost${suffix}`)
    const cacheWrite = perToken(row, `cache_creation_input_token_cost${suffix}`)
    if (input === undefined && output === undefined) continue
    if (input !== undefined) tier.input = input
    if (output !== undefined) tier.output = output
    if (cached !== undefined) tier.cached = cached
    if (cacheWrite !== undefined) tier.cacheWrite = cacheWrite
    candidate.longContext = tier
    break
  }
  if (row['tiered_pricing'] !== undefined) candidate.notes.push('LiteLLM tiered_pricing not read')
  return candidate
}

interface GenaiTiered {
  base: number
  tiers: { start: number; price: number }[]
}

function genaiValue(value: unknown): { base?: number; tier?: { start: number; price: number }; extraTiers: number } {
  if (typeof value === 'number' && Number.isFinite(value)) return { base: value, extraTiers: 0 }
  const tiered = asRecord(value) as Partial<GenaiTiered> | undefined
  if (tiered !== undefined && typeof tiered.base === 'number' && Array.isArray(tiered.tiers)) {
    const first = tiered.tiers[0]
    return first === undefined ? { base: tiered.base, extraTiers: 0 } : { base: tiered.base, tier: first, extraTiers: tiered.tiers.length - 1 }
  }
  return { extraTiers: 0 }
}

/**
 * genai-prices lists time-conditional prices as `[{prices}, {constraint, prices}, …]`. We keep one
 * price: for dated changes the newest scheduled list price (an introductory price is not a list
 * price); for time-of-day windows (DeepSeek's off-peak discount) the standard, higher price.
 */
function pickGenaiPrices(prices: unknown, notes: string[]): Record<string, unknown> | undefined {
  if (!Array.isArray(prices)) return asRecord(prices)
  const options = prices.map((item) => asRecord(item)).filter((item): item is Record<string, unknown> => item !== undefined)
  const dated = options.filter((item) => typeof asRecord(item['constraint'])?.['start_date'] === 'string')
  const timed = options.filter((item) => typeof asRecord(item['constraint'])?.['start_time'] === 'string')
  if (dated.length > 0) {
    dated.sort((a, b) => String(asRecord(a['constraint'])?.['start_date']).localeCompare(String(asRecord(b['constraint'])?.['start_date'])))
    const newest = dated[dated.length - 1] as Record<string, unknown>
    const since = String(asRecord(newest['constraint'])?.['start_date'])
    const earlier = options.find((item) => item['constraint'] === undefined)
    const before = asRecord(earlier?.['prices'])
    const earlierInput = genaiValue(before?.['input_mtok'])
    const earlierOutput = genaiValue(before?.['output_mtok'])
    const detail =
      earlierInput.base === undefined
        ? ''
        : ` (before it: input $${earlierInput.base}/M, output $${String(earlierOutput.base)}/M` +
          (earlierInput.tier === undefined ? ')' : `, more above ${earlierInput.tier.start} input tokens)`)
    notes.push(`time-conditional: the list price from ${since} is used${detail}`)
    return asRecord(newest['prices'])
  }
  if (timed.length > 0) {
    let best: Record<string, unknown> | undefined
    let bestInput = -1
    for (const item of options) {
      const input = genaiValue(asRecord(item['prices'])?.['input_mtok']).base ?? -1
      if (input > bestInput) {
        best = item
        bestInput = input
      }
    }
    const window = timed[0] === undefined ? undefined : asRecord(timed[0]['constraint'])
    notes.push(
      `time-of-day prices: the standard price is used; the discount outside ${String(window?.['start_time'])}–${String(window?.['end_time'])} is ignored`,
    )
    return asRecord(best?.['prices'])
  }
  return asRecord(options[0]?.['prices'])
}

/** genai-prices' model for `ref` (`provider:model`, USD per million tokens), or why there is none. */
export function fromGenai(genai: unknown, ref: string): Candidate | string {
  const [providerId, ...rest] = ref.split(':')
  const modelId = rest.join(':')
  const providers = Array.isArray(genai) ? genai : []
  const provider = providers.map(asRecord).find((item) => item?.['id'] === providerId)
  const models = Array.isArray(provider?.['models']) ? (provider['models'] as unknown[]) : []
  const model = models.map(asRecord).find((item) => item?.['id'] === modelId)
  if (model === undefined) return `genai-prices has no "${ref}"`
  const candidate: Candidate = { source: 'genai-prices', notes: [] }
  const prices = pickGenaiPrices(model['prices'], candidate.notes)
  if (prices === undefined) return `genai-prices "${ref}" has no prices`
  const input = genaiValue(prices['input_mtok'])
  const cached = genaiValue(prices['cache_read_mtok'])
  const cacheWrite = genaiValue(prices['cache_write_mtok'])
  const output = genaiValue(prices['output_mtok'])
  if (input.base !== undefined) candidate.input = input.base
  if (cached.base !== undefined) candidate.cached = cached.base
  if (cacheWrite.base !== undefined) candidate.cacheWrite = cacheWrite.base
  if (output.base !== undefined) candidate.output = output.base
  const start = input.tier?.start ?? output.tier?.start
  if (start !== undefined) {
    const tier: TierCandidate = { aboveInputTokens: start }
    if (input.tier !== undefined) tier.input = input.tier.price
    if (output.tier !== undefined) tier.output = output.tier.price
    if (cached.tier !== undefined) tier.cached = cached.tier.price
    if (cacheWrite.tier !== undefined) tier.cacheWrite = cacheWrite.tier.price
    candidate.longContext = tier
  }
  if (input.extraTiers + output.extraTiers > 0) candidate.notes.push('genai-prices lists more than one tier; only the first is kept')
  const contextWindow = numberField(model, 'context_window')
  if (contextWindow !== undefined) candidate.contextWindowTokens = contextWindow
  return candidate
}
