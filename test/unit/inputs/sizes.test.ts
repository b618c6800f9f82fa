// The size-driven kinds at their defaults, and the token arithmetic behind them, against a full count.
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../../core/random.js'
import { countTokens, type EncodingName } from '../../../core/tokens.js'
import type { TrafficRequest } from '../../../core/traffic-types.js'
import { createContextOverflowMutator, DEFAULT_CONTEXT_TOKENS } from '../../../chaos/inputs/context-overflow.js'
import { countMessageTokens } from '../../../chaos/inputs/messages.js'
import { createOversizedJsonMutator, DEFAULT_OVERSIZED_BYTES } from '../../../chaos/inputs/oversized-json.js'
import { repeatText } from '../../../chaos/inputs/repeat.js'

const base: TrafficRequest = {
  id: 'r-1',
  offsetMs: 0,
  userId: 'u-1',
  task: 'report',
  messages: [
    { role: 'system', content: 'You are the finance assistant.' },
    { role: 'user', content: 'Summarise the accruals below   ' },
  ],
  inputTokens: 12,
  maxOutputTokens: 512,
}

/** Seeds whose coin lands on the wanted oversized-json variant. */
function seedFor(variant: 'huge' | 'nested'): number {
  for (let seed = 1; ; seed++) if (createRandom(seed).chance(0.5) === (variant === 'huge')) return seed
}

describe('repeatText', () => {
  const cases: Array<[string, string, string, string, number]> = [
    ['prose', 'Intro text.\n', 'Ledger line copied twice, please check.\n', 'The end.', 40],
    ['json rows', 'Rows:\n[', '{"id":"PO-1","amount":"12.50"},\n', '{"id":"END"}]', 60],
    ['trailing spaces head', 'Question?   ', 'Alpha beta gamma.\n', '', 25],
    ['accents', 'Résumé:\n', 'Zürich Straße Ünïcödé line.\n', '…fin', 30],
  ]
  for (const encoding of ['o200k_base', 'cl100k_base'] as EncodingName[]) {
    for (const [name, head, unit, tail, times] of cases) {
      it(`${name} (${encoding}): arithmetic equals a full count`, () => {
        const result = repeatText(head, unit, times, tail, encoding)
        expect(result.text).toBe(head + unit.repeat(times) + tail)
        expect(result.tokens).toBe(countTokens(result.text, encoding))
      })
    }
  }

  it('counts the whole text when the unit does not join cleanly', () => {
    const result = repeatText('x', 'ab', 50, 'y', 'o200k_base')
    expect(result.method).toBe('counted')
    expect(result.tokens).toBe(countTokens(`x${'ab'.repeat(50)}y`))
  })

  it('uses arithmetic for the clean blocks the mutators use', () => {
    expect(repeatText('Head:\n', 'Ledger entry copied.\nAccount 4410 travel.\n', 10, 'End.', 'o200k_base').method).toBe('arithmetic')
  })
})

describe('context-overflow at the default 128k window', () => {
  it('passes the window by 1–25 % with an exact token count', () => {
    const mutator = createContextOverflowMutator()
    for (const seed of [1, 2]) {
      const out = mutator.mutate(base, createRandom(seed), { encoding: 'o200k_base' })
      expect(out.inputTokens).toBeGreaterThan(DEFAULT_CONTEXT_TOKENS)
      expect(out.inputTokens).toBeLessThanOrEqual(Math.ceil(DEFAULT_CONTEXT_TOKENS * 1.25) + 200)
      expect(out.inputTokens).toBe(countMessageTokens(out.messages!, 'o200k_base'))
      expect(out.messages?.[0]).toEqual(base.messages?.[0])
    }
  })

  it('is exact in cl100k_base too, and follows contextTokens', () => {
    const out = createContextOverflowMutator({ contextTokens: 32_000 }).mutate(base, createRandom(3), { encoding: 'cl100k_base' })
    expect(out.inputTokens).toBeGreaterThan(32_000)
    expect(out.inputTokens).toBe(countMessageTokens(out.messages!, 'cl100k_base'))
  })

  it('rejects a bad window with a usage error', () => {
    expect(() => createContextOverflowMutator({ contextTokens: 0 })).toThrow(expect.objectContaining({ code: 'USAGE_INVALID' }))
  })
})

describe('oversized-json', () => {
  it('builds a huge blob over 10 MB by default (token count checked at 2 MB below)', () => {
    const out = createOversizedJsonMutator().mutate(base, createRandom(seedFor('huge')), { encoding: 'o200k_base' })
    const content = out.messages?.[1]?.content ?? ''
    expect(Buffer.byteLength(content)).toBeGreaterThanOrEqual(DEFAULT_OVERSIZED_BYTES)
    expect(DEFAULT_OVERSIZED_BYTES).toBeGreaterThan(10_000_000)
    // The blob itself is valid JSON: the size, not the syntax, is the malformation.
    const blob = content.slice(content.indexOf('{"export"'))
    expect((JSON.parse(blob) as { rows: unknown[] }).rows.length).toBeGreaterThan(10_000)
    // Serialised as a request body it is bigger still (quotes are escaped).
    expect(Buffer.byteLength(JSON.stringify({ messages: out.messages }))).toBeGreaterThan(DEFAULT_OVERSIZED_BYTES)
  })

  it('counts the huge blob exactly', () => {
    const out = createOversizedJsonMutator({ oversizedBytes: 2_000_000 }).mutate(base, createRandom(seedFor('huge')), { encoding: 'o200k_base' })
    expect(out.inputTokens).toBe(countMessageTokens(out.messages!, 'o200k_base'))
  })

  it('nests 10,000 levels by default', () => {
    const out = createOversizedJsonMutator().mutate(base, createRandom(seedFor('nested')), { encoding: 'o200k_base' })
    const content = out.messages?.[1]?.content ?? ''
    expect(content).toContain(`${'{"a":'.repeat(10_000)}null${'}'.repeat(10_000)}`)
    expect(out.inputTokens).toBe(countMessageTokens(out.messages!, 'o200k_base'))
  })
})
