// The committed price table: valid, within bounds, equal to known list prices, and reproducible from the sources.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildPriceTable, serializePriceTable } from '../../../adapters/pricing/build-table.js'
import { CURATED_MODELS } from '../../../adapters/pricing/curated-models.js'
import { bundledPriceTable, findPrice, PRICE_TABLE_SCHEMA_VERSION } from '../../../adapters/pricing/index.js'
import { PRICE_BOUNDS } from '../../../adapters/pricing/price-bounds.js'
import type { PriceTable } from '../../../adapters/pricing/schema.js'

const table = bundledPriceTable()
const entries = Object.entries(table.models)

describe('bundled price table', () => {
  it('is dated, sourced and of a curated size', () => {
    expect(table.schemaVersion).toBe(PRICE_TABLE_SCHEMA_VERSION)
    expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(table.sources.map((source) => source.name)).toEqual(['litellm', 'genai-prices'])
    for (const source of table.sources) {
      expect(source.license).toMatch(/^MIT/)
      expect(source.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(source.sha256).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(entries.length).toBeGreaterThan(80)
    expect(entries.length).toBeLessThan(300)
  })

  it('covers every major vendor and the open-weight hosts', () => {
    const providers = new Set(entries.map(([, price]) => price.provider))
    for (const provider of ['openai', 'anthropic', 'google', 'mistral', 'deepseek', 'groq', 'together', 'fireworks', 'bedrock']) {
      expect(providers, provider).toContain(provider)
    }
  })

  it.each(entries)('%s is within the plausibility bounds', (_key, price) => {
    const b = PRICE_BOUNDS
    expect(price.inputUsdPerMTok).toBeGreaterThanOrEqual(b.minUsdPerMTok)
    expect(price.inputUsdPerMTok).toBeLessThanOrEqual(b.maxInputUsdPerMTok)
    expect(price.outputUsdPerMTok).toBeGreaterThanOrEqual(b.minUsdPerMTok)
    expect(price.outputUsdPerMTok).toBeLessThanOrEqual(b.maxOutputUsdPerMTok)
    const ratio = price.outputUsdPerMTok / price.inputUsdPerMTok
    expect(ratio).toBeGreaterThanOrEqual(b.minOutputToInputRatio)
    expect(ratio).toBeLessThanOrEqual(b.maxOutputToInputRatio)
    if (price.cachedInputUsdPerMTok !== undefined) expect(price.cachedInputUsdPerMTok).toBeLessThanOrEqual(price.inputUsdPerMTok)
    if (price.longContext !== undefined) {
      expect(price.longContext.inputUsdPerMTok).toBeGreaterThanOrEqual(price.inputUsdPerMTok)
      expect(price.longContext.outputUsdPerMTok).toBeGreaterThanOrEqual(price.outputUsdPerMTok)
      expect(price.notes?.some((note) => note.startsWith('tiered'))).toBe(true)
    }
    expect(price.sources?.length).toBeGreaterThan(0)
    expect(price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  // [model, input, cached, output] in USD per million tokens, as both sources list them.
  const listPrices: [string, number, number | undefined, number][] = [
    ['gpt-4o-mini', 0.15, 0.075, 0.6],
    ['gpt-4o', 2.5, 1.25, 10],
    ['gpt-4o-2024-05-13', 5, undefined, 15],
    ['gpt-4.1', 2, 0.5, 8],
    ['gpt-4.1-nano', 0.1, 0.025, 0.4],
    ['o3', 2, 0.5, 8],
    ['o4-mini', 1.1, 0.275, 4.4],
    ['gpt-5', 1.25, 0.125, 10],
    ['gpt-5-mini', 0.25, 0.025, 2],
    ['claude-3-5-haiku', 0.8, 0.08, 4],
    ['claude-3-5-sonnet', 3, 0.3, 15],
    ['claude-sonnet-4-5', 3, 0.3, 15],
    ['claude-haiku-4-5', 1, 0.1, 5],
    ['claude-opus-4-1', 15, 1.5, 75],
    ['gemini-2.0-flash', 0.1, 0.025, 0.4],
    ['gemini-2.5-flash', 0.3, 0.03, 2.5],
    ['gemini-2.5-pro', 1.25, 0.125, 10],
    ['deepseek-chat', 0.27, 0.07, 1.1],
    ['deepseek-reasoner', 0.55, 0.14, 2.19],
    ['mistral-large', 2, undefined, 6],
    ['groq/llama-3.3-70b-versatile', 0.59, undefined, 0.79],
    ['together/meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo', 3.5, undefined, 3.5],
    ['bedrock/meta.llama3-1-70b-instruct-v1:0', 0.72, undefined, 0.72],
  ]
  it.each(listPrices)('%s lists $%s in / $%s cached / $%s out per M', (model, input, cached, output) => {
    const price = findPrice(table, model)
    expect(price).toBeDefined()
    expect(price?.inputUsdPerMTok).toBe(input)
    expect(price?.cachedInputUsdPerMTok).toBe(cached)
    expect(price?.outputUsdPerMTok).toBe(output)
  })

  it('keeps long-context tiers and says what it chose for time-conditional prices', () => {
    expect(findPrice(table, 'claude-sonnet-4-5')?.longContext).toMatchObject({ aboveInputTokens: 200_000, inputUsdPerMTok: 6, outputUsdPerMTok: 22.5 })
    expect(findPrice(table, 'gemini-2.5-pro')?.longContext).toMatchObject({ aboveInputTokens: 200_000, inputUsdPerMTok: 2.5, outputUsdPerMTok: 15 })
    expect(findPrice(table, 'deepseek-chat')?.notes?.join(' ')).toMatch(/standard price is used/)
    expect(findPrice(table, 'o3')?.notes?.join(' ')).toMatch(/from 2025-06-10/)
  })
})

const DATA = '../shared/data'
const litellmPath = `${DATA}/litellm-model-prices/model_prices_and_context_window.json`
const genaiPath = `${DATA}/pydantic-genai-prices/data.json`

describe.skipIf(!existsSync(litellmPath) || !existsSync(genaiPath))('prices.json regeneration', () => {
  it('equals what build-prices.ts makes from the vendored sources', () => {
    const committed = readFileSync('adapters/pricing/prices.json', 'utf8')
    const ours = JSON.parse(committed) as PriceTable
    const { table: rebuilt, report } = buildPriceTable({
      litellm: JSON.parse(readFileSync(litellmPath, 'utf8')) as Record<string, unknown>,
      genai: JSON.parse(readFileSync(genaiPath, 'utf8')) as unknown,
      curated: CURATED_MODELS,
      sources: ours.sources,
      asOf: ours.asOf,
    })
    expect(serializePriceTable(rebuilt)).toBe(committed)
    // The 10x-off LiteLLM row (output $6/M for a $0.20/M input model) is the one rejection.
    expect(report.dropped.map((drop) => drop.key)).toEqual(['together/Qwen/Qwen3-235B-A22B-Instruct-2507-tput'])
  })
})
