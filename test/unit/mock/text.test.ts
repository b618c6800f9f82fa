// The mock's output text: one token per piece, exact re-count, determinism.
import { describe, expect, it } from 'vitest'
import { countTokens } from '../../../core/tokens.js'
import { generateMockPieces, MOCK_PIECES, MOCK_PIECES_JSON, mockText, mockTextKey } from '../../../adapters/mock/text.js'

describe('mock text', () => {
  it('has pieces that are each exactly one token in o200k_base and cl100k_base', () => {
    for (const piece of MOCK_PIECES) {
      expect([piece, countTokens(piece, 'o200k_base')]).toEqual([piece, 1])
      expect([piece, countTokens(piece, 'cl100k_base')]).toEqual([piece, 1])
    }
    expect(MOCK_PIECES_JSON.map((json) => JSON.parse(json) as string)).toEqual(MOCK_PIECES)
  })

  it('joins into text that re-counts to exactly the number of pieces', () => {
    for (let seed = 1; seed <= 40; seed++) {
      for (const count of [1, 2, 3, 7, 64, 300]) {
        for (const natural of [true, false]) {
          const text = mockText(seed, `key-${seed}`, count, natural)
          expect(countTokens(text, 'o200k_base')).toBe(count)
          expect(countTokens(text, 'cl100k_base')).toBe(count)
        }
      }
    }
  })

  it('is deterministic for a seed and request, and differs across requests and seeds', () => {
    const key = mockTextKey('gpt-4o-mini', ['Summarise the report'])
    expect(mockText(7, key, 50, true)).toBe(mockText(7, key, 50, true))
    expect(mockText(7, key, 50, true)).not.toBe(mockText(8, key, 50, true))
    expect(mockText(7, key, 50, true)).not.toBe(mockText(7, mockTextKey('gpt-4o-mini', ['Another prompt']), 50, true))
    expect(mockTextKey('m', ['ab', 'c'])).not.toBe(mockTextKey('m', ['a', 'bc']))
  })

  it('ends a natural answer with a full stop and a cut one mid-sentence, sharing the prefix', () => {
    const key = mockTextKey('m', ['x'])
    const natural = mockText(3, key, 40, true)
    const cut = mockText(3, key, 40, false)
    expect(countTokens(cut)).toBe(40)
    expect(natural.endsWith('.')).toBe(true)
    // Only the last two pieces may differ (the piece before a final full stop is always a word).
    expect(Array.from(generateMockPieces(3, key, 40, true).subarray(0, 38))).toEqual(
      Array.from(generateMockPieces(3, key, 40, false).subarray(0, 38)),
    )
    expect(generateMockPieces(3, key, 0, true)).toHaveLength(0)
  })
})
