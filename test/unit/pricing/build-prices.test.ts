// The build's cross-check on small fixtures: agreement, disagreement, 10^5 slips, ratios, tiers, time-conditional prices.
import { describe, expect, it } from 'vitest'
import { buildPriceTable, formatReport, serializePriceTable } from '../../../adapters/pricing/build-table.js'
import type { CuratedModel } from '../../../adapters/pricing/curated-models.js'
import bundledTable from '../../../adapters/pricing/prices.json' with { type: 'json' }
import { priceSchemas } from '../../../adapters/pricing/schema.js'

const { priceTableSchema } = priceSchemas()

const sources = [
  { name: 'litellm', asOf: '2025-10-21' },
  { name: 'genai-prices', asOf: '2026-07-25' },
]

function build(litellm: Record<string, unknown>, genaiModels: Record<string, unknown>[], curated: CuratedModel[]) {
  return buildPriceTable({ litellm, genai: [{ id: 'acme', models: genaiModels }], curated, sources, asOf: '2026-07-25' })
}

describe('the shipped table', () => {
  // A run trusts prices.json as shipped (zod is not loaded for it): this is its check.
  it('matches the price table schema', () => {
    const parsed = priceTableSchema.safeParse(bundledTable)
    expect(parsed.success ? [] : parsed.error.issues).toEqual([])
  })
})

