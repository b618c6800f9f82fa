// Price lookup: our dated table (prices.json), a user's table merged over it, and model-name normalisation.
//
//   "openai/GPT-4o-2024-08-06" ─► explicit alias? ─► prefix (openai/ → provider openai) ─► key or entry alias
//                                                                                        └─► date/-latest stripped, again
//
// An unknown model resolves to undefined: its spend is unknown, never 0.
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { z } from 'zod'
import { UserError } from '../../core/errors.js'
import bundledTable from './prices.json' with { type: 'json' }
import { priceSchemas, type ModelPrice, type PriceTable, type PriceTableInput } from './schema.js'

export type { LongContextPrice, ModelPrice, PriceSource, PriceTable } from './schema.js'
export { PRICE_TABLE_SCHEMA_VERSION } from './schema.js'

/**
 * Name prefixes that say who bills the model. A first-party prefix is stripped; a host prefix
 * is part of the host's keys (`groq/llama-3.3-70b-versatile`). Either way the entry found must
 * belong to that provider, so `openai/gpt-oss-120b` never picks up a host's price.
 */
const PREFIX_PROVIDERS: readonly (readonly [prefix: string, provider: string, keepAs?: string])[] = [
  ['openai/', 'openai'],
  ['anthropic/', 'anthropic'],
  ['google/', 'google'],
  ['gemini/', 'google'],
  ['vertex_ai/', 'google'],
  ['models/', 'google'],
  ['mistral/', 'mistral'],
  ['mistralai/', 'mistral'],
  ['deepseek/', 'deepseek'],
  ['groq/', 'groq', 'groq/'],
  ['together/', 'together', 'together/'],
  ['together_ai/', 'together', 'together/'],
  ['fireworks/', 'fireworks', 'fireworks/'],
  ['fireworks_ai/', 'fireworks', 'fireworks/'],
  ['bedrock/', 'bedrock', 'bedrock/'],
  ['cerebras/', 'cerebras', 'cerebras/'],
]

/** Providers whose keys carry a `<host>/` prefix in our table. */
const HOST_PROVIDERS = new Set(['groq', 'together', 'fireworks', 'bedrock', 'cerebras'])

/** Snapshot suffixes billed like the base model: `-2024-07-18`, `-20241022`, `@20250929`, `-latest`. */
const SNAPSHOT_SUFFIXES = [/-\d{4}-\d{2}-\d{2}$/, /-\d{8}$/, /@\d{8}$/, /-latest$/]

export interface FindPriceOptions {
  /**
   * Who serves the model, when the name alone does not say (see `providerForBaseUrl`). With a
   * provider, only that provider's entries (and user entries without a provider) match. `azure`
   * resolves through the table's explicit `aliases` only: a deployment name says nothing about
   * the model behind it.
   */
  provider?: string
}

export interface ResolvedPrice {
  /** The table key the model resolved to. */
  key: string
  price: ModelPrice
}

interface LookupIndex {
  names: Map<string, string>
  aliases: Map<string, string>
}

const indexes = new WeakMap<PriceTable, LookupIndex>()

function lookupIndex(table: PriceTable): LookupIndex {
  let index = indexes.get(table)
  if (index !== undefined) return index
  const names = new Map<string, string>()
  for (const key of Object.keys(table.models)) names.set(key.toLowerCase(), key)
  // Keys first: an entry alias never shadows another entry's key.
  for (const [key, price] of Object.entries(table.models)) {
    for (const alias of price.aliases ?? []) if (!names.has(alias.toLowerCase())) names.set(alias.toLowerCase(), key)
  }
  const aliases = new Map<string, string>()
  for (const [alias, key] of Object.entries(table.aliases)) aliases.set(alias.toLowerCase(), key)
  index = { names, aliases }
  indexes.set(table, index)
  return index
}

function withoutSnapshotSuffix(name: string): string | undefined {
  for (const suffix of SNAPSHOT_SUFFIXES) if (suffix.test(name)) return name.replace(suffix, '')
  return undefined
}

