// Regenerates adapters/pricing/prices.json from the two vendored price tables, cross-checked and bound-checked.
//
//   npx esbuild adapters/pricing/build-prices.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=/tmp/build-prices.mjs && node /tmp/build-prices.mjs [--check]
//
//   LiteLLM (USD/token) ──┐                         ┌─► both pass and agree ─► price, sources: both
//                         ├─► bounds, ratio, tiers ─┼─► both pass, disagree ─► preferred source, note
//   genai-prices ($/Mtok) ┘   (reject a source)     └─► one passes ───────────► that one, single source
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CURATED_MODELS, type CuratedModel, type SourceName } from './curated-models.js'
// Types only: the script is bundled with --packages=external and run from /tmp, where zod does
// not resolve. The tests validate the written table against the schema.
import type { ModelPrice, PriceSource, PriceTable } from './schema.js'

/** Equal to PRICE_TABLE_SCHEMA_VERSION in schema.ts (the pricing tests check it). */
const SCHEMA_VERSION = 1

/**
 * Plausible list prices, USD per million tokens. LiteLLM's wandb/* rows are off by 10^5
 * (input $135,000/M); the most expensive real rows are o1-pro ($150 in / $600 out).
 */
export const PRICE_BOUNDS = {
  minUsdPerMTok: 0.001,
  maxInputUsdPerMTok: 200,
  maxOutputUsdPerMTok: 1000,
  /** output / input: real models sit between 0.5 and 12; a row outside [0.2, 25] has a unit slip. */
  minOutputToInputRatio: 0.2,
  maxOutputToInputRatio: 25,
  /** A long-context tier costs more than the base price, but never more than 4×. */
  maxTierToBaseRatio: 4,
  /** A cache write costs at most 3× a plain input token (Anthropic: 1.25×, 2× for 1 h). */
  maxCacheWriteToInputRatio: 3,
} as const

/** Two sources agree when they differ by at most this fraction. */
export const AGREEMENT_TOLERANCE = 0.005

const SOURCE_LABEL: Record<SourceName, string> = { litellm: 'LiteLLM', 'genai-prices': 'genai-prices' }

interface TierCandidate {
  aboveInputTokens: number
  input?: number
  cached?: number
  cacheWrite?: number
  output?: number
}

