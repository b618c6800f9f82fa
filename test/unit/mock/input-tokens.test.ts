// Input counting: exactly tiktoken's count for real text, cached, and bounded on pathological runs.
import { describe, expect, it } from 'vitest'
import { countTokens } from '../../../core/tokens.js'
import { countInputTokens, countTextTokens, MAX_RUN_CHARS } from '../../../adapters/mock/input-tokens.js'

const PROSE =
  'Quarterly revenue grew 12% in EMEA, while APAC (ex-Japan) was flat; see https://example.com/q3?id=42. ' +
  'Les données du fournisseur arrivent en retard — 数据延迟,请检查。 Émojis 🚀🔥 and tabs\tand\nnewlines.'

describe('mock input tokens', () => {
  it('is the sum of tiktoken counts of the parts, with no per-message overhead', () => {
    const parts = ['You are terse.', PROSE, '', 'Second message']
    const expected = parts.reduce((sum, part) => sum + countTokens(part, 'o200k_base'), 0)
    expect(countInputTokens(parts, 'o200k_base')).toBe(expected)
    expect(countInputTokens([PROSE.repeat(50)], 'cl100k_base')).toBe(countTokens(PROSE.repeat(50), 'cl100k_base'))
  })

  it('returns cached counts for repeated content', () => {
    const long = PROSE.repeat(200)
    const first = countTextTokens(long, 'o200k_base')
    const started = performance.now()
    for (let i = 0; i < 100; i++) expect(countTextTokens(long, 'o200k_base')).toBe(first)
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('bounds the cost of very long single-class runs and stays close to tiktoken', () => {
    const run = 'a'.repeat(MAX_RUN_CHARS * 8)
    const exact = countTokens(run, 'o200k_base')
    const guarded = countTextTokens(run, 'o200k_base')
    expect(Math.abs(guarded - exact)).toBeLessThanOrEqual(8)
    const started = performance.now()
    countTextTokens('b'.repeat(200_000), 'o200k_base')
    countTextTokens('数'.repeat(50_000), 'o200k_base')
    // Unguarded, tiktoken needs tens of seconds for these.
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