/** Resolves a model name to a table key and its price; undefined when the model is not priced. */
export function resolvePrice(table: PriceTable, model: string, options: FindPriceOptions = {}): ResolvedPrice | undefined {
  const index = lookupIndex(table)
  const name = model.trim().toLowerCase()
  if (name.length === 0) return undefined
  const found = (key: string | undefined): ResolvedPrice | undefined => {
    if (key === undefined) return undefined
    const price = table.models[key]
    return price === undefined ? undefined : { key, price }
  }

  const explicit = found(index.aliases.get(name))
  if (explicit !== undefined) return explicit
  if (name.startsWith('azure/')) return found(index.aliases.get(name.slice('azure/'.length)))
  if (options.provider === 'azure') return found(index.aliases.get(`azure/${name}`))

  let provider = options.provider
  let bare = name
  const prefix = PREFIX_PROVIDERS.find(([text]) => name.startsWith(text))
  if (prefix !== undefined) {
    const [text, prefixProvider, keepAs] = prefix
    provider = prefixProvider
    bare = name.slice(text.length)
    // `together_ai/x` and `together/x` name the same key
    if (keepAs !== undefined) bare = `${keepAs}${bare}`
  } else if (provider !== undefined && HOST_PROVIDERS.has(provider)) {
    bare = `${provider}/${name}`
  }

  const candidates = [bare]
  const stripped = withoutSnapshotSuffix(bare)
  if (stripped !== undefined) candidates.push(stripped)
  for (const candidate of candidates) {
    const match = found(index.names.get(candidate))
    if (match === undefined) continue
    if (provider === undefined || match.price.provider === undefined || match.price.provider === provider) return match
  }
  return undefined
}

/** The price a model is billed at, or undefined when it is not in the table (spend is then unknown). */
export function findPrice(table: PriceTable, model: string, options: FindPriceOptions = {}): ModelPrice | undefined {
  return resolvePrice(table, model, options)?.price
}

const HOST_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/(^|\.)openai\.azure\.com$/, 'azure'],
  [/(^|\.)cognitiveservices\.azure\.com$/, 'azure'],
  [/(^|\.)services\.ai\.azure\.com$/, 'azure'],
  [/^api\.openai\.com$/, 'openai'],
  [/^api\.anthropic\.com$/, 'anthropic'],
  [/^generativelanguage\.googleapis\.com$/, 'google'],
  [/^api\.mistral\.ai$/, 'mistral'],
  [/^api\.deepseek\.com$/, 'deepseek'],
  [/^api\.groq\.com$/, 'groq'],
  [/^api\.together\.(xyz|ai)$/, 'together'],
  [/^api\.fireworks\.ai$/, 'fireworks'],
  [/^bedrock-runtime[.-]/, 'bedrock'],
  [/^api\.cerebras\.ai$/, 'cerebras'],
]

/** The provider a known vendor endpoint bills as, for `FindPriceOptions.provider`; undefined for others. */
export function providerForBaseUrl(baseUrl: string): string | undefined {
  let host: string
  try {
    host = new URL(baseUrl).hostname.toLowerCase()
  } catch {
    return undefined
  }
  return HOST_PATTERNS.find(([pattern]) => pattern.test(host))?.[1]
}

// ---------------------------------------------------------------------------------------------
// Loading

let ourTable: PriceTable | undefined

function toTable(input: PriceTableInput, fallback?: PriceTable): PriceTable {
  return {
    schemaVersion: input.schemaVersion ?? fallback?.schemaVersion ?? 1,
    asOf: input.asOf ?? fallback?.asOf ?? 'unknown',
    currency: 'USD',
    sources: input.sources ?? [],
    models: input.models ?? {},
    aliases: input.aliases ?? {},
  }
}

/** Our bundled table, as shipped: build-prices.test.ts checks it against the schema. */
export function bundledPriceTable(): PriceTable {
  ourTable ??= toTable(bundledTable as PriceTableInput)
  return ourTable
}

/**
 * Our price table, or — given `path` — a user's JSON table (same shape; any subset of `models`
 * and `aliases`) merged over ours: a user entry replaces ours whole. Throws `PRICING_INVALID`
 * naming the file, the entry and field, what was expected and what was found.
 */
