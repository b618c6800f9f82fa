// Prompt synthesis: exact token counts for many random targets in both encodings, task-like text,
// determinism, and no tokenizer calls once warm.
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../../core/random.js'
import { countTokens, type EncodingName } from '../../../core/tokens.js'
import {
  isPieceBoundary,
  PROMPT_TASKS,
  promptTokenizerCalls,
  responseSchemaFor,
  synthesizePrompt,
  synthesizeText,
  warmPrompts,
} from '../../../load/workload/prompts.js'

const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base']

describe('synthesizePrompt', () => {
  for (const encoding of ENCODINGS) {
    it(`hits every target exactly (${encoding})`, () => {
      const random = createRandom(`targets-${encoding}`)
      let checked = 0
      for (const task of [...PROMPT_TASKS, 'unknown-task']) {
        const targets = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597]
        for (let i = 0; i < 50; i++) targets.push(1 + Math.floor(random.lognormal(600, 1.3)))
        for (const tokens of targets) {
          const seed = random.int(2 ** 31)
          const text = synthesizeText({ task, tokens, seed }, encoding)
          expect(countTokens(text, encoding), `${task} ${tokens} seed ${seed}`).toBe(tokens)
          checked++
        }
      }
      expect(checked).toBeGreaterThan(400)
    })
  }

  it('hits long targets exactly (20k and 60k tokens)', () => {
    for (const encoding of ENCODINGS) {
      for (const tokens of [20_000, 60_001]) {
        const text = synthesizeText({ task: 'summarize-document', tokens, seed: 11 }, encoding)
        expect(countTokens(text, encoding)).toBe(tokens)
      }
    }
  })

  it('uses spec.encoding when no encoding is passed', () => {
    const text = synthesizeText({ task: 'chat', tokens: 300, seed: 5, encoding: 'cl100k_base' })
    expect(countTokens(text, 'cl100k_base')).toBe(300)
  })

  it('is deterministic and varies with the seed', () => {
    const a = synthesizePrompt({ task: 'write-email', tokens: 400, seed: 1 })
    const b = synthesizePrompt({ task: 'write-email', tokens: 400, seed: 1 })
    const c = synthesizePrompt({ task: 'write-email', tokens: 400, seed: 2 })
    expect(a).toEqual(b)
    expect(a[0]?.content).not.toBe(c[0]?.content)
    expect(a).toHaveLength(1)
    expect(a[0]?.role).toBe('user')
  })

  it('looks like each task', () => {
    const text = (task: string, seed = 3): string => synthesizeText({ task, tokens: 1500, seed })
    expect(text('summarize-document')).toMatch(/AGREEMENT/)
    expect(text('summarize-document')).toMatch(/^\d+\.\d \w/m)
    expect(text('write-email')).toMatch(/^From: /m)
    expect(text('write-email')).toMatch(/^Subject: Re: /m)
    expect(text('rag-answer')).toMatch(/^\[\d+\] /m)
    expect(text('rag-answer')).toMatch(/question: .*\?/i)
    expect(text('extract-table', 2)).toMatch(/^INV-\d{4} \| /m)
    expect(text('extract-table', 3)).toMatch(/^SHP-\d{4} \| /m)
    expect(text('code-assist')).toMatch(/```ts\n[\s\S]*function[\s\S]*```\n/)
    expect(text('chat')).toMatch(/\?\n$/)
  })

  it('gives extraction prompts a schema that matches the table kind', () => {
    expect(responseSchemaFor({ task: 'extract-table', seed: 2 })).toMatchObject({ properties: { rows: { items: { required: expect.arrayContaining(['invoice_id']) } } } })
    expect(responseSchemaFor({ task: 'extract-table', seed: 3 })).toMatchObject({ properties: { rows: { items: { required: expect.arrayContaining(['shipment_id']) } } } })
    expect(responseSchemaFor({ task: 'chat', seed: 3 })).toBeUndefined()
  })

  it('never runs the tokenizer once warm', () => {
    for (const encoding of ENCODINGS) warmPrompts(encoding)
    const before = promptTokenizerCalls()
    for (let seed = 0; seed < 300; seed++) {
      for (const task of PROMPT_TASKS) synthesizeText({ task, tokens: 50 + seed * 7, seed }, seed % 2 === 0 ? 'o200k_base' : 'cl100k_base')
    }
    expect(promptTokenizerCalls()).toBe(before)
  })

  it('builds long prompts in linear time', () => {
    warmPrompts()
    const time = (tokens: number): number => {
      const start = performance.now()
      for (let i = 0; i < 5; i++) synthesizeText({ task: 'summarize-document', tokens, seed: i })
      return performance.now() - start
    }
    time(10_000)
    const small = time(20_000)
    const large = time(200_000)
    // 10x the tokens should take roughly 10x the time; allow a wide margin for a busy machine.
    expect(large).toBeLessThan(small * 40 + 50)
  })
})

describe('isPieceBoundary', () => {
  it('accepts the documented joins and rejects merging ones', () => {
    expect(isPieceBoundary('The', ' Supplier')).toBe(true)
    expect(isPieceBoundary('30', '.\n')).toBe(true)
    expect(isPieceBoundary('INV-', '4123')).toBe(true)
    expect(isPieceBoundary('x\n', '  return')).toBe(true)
    expect(isPieceBoundary('x.', '\n')).toBe(false)
    expect(isPieceBoundary('x\n', '\n')).toBe(false)
    expect(isPieceBoundary('x\n', '/b')).toBe(false)
    expect(isPieceBoundary('The ', 'Supplier')).toBe(false)
    expect(isPieceBoundary('abc', 'def')).toBe(false)
    expect(isPieceBoundary('abc', "'s")).toBe(false)
  })
})