describe('buildPriceTable', () => {
  it('marks agreeing sources and converts per-token prices to per million', () => {
    const { table, report } = build(
      { 'acme-1': { input_cost_per_token: 0.0000025, cache_read_input_token_cost: 0.00000125, output_cost_per_token: 0.00001, max_input_tokens: 128000, max_output_tokens: 16384 } },
      [{ id: 'acme-1', context_window: 200000, prices: { input_mtok: 2.5, cache_read_mtok: 1.25, output_mtok: 10 } }],
      [{ key: 'acme-1', provider: 'acme', litellm: 'acme-1', genai: 'acme:acme-1' }],
    )
    expect(table.models['acme-1']).toEqual({
      provider: 'acme',
      inputUsdPerMTok: 2.5,
      cachedInputUsdPerMTok: 1.25,
      outputUsdPerMTok: 10,
      contextWindowTokens: 128000,
      maxOutputTokens: 16384,
      sources: ['genai-prices', 'litellm'],
      asOf: '2026-07-25',
    })
    expect(report.entries[0]?.conflicts).toEqual([])
    expect(priceTableSchema.safeParse(table).success).toBe(true)
  })

  it('rejects a row off by 10^5 and keeps the source that passes', () => {
    const { table, report } = build(
      { 'acme-r1': { input_cost_per_token: 0.135, output_cost_per_token: 0.54 } },
      [{ id: 'acme-r1', prices: { input_mtok: 1.35, output_mtok: 5.4 } }],
      [{ key: 'acme-r1', provider: 'acme', litellm: 'acme-r1', genai: 'acme:acme-r1' }],
    )
    expect(table.models['acme-r1']).toMatchObject({ inputUsdPerMTok: 1.35, outputUsdPerMTok: 5.4, sources: ['genai-prices'] })
    expect(report.entries[0]?.rejected.join(' ')).toMatch(/LiteLLM: input \$135000\/M outside/)
  })

  it('drops a model whose only source has an implausible output/input ratio', () => {
    const { table, report } = build(
      { odd: { input_cost_per_token: 0.0000002, output_cost_per_token: 0.000006 } },
      [],
      [{ key: 'odd', provider: 'acme', litellm: 'odd' }],
    )
    expect(table.models['odd']).toBeUndefined()
    expect(report.dropped[0]?.reasons.join(' ')).toMatch(/ratio 30 outside/)
    expect(formatReport(report, 0)).toMatch(/DROPPED odd/)
  })

  it('on disagreement takes genai-prices (newer) unless the entry prefers LiteLLM, and says so', () => {
    const litellm = { m: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000003 } }
    const genai = [{ id: 'm', prices: { input_mtok: 0.3, output_mtok: 0.9 } }]
    const newer = build(litellm, genai, [{ key: 'm', provider: 'acme', litellm: 'm', genai: 'acme:m' }])
    expect(newer.table.models['m']).toMatchObject({ inputUsdPerMTok: 0.3, outputUsdPerMTok: 0.9, sources: ['genai-prices'], asOf: '2026-07-25' })
    expect(newer.table.models['m']?.notes).toContain('sources disagree on inputUsdPerMTok: genai-prices 0.3 chosen over LiteLLM 1')
    const preferred = build(litellm, genai, [{ key: 'm', provider: 'acme', litellm: 'm', genai: 'acme:m', prefer: 'litellm' }])
    expect(preferred.table.models['m']).toMatchObject({ inputUsdPerMTok: 1, outputUsdPerMTok: 3, sources: ['litellm'], asOf: '2025-10-21' })
  })

  it('keeps long-context tiers and drops a tier out of proportion', () => {
    const { table, report } = build(
      {
        big: {
          input_cost_per_token: 0.000003,
          output_cost_per_token: 0.000015,
          input_cost_per_token_above_200k_tokens: 0.000006,
          output_cost_per_token_above_200k_tokens: 0.0000225,
        },
        flash: { input_cost_per_token: 7.5e-8, output_cost_per_token: 3e-7, input_cost_per_token_above_128k_tokens: 0.000001, output_cost_per_token_above_128k_tokens: 6e-7 },
      },
      [{ id: 'flash', prices: { input_mtok: { base: 0.075, tiers: [{ start: 128000, price: 0.15 }] }, output_mtok: { base: 0.3, tiers: [{ start: 128000, price: 0.6 }] } } }],
      [
        { key: 'big', provider: 'acme', litellm: 'big' },
        { key: 'flash', provider: 'acme', litellm: 'flash', genai: 'acme:flash' },
      ],
    )
    expect(table.models['big']?.longContext).toEqual({ aboveInputTokens: 200000, inputUsdPerMTok: 6, outputUsdPerMTok: 22.5 })
    expect(table.models['flash']?.longContext).toEqual({ aboveInputTokens: 128000, inputUsdPerMTok: 0.15, outputUsdPerMTok: 0.6 })
    expect(report.entries[1]?.rejected.join(' ')).toMatch(/LiteLLM: long-context tier above 128000 .* dropped/)
  })

  it('picks the newest dated price and the standard price of a time-of-day discount', () => {
    const { table } = build({}, [
      { id: 'dated', prices: [{ prices: { input_mtok: 10, output_mtok: 40 } }, { constraint: { start_date: '2025-06-10' }, prices: { input_mtok: 2, output_mtok: 8 } }] },
      {
        id: 'offpeak',
        prices: [
          { prices: { input_mtok: 0.135, output_mtok: 0.55 } },
          { constraint: { start_time: '00:30:00Z', end_time: '16:30:00Z' }, prices: { input_mtok: 0.27, output_mtok: 1.1 } },
        ],
      },
    ], [
      { key: 'dated', provider: 'acme', genai: 'acme:dated' },
      { key: 'offpeak', provider: 'acme', genai: 'acme:offpeak' },
    ])
    expect(table.models['dated']).toMatchObject({ inputUsdPerMTok: 2, outputUsdPerMTok: 8 })
    expect(table.models['dated']?.notes?.[0]).toMatch(/list price from 2025-06-10 is used \(before it: input \$10\/M, output \$40\/M\)/)
    expect(table.models['offpeak']).toMatchObject({ inputUsdPerMTok: 0.27, outputUsdPerMTok: 1.1 })
    expect(table.models['offpeak']?.notes?.[0]).toMatch(/standard price is used/)
  })

  it('serialises one model per line and round-trips', () => {
    const { table } = build({}, [{ id: 'a', prices: { input_mtok: 1, output_mtok: 2 } }], [{ key: 'a', provider: 'acme', genai: 'acme:a' }])
    const text = serializePriceTable(table)
    expect(text).toMatch(/\n {4}"a": \{"provider":"acme",.*\}\n/)
    expect(JSON.parse(text)).toEqual(table)
  })
})