/** One source's view of one model, normalised to USD per million tokens. */
interface Candidate {
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

export interface BuildReportEntry {
  key: string
  sources: SourceName[]
  /** Fields where both sources passed the bounds and disagreed. */
  conflicts: string[]
  /** A source or field thrown out, and why. */
  rejected: string[]
  notes: string[]
}

export interface BuildReport {
  entries: BuildReportEntry[]
  /** Curated models left out of the table: no source passed. */
  dropped: { key: string; reasons: string[] }[]
}

export interface BuildInputs {
  litellm: Record<string, unknown>
  genai: unknown
  curated: readonly CuratedModel[]
  sources: PriceSource[]
  /** The table's date: the newest source's as-of. */
  asOf: string
}

// ---------------------------------------------------------------------------------------------
// Reading the sources

const round = (value: number): number => Number(value.toPrecision(12))

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function numberField(record: Record<string, unknown>, field: string): number | undefined {
  const value = record[field]
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function perToken(record: Record<string, unknown>, field: string): number | undefined {
  const value = numberField(record, field)
  return value === undefined ? undefined : round(value * 1e6)
}

function fromLitellm(litellm: Record<string, unknown>, key: string): Candidate | string {
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

function fromGenai(genai: unknown, ref: string): Candidate | string {
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

// ---------------------------------------------------------------------------------------------
// Checking one source

/** Drops what is implausible from a candidate; returns why the whole candidate is unusable, if it is. */
function boundCheck(candidate: Candidate, rejected: string[]): string | undefined {
  const label = SOURCE_LABEL[candidate.source]
  const { input, output } = candidate
  const b = PRICE_BOUNDS
  if (input === undefined || output === undefined) return `${label}: no input or output price`
  if (input < b.minUsdPerMTok || input > b.maxInputUsdPerMTok) {
    return `${label}: input $${input}/M outside [${b.minUsdPerMTok}, ${b.maxInputUsdPerMTok}]`
  }
  if (output < b.minUsdPerMTok || output > b.maxOutputUsdPerMTok) {
    return `${label}: output $${output}/M outside [${b.minUsdPerMTok}, ${b.maxOutputUsdPerMTok}]`
  }
  const ratio = output / input
  if (ratio < b.minOutputToInputRatio || ratio > b.maxOutputToInputRatio) {
    return `${label}: output/input ratio ${round(ratio)} outside [${b.minOutputToInputRatio}, ${b.maxOutputToInputRatio}] ($${input} in, $${output} out)`
  }
  if (candidate.cached !== undefined && candidate.cached > input) {
    rejected.push(`${label}: cached input $${candidate.cached}/M above input $${input}/M, dropped`)
    delete candidate.cached
  }
  if (candidate.cacheWrite !== undefined && (candidate.cacheWrite < input || candidate.cacheWrite > input * b.maxCacheWriteToInputRatio)) {
    rejected.push(`${label}: cache write $${candidate.cacheWrite}/M not within [1, ${b.maxCacheWriteToInputRatio}]× input, dropped`)
    delete candidate.cacheWrite
  }
  if (candidate.reasoning !== undefined) {
    if (candidate.reasoning === output) delete candidate.reasoning
    else if (candidate.reasoning < b.minUsdPerMTok || candidate.reasoning > b.maxOutputUsdPerMTok) {
      rejected.push(`${label}: reasoning $${candidate.reasoning}/M out of bounds, dropped`)
      delete candidate.reasoning
    }
  }
  const tier = candidate.longContext
  if (tier !== undefined) {
    const within = (value: number | undefined, base: number | undefined): boolean =>
      value === undefined || base === undefined || (value >= base && value <= base * b.maxTierToBaseRatio)
    if (tier.input === undefined || tier.output === undefined || !within(tier.input, input) || !within(tier.output, output)) {
      rejected.push(
        `${label}: long-context tier above ${tier.aboveInputTokens} (in $${tier.input}/M, out $${tier.output}/M) not within [1, ${b.maxTierToBaseRatio}]× base, dropped`,
      )
      delete candidate.longContext
    } else {
      if (!within(tier.cached, candidate.cached)) delete tier.cached
      if (!within(tier.cacheWrite, candidate.cacheWrite)) delete tier.cacheWrite
    }
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Merging two sources

const agree = (a: number, b: number): boolean => Math.abs(a - b) <= AGREEMENT_TOLERANCE * Math.max(Math.abs(a), Math.abs(b))

interface Picked {
  value: number | undefined
  from: SourceName[]
}

function pickField(
  field: string,
  values: Partial<Record<SourceName, number>>,
  prefer: SourceName,
  conflicts: string[],
): Picked {
  const other: SourceName = prefer === 'litellm' ? 'genai-prices' : 'litellm'
  const preferred = values[prefer]
  const second = values[other]
  if (preferred !== undefined && second !== undefined) {
    if (agree(preferred, second)) return { value: preferred, from: ['litellm', 'genai-prices'] }
    conflicts.push(`${field}: ${SOURCE_LABEL[prefer]} ${preferred} chosen over ${SOURCE_LABEL[other]} ${second}`)
    return { value: preferred, from: [prefer] }
  }
  if (preferred !== undefined) return { value: preferred, from: [prefer] }
  if (second !== undefined) return { value: second, from: [other] }
  return { value: undefined, from: [] }
}

function bySource<K extends keyof Candidate>(candidates: Candidate[], field: K): Partial<Record<SourceName, Candidate[K]>> {
  const values: Partial<Record<SourceName, Candidate[K]>> = {}
  for (const candidate of candidates) if (candidate[field] !== undefined) values[candidate.source] = candidate[field]
  return values
}

function tierValues(candidates: Candidate[], field: keyof TierCandidate): Partial<Record<SourceName, number>> {
  const values: Partial<Record<SourceName, number>> = {}
  for (const candidate of candidates) {
    const value = candidate.longContext?.[field]
    if (value !== undefined) values[candidate.source] = value
  }
  return values
}

function buildEntry(
  curated: CuratedModel,
  inputs: BuildInputs,
  sourceDates: Record<SourceName, string | undefined>,
): { price?: ModelPrice; report: BuildReportEntry; dropReasons: string[] } {
  const report: BuildReportEntry = { key: curated.key, sources: [], conflicts: [], rejected: [], notes: [] }
  const dropReasons: string[] = []
  const candidates: Candidate[] = []
  const raw: (Candidate | string)[] = []
  if (curated.litellm !== undefined) raw.push(fromLitellm(inputs.litellm, curated.litellm))
  if (curated.genai !== undefined) raw.push(fromGenai(inputs.genai, curated.genai))
  for (const item of raw) {
    if (typeof item === 'string') {
      dropReasons.push(item)
      continue
    }
    const problem = boundCheck(item, report.rejected)
    if (problem === undefined) candidates.push(item)
    else {
      report.rejected.push(`${problem}: source rejected`)
      dropReasons.push(problem)
    }
  }
  if (candidates.length === 0) return { report, dropReasons }

  const prefer: SourceName = curated.prefer ?? (candidates.some((c) => c.source === 'genai-prices') ? 'genai-prices' : 'litellm')
  const conflicts = report.conflicts
  const input = pickField('inputUsdPerMTok', bySource(candidates, 'input'), prefer, conflicts)
  const output = pickField('outputUsdPerMTok', bySource(candidates, 'output'), prefer, conflicts)
  const cached = pickField('cachedInputUsdPerMTok', bySource(candidates, 'cached'), prefer, conflicts)
  const cacheWrite = pickField('cacheWriteUsdPerMTok', bySource(candidates, 'cacheWrite'), prefer, conflicts)
  const reasoning = pickField('reasoningUsdPerMTok', bySource(candidates, 'reasoning'), prefer, conflicts)
  if (input.value === undefined || output.value === undefined) return { report, dropReasons: [...dropReasons, 'no input or output price'] }

  // Field order is the order prices.json shows them in.
  const price: ModelPrice = {
    provider: curated.provider,
    inputUsdPerMTok: input.value,
    ...(cached.value === undefined ? {} : { cachedInputUsdPerMTok: cached.value }),
    ...(cacheWrite.value === undefined ? {} : { cacheWriteUsdPerMTok: cacheWrite.value }),
    outputUsdPerMTok: output.value,
    ...(reasoning.value === undefined ? {} : { reasoningUsdPerMTok: reasoning.value }),
  }

  // Limits: LiteLLM's max_input_tokens is the default limit; genai-prices gives the largest window.
  const contextWindow = bySource(candidates, 'contextWindowTokens')
  const window = contextWindow.litellm ?? contextWindow['genai-prices']
  if (window !== undefined) price.contextWindowTokens = window
  const maxOutput = bySource(candidates, 'maxOutputTokens').litellm
  if (maxOutput !== undefined) price.maxOutputTokens = maxOutput

  const tiered = candidates.filter((c) => c.longContext !== undefined)
  if (tiered.length > 0) {
    const thresholds = new Set(tiered.map((c) => c.longContext?.aboveInputTokens))
    let tierSources = tiered
    if (thresholds.size > 1) tierSources = [tiered.find((c) => c.source === prefer) ?? (tiered[0] as Candidate)]
    const above = tierSources[0]?.longContext?.aboveInputTokens as number
    if (thresholds.size > 1) conflicts.push(`longContext.aboveInputTokens: ${[...thresholds].join(' vs ')}, ${above} chosen`)
    const tierConflicts: string[] = []
    const tierInput = pickField('longContext.inputUsdPerMTok', tierValues(tierSources, 'input'), prefer, tierConflicts)
    const tierOutput = pickField('longContext.outputUsdPerMTok', tierValues(tierSources, 'output'), prefer, tierConflicts)
    const tierCached = pickField('longContext.cachedInputUsdPerMTok', tierValues(tierSources, 'cached'), prefer, tierConflicts)
    const tierWrite = pickField('longContext.cacheWriteUsdPerMTok', tierValues(tierSources, 'cacheWrite'), prefer, tierConflicts)
    conflicts.push(...tierConflicts)
    if (tierInput.value !== undefined && tierOutput.value !== undefined) {
      price.longContext = { aboveInputTokens: above, inputUsdPerMTok: tierInput.value, outputUsdPerMTok: tierOutput.value }
      if (tierCached.value !== undefined) price.longContext.cachedInputUsdPerMTok = tierCached.value
      if (tierWrite.value !== undefined) price.longContext.cacheWriteUsdPerMTok = tierWrite.value
      const from = [...new Set(tierSources.map((c) => SOURCE_LABEL[c.source]))].join(' and ')
      report.notes.push(`tiered: above ${above} input tokens the whole request bills at the long-context prices (${from})`)
    }
  }

  const sources = input.from.filter((source) => output.from.includes(source))
  report.sources = sources.length > 0 ? sources : [...new Set([...input.from, ...output.from])]
  price.sources = [...report.sources].sort()
  const dates = report.sources.map((source) => sourceDates[source]).filter((date): date is string => date !== undefined)
  const asOf = dates.sort().at(-1)
  if (asOf !== undefined) price.asOf = asOf
  if (curated.aliases !== undefined && curated.aliases.length > 0) price.aliases = [...curated.aliases]

  for (const candidate of candidates) for (const note of candidate.notes) report.notes.push(`${SOURCE_LABEL[candidate.source]}: ${note}`)
  if (curated.note !== undefined) report.notes.unshift(curated.note)
  const notes = [...report.notes, ...report.conflicts.map((c) => `sources disagree on ${c}`)]
  if (notes.length > 0) price.notes = notes
  return { price, report, dropReasons }
}

export function buildPriceTable(inputs: BuildInputs): { table: PriceTable; report: BuildReport } {
  const report: BuildReport = { entries: [], dropped: [] }
  const sourceDates: Record<SourceName, string | undefined> = {
    litellm: inputs.sources.find((s) => s.name === 'litellm')?.asOf,
    'genai-prices': inputs.sources.find((s) => s.name === 'genai-prices')?.asOf,
  }
  const models: Record<string, ModelPrice> = {}
  for (const curated of inputs.curated) {
    if (models[curated.key] !== undefined) throw new Error(`curated list names "${curated.key}" twice`)
    const { price, report: entry, dropReasons } = buildEntry(curated, inputs, sourceDates)
    if (price === undefined) report.dropped.push({ key: curated.key, reasons: dropReasons })
    else {
      models[curated.key] = price
      report.entries.push(entry)
    }
  }
  const table: PriceTable = {
    schemaVersion: SCHEMA_VERSION,
    asOf: inputs.asOf,
    currency: 'USD',
    sources: inputs.sources,
    models,
    aliases: {},
  }
  return { table, report }
}

/** JSON with one line per model, so a price change is a one-line diff. */
export function serializePriceTable(table: PriceTable): string {
  const head = { schemaVersion: table.schemaVersion, asOf: table.asOf, currency: table.currency, sources: table.sources }
  const lines = Object.entries(table.models).map(([key, price]) => `    ${JSON.stringify(key)}: ${JSON.stringify(price)}`)
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '')
  return `${headText},\n  "models": {\n${lines.join(',\n')}\n  },\n  "aliases": ${JSON.stringify(table.aliases)}\n}\n`
}

export function formatReport(report: BuildReport, modelCount: number): string {
  const lines: string[] = []
  const both = report.entries.filter((e) => e.sources.length === 2).length
  lines.push(`${modelCount} models priced: ${both} confirmed by both sources, ${modelCount - both} from one source`)
  for (const entry of report.entries) {
    const extra = [...entry.conflicts.map((c) => `conflict ${c}`), ...entry.rejected, ...entry.notes]
    if (extra.length === 0) continue
    lines.push(`  ${entry.key} [${entry.sources.join('+')}]`)
    for (const item of extra) lines.push(`    - ${item}`)
  }
  for (const drop of report.dropped) lines.push(`  DROPPED ${drop.key}: ${drop.reasons.join('; ')}`)
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------------
// Command line

const LITELLM_SOURCE: Omit<PriceSource, 'sha256'> = {
  name: 'litellm',
  title: 'LiteLLM model_prices_and_context_window.json (vendored copy in themaximalist/llm.js)',
  url: 'https://github.com/BerriAI/litellm',
  path: 'data/model_prices_and_context_window.json',
  commit: 'adaf2a04bf384c64fee245585be85b1abfce035f',
  asOf: '2025-10-21',
  license: 'MIT, Copyright (c) 2023 Berri AI',
}

const GENAI_SOURCE: Omit<PriceSource, 'sha256'> = {
  name: 'genai-prices',
  title: 'pydantic/genai-prices prices/data.json',
  url: 'https://github.com/pydantic/genai-prices',
  path: 'prices/data.json',
  commit: 'c885e328941f9e2bfa97b8d201a17722bdc0419e',
  asOf: '2026-07-25',
  license: 'MIT, Copyright (c) Pydantic Services Inc. 2025 to present',
}

function argValue(argv: string[], flag: string, fallback: string): string {
  const index = argv.indexOf(flag)
  const value = index >= 0 ? argv[index + 1] : undefined
  return value ?? fallback
}

function main(argv: string[]): number {
  const litellmPath = resolve(argValue(argv, '--litellm', '../shared/data/litellm-model-prices/model_prices_and_context_window.json'))
  const genaiPath = resolve(argValue(argv, '--genai', '../shared/data/pydantic-genai-prices/data.json'))
  const outPath = resolve(argValue(argv, '--out', 'adapters/pricing/prices.json'))
  const litellmText = readFileSync(litellmPath, 'utf8')
  const genaiText = readFileSync(genaiPath, 'utf8')
  const sha = (text: string): string => createHash('sha256').update(text).digest('hex')
  const sources: PriceSource[] = [
    { ...LITELLM_SOURCE, sha256: sha(litellmText) },
    { ...GENAI_SOURCE, sha256: sha(genaiText) },
  ]
  const asOf = [LITELLM_SOURCE.asOf, GENAI_SOURCE.asOf].sort().at(-1) as string
  const { table, report } = buildPriceTable({
    litellm: JSON.parse(litellmText) as Record<string, unknown>,
    genai: JSON.parse(genaiText) as unknown,
    curated: CURATED_MODELS,
    sources,
    asOf,
  })
  const text = serializePriceTable(table)
  process.stdout.write(`${formatReport(report, Object.keys(table.models).length)}\n`)
  if (argv.includes('--check')) {
    let current = ''
    try {
      current = readFileSync(outPath, 'utf8')
    } catch {
      // a missing file is simply out of date
    }
    if (current !== text) {
      process.stderr.write(`${outPath} is out of date: run without --check to regenerate it\n`)
      return 1
    }
    process.stdout.write(`${outPath} is up to date\n`)
    return 0
  }
  writeFileSync(outPath, text)
  process.stdout.write(`wrote ${outPath}\n`)
  return 0
}

const entry = process.argv[1]
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) process.exitCode = main(process.argv.slice(2))
