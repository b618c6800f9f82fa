// A user's price table merged over ours, and every way a bad one is refused with PRICING_INVALID.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { UserError } from '../../../core/errors.js'
import { bundledPriceTable, findPrice, loadPriceTable, resolvePrice } from '../../../adapters/pricing/index.js'

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-pricing-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let fileCount = 0
function tableFile(content: unknown): string {
  const path = join(dir, `prices-${++fileCount}.json`)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

function loadError(path: string): UserError {
  try {
    loadPriceTable(path)
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected loadPriceTable to throw')
}

describe('loadPriceTable', () => {
  it('returns our table without a path', () => {
    expect(loadPriceTable()).toBe(bundledPriceTable())
  })

  it('merges a user table over ours: new models, replaced models, aliases', () => {
    const path = tableFile({
      asOf: '2026-01-15',
      models: {
        'internal-llm': { inputUsdPerMTok: 0.5, outputUsdPerMTok: 1.5 },
        'gpt-4o': { provider: 'openai', inputUsdPerMTok: 2, outputUsdPerMTok: 8, notes: ['negotiated'] },
      },
      aliases: { 'azure/prod-chat': 'gpt-4o-mini', 'gateway-default': 'internal-llm' },
    })
    const table = loadPriceTable(path)
    expect(findPrice(table, 'internal-llm')).toMatchObject({ inputUsdPerMTok: 0.5, outputUsdPerMTok: 1.5, asOf: '2026-01-15' })
    expect(findPrice(table, 'internal-llm')?.sources?.[0]).toMatch(/^user:prices-\d+\.json$/)
    // a user entry replaces ours whole: no cached price left over from ours
    expect(findPrice(table, 'gpt-4o')).toEqual({
      provider: 'openai',
      inputUsdPerMTok: 2,
      outputUsdPerMTok: 8,
      notes: ['negotiated'],
      sources: [expect.stringMatching(/^user:/)],
      asOf: '2026-01-15',
    })
    expect(findPrice(table, 'gpt-4o-2024-11-20')?.inputUsdPerMTok).toBe(2)
    expect(resolvePrice(table, 'azure/prod-chat')?.key).toBe('gpt-4o-mini')
    expect(resolvePrice(table, 'gateway-default')?.key).toBe('internal-llm')
    // ours is untouched and still the default
    expect(findPrice(bundledPriceTable(), 'gpt-4o')?.inputUsdPerMTok).toBe(2.5)
    expect(findPrice(table, 'claude-3-5-haiku')?.inputUsdPerMTok).toBe(0.8)
    expect(table.sources.at(-1)?.name).toMatch(/^user:/)
  })

  const bad: [label: string, content: unknown, expected: RegExp[]][] = [
    ['not JSON', '{ "models": ', [/not valid JSON/]],
    ['an array', [], [/\(top level\): expected object, got an array/]],
    ['an unknown top-level key', { model: {} }, [/unknown key "model"/, /allowed: .*models/]],
    [
      'a price given as a string',
      { models: { 'my-model': { inputUsdPerMTok: '2.5', outputUsdPerMTok: 10 } } },
      [/models\["my-model"\]\.inputUsdPerMTok: expected number, got "2\.5" \(string\)/],
    ],
    ['a missing output price', { models: { m: { inputUsdPerMTok: 1 } } }, [/models\["m"\]\.outputUsdPerMTok: expected number, got nothing/]],
    ['a negative price', { models: { m: { inputUsdPerMTok: -1, outputUsdPerMTok: 1 } } }, [/inputUsdPerMTok: expected >= 0, got -1/]],
    [
      'an unknown key in an entry',
      { models: { m: { inputUsdPerMTok: 1, outputUsdPerMTok: 2, inputPrice: 1 } } },
      [/models\["m"\]: unknown key "inputPrice"/, /allowed: provider, inputUsdPerMTok/],
    ],
    [
      'a bad long-context tier',
      { models: { m: { inputUsdPerMTok: 1, outputUsdPerMTok: 2, longContext: { aboveInputTokens: 0, inputUsdPerMTok: 2, outputUsdPerMTok: 4 } } } },
      [/longContext\.aboveInputTokens: expected > 0/],
    ],
    ['a bad date', { asOf: '15/01/2026', models: {} }, [/asOf: expected a date as YYYY-MM-DD/]],
    ['an alias to nowhere', { aliases: { 'azure/prod': 'gpt-9' } }, [/aliases\["azure\/prod"\]: points to "gpt-9"/, /fix: point each alias/]],
    [
      'several problems at once',
      { models: { a: { inputUsdPerMTok: 'x', outputUsdPerMTok: 1 }, b: { inputUsdPerMTok: 1 } } },
      [/models\["a"\]\.inputUsdPerMTok/, /models\["b"\]\.outputUsdPerMTok/],
    ],
  ]
  it.each(bad)('refuses %s with PRICING_INVALID', (_label, content, expected) => {
    const path = tableFile(content)
    const error = loadError(path)
    expect(error.code).toBe('PRICING_INVALID')
    expect(error.message).toContain(path)
    expect(error.message).toContain('fix:')
    expect(error.message).not.toContain('\n')
    for (const pattern of expected) expect(error.message).toMatch(pattern)
  })

  it('names a missing file with FILE_NOT_FOUND', () => {
    const error = loadError(join(dir, 'nope.json'))
    expect(error.code).toBe('FILE_NOT_FOUND')
    expect(error.message).toMatch(/nope\.json: file not found; fix:/)
  })
})