export function loadPriceTable(path?: string): PriceTable {
  const ours = bundledPriceTable()
  if (path === undefined) return ours
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new UserError('FILE_NOT_FOUND', `pricing table ${path}: file not found; fix: give the path of a JSON price table (see adapters/pricing/README.md)`)
    }
    throw new UserError('PRICING_INVALID', `pricing table ${path}: cannot read it (${code ?? String(error)}); fix: check the path and its permissions`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UserError(
      'PRICING_INVALID',
      `pricing table ${path}: not valid JSON (${error instanceof Error ? error.message : String(error)}); fix: the file must be one JSON object like {"models": {"my-model": {"inputUsdPerMTok": 1, "outputUsdPerMTok": 2}}}`,
    )
  }
  const parsed = priceSchemas().priceTableSchema.safeParse(json, { reportInput: true })
  if (!parsed.success) {
    throw new UserError(
      'PRICING_INVALID',
      `pricing table ${path}: ${describeIssues(parsed.error.issues)}; fix: prices are numbers in USD per million tokens, e.g. {"models": {"my-model": {"inputUsdPerMTok": 2.5, "outputUsdPerMTok": 10}}} (format in adapters/pricing/README.md)`,
    )
  }
  const user = toTable(parsed.data, ours)
  const label = `user:${basename(path)}`
  const userModels: Record<string, ModelPrice> = {}
  for (const [key, price] of Object.entries(user.models)) {
    const entry: ModelPrice = { ...price, sources: price.sources ?? [label] }
    if (entry.asOf === undefined && parsed.data.asOf !== undefined) entry.asOf = parsed.data.asOf
    userModels[key] = entry
  }
  const merged: PriceTable = {
    schemaVersion: ours.schemaVersion,
    asOf: ours.asOf,
    currency: 'USD',
    sources: [...ours.sources, ...(user.sources.length > 0 ? user.sources : [{ name: label, path }])],
    models: { ...ours.models, ...userModels },
    aliases: { ...ours.aliases, ...user.aliases },
  }
  const problems: string[] = []
  for (const [alias, key] of Object.entries(user.aliases)) {
    if (merged.models[key] === undefined) problems.push(`aliases[${JSON.stringify(alias)}]: points to "${key}", which is not a model in this table or ours`)
  }
  if (problems.length > 0) {
    throw new UserError('PRICING_INVALID', `pricing table ${path}: ${problems.join('; ')}; fix: point each alias at a key of "models" (yours or ours, e.g. "gpt-4o-mini")`)
  }
  return merged
}

// ---------------------------------------------------------------------------------------------
// Error messages

type Issue = z.core.$ZodIssue

function formatPath(path: readonly PropertyKey[]): string {
  let text = ''
  path.forEach((part, position) => {
    const isRecordKey = position === 1 && (path[0] === 'models' || path[0] === 'aliases')
    if (typeof part === 'number') text += `[${part}]`
    else if (isRecordKey || typeof part !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(part)) text += `[${JSON.stringify(String(part))}]`
    else text += position === 0 ? part : `.${part}`
  })
  return text === '' ? '(top level)' : text
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  const text = JSON.stringify(value)
  return `${text.length > 40 ? `${text.slice(0, 40)}…` : text} (${typeof value})`
}

function allowedKeys(path: readonly PropertyKey[]): string[] {
  const last = path[path.length - 1]
  const { longContextPriceSchema, modelPriceSchema, priceSourceSchema, priceTableSchema } = priceSchemas()
  if (path.length === 0) return Object.keys(priceTableSchema.shape)
  if (path[0] === 'models' && path.length === 2) return Object.keys(modelPriceSchema.shape)
  if (path[0] === 'models' && last === 'longContext') return Object.keys(longContextPriceSchema.shape)
  if (path[0] === 'sources') return Object.keys(priceSourceSchema.shape)
  return []
}

function describeIssue(issue: Issue): string {
  const where = formatPath(issue.path)
  const got = 'input' in issue ? describeValue(issue.input) : undefined
  switch (issue.code) {
    case 'invalid_type':
      return `${where}: expected ${issue.expected}, got ${got ?? 'something else'}`
    case 'unrecognized_keys':
      return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${allowedKeys(issue.path).join(', ')})`
    case 'too_small':
      return `${where}: expected ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : ''}, got ${got ?? 'less'}`
    case 'invalid_value':
      return `${where}: expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${got ?? 'something else'}`
    default:
      return `${where}: ${issue.message}${got === undefined ? '' : `, got ${got}`}`
  }
}

function describeIssues(issues: readonly Issue[]): string {
  const shown = issues.slice(0, 8).map(describeIssue)
  if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more`)
  return shown.join('; ')
}
