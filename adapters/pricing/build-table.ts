// The two sources merged into the price table: per curated model, each source read and
// bound-checked, fields picked (agreement, or the preferred source and a conflict noted), the
// long-context tier, dates and notes; then the table's JSON (one line per model) and the report.
// Types only from schema.ts: build-prices.ts bundles this with --packages=external and runs it
// from /tmp, where zod does not resolve. The tests validate the written table against the schema.
import type { CuratedModel, SourceName } from './curated-models.js'
import { boundCheck } from './price-bounds.js'
import { fromGenai, fromLitellm, SOURCE_LABEL, type Candidate, type TierCandidate } from './price-candidates.js'
import type { ModelPrice, PriceSource, PriceTable } from './schema.js'

/** Equal to PRICE_TABLE_SCHEMA_VERSION in schema.ts (the pricing tests check it). */
const SCHEMA_VERSION = 1

/** Two sources agree when they differ by at most this fraction. */
export const AGREEMENT_TOLERANCE = 0.005

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
