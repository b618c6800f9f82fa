// Every malformed-input kind: deterministic for a seed, detectable in its output, tagged, and
// with inputTokens equal to a fresh count.
import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../../adapters/types.js'
import { createRandom } from '../../../core/random.js'
import { countTokens } from '../../../core/tokens.js'
import type { TrafficRequest } from '../../../core/traffic-types.js'
import { countMessageTokens } from '../../../chaos/inputs/messages.js'
import { NAUGHTY_STRINGS } from '../../../chaos/inputs/naughty-strings.js'
import { INPUT_KINDS, createInputMutators } from '../../../chaos/inputs/registry.js'
import type { MutationContext } from '../../../chaos/inputs/types.js'
import { LONE_SURROGATE } from '../../../chaos/inputs/unpaired-surrogate.js'
import { validateAnswer } from '../../../chaos/inputs/validate-answer.js'

const context: MutationContext = { encoding: 'o200k_base' }

// Small sizes keep the heavy kinds fast here; their defaults are tested in sizes.test.ts.
const mutators = createInputMutators({ contextTokens: 3_000, oversizedBytes: 150_000, nestingDepth: 300 })

function request(id: string, messages: ChatMessage[]): TrafficRequest {
  return {
    id,
    offsetMs: 1000,
    userId: 'u-1',
    task: 'summarise',
    messages,
    inputTokens: countMessageTokens(messages, 'o200k_base'),
    maxOutputTokens: 256,
    tags: ['task:summarise'],
  }
}

const BASES: TrafficRequest[] = [
  request('plain', [{ role: 'user', content: 'Summarise the quarterly maintenance report for the facilities team and list open items.' }]),
  request('chat', [
    { role: 'system', content: 'You are a helpful assistant for the finance department.' },
    { role: 'user', content: 'Which invoices from Contoso are still unpaid?' },
    { role: 'assistant', content: 'Three invoices are unpaid: 1182, 1190 and 1204.' },
    { role: 'user', content: 'Draft a polite reminder e-mail for the oldest one, dated 2024-03-05.' },
  ]),
  request('table', [
    {
      role: 'user',
      content: 'Check these rows for problems:\nid,name,amount\n1,Alpha,10.00\n2,Beta,12.50\n3,Gamma,7.25\nThanks.',
    },
  ]),
  request('empty', [{ role: 'user', content: '' }]),
  request('accented', [{ role: 'user', content: 'Résumé de la réunion à Zürich — “budget” 2024 👍' }]),
]

const lastUser = (messages: ChatMessage[] | undefined): string => [...(messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? ''
const allUser = (messages: ChatMessage[] | undefined): string => (messages ?? []).filter((m) => m.role === 'user').map((m) => m.content).join('\n')

function editDistance(a: string, b: string): number {
  const x = [...a]
  const y = [...b]
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1
      let best = Math.min((d[i - 1]![j] as number) + 1, (d[i]![j - 1] as number) + 1, (d[i - 1]![j - 1] as number) + cost)
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, (d[i - 2]![j - 2] as number) + 1)
      d[i]![j] = best
    }
  }
  return d[x.length]![y.length] as number
}

const COMMON = ['recieve', 'seperate', 'pls', 'adress', 'reprot', 'custmer', 'invioce', 'quaterly', 'wich', 'thier', 'schedual', 'payement', 'attatched']

/** Independent checks that each kind's signature is in the output. */
const DETECTORS: Record<string, (before: TrafficRequest, after: TrafficRequest) => boolean> = {
  typos(before, after) {
    const words = (text: string): string[] => text.match(/\p{L}+/gu) ?? []
    const a = words(allUser(before.messages))
    const b = words(allUser(after.messages))
    if (a.length === 0) return b.length > 0 // the clerk's note was added
    if (a.length !== b.length) return false
    const changed = a.map((word, i) => [word, b[i] as string] as const).filter(([x, y]) => x !== y)
    return changed.length > 0 && changed.every(([x, y]) => editDistance(x, y) <= 2 || COMMON.includes(y.toLowerCase()) || editDistance(x, y) <= 4)
  },
  'mixed-dates'(_before, after) {
    const text = lastUser(after.messages)
    const found = [
      /\b\d{4}-\d{2}-\d{2}\b/u, // 2024-03-05
      /\b\d{2}\/\d{2}\/\d{4}\b/u, // 05/03/2024
      /\b\d{1,2}\/\d{1,2}\/\d{2}\b/u, // 3/5/24
      /\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b/u,
      /\b1[67]\d{8}\b/u, // epoch seconds 2023-2025
    ].filter((pattern) => pattern.test(text))
    return found.length === 5
  },
  'conflicting-timestamps'(_before, after) {
    const byEvent = new Map<string, number[]>()
    for (const match of lastUser(after.messages).matchAll(/event=(EV-\d+) \|.*?recorded=(\S+)/gu)) {
      const list = byEvent.get(match[1] as string) ?? []
      list.push(Date.parse(match[2] as string))
      byEvent.set(match[1] as string, list)
    }
    return [...byEvent.values()].some((times) => times.length >= 2 && times.every(Number.isFinite) && new Set(times).size >= 2)
  },
  'duplicate-rows'(_before, after) {
    const lines = lastUser(after.messages).split('\n').filter((line) => /[,;|\t]/u.test(line))
    return new Set(lines).size < lines.length
  },
  'broken-csv'(_before, after) {
    const text = lastUser(after.messages)
    const block = text.slice(text.indexOf('order_id,'))
    const [header, ...rows] = block.split('\n')
    const fields = (line: string): number => line.split(',').length
    const ragged = rows.some((row) => !row.includes(';') && fields(row) !== fields(header ?? ''))
    const strayQuote = rows.some((row) => (row.match(/"/gu) ?? []).length % 2 === 1)
    const wrongDelimiter = rows.some((row) => row.split(';').length > 3)
    const merged = rows.some((row) => /^PO-\d+,,/u.test(row))
    const repeatedHeader = rows.includes(header ?? '')
    return [ragged, strayQuote, wrongDelimiter, merged, repeatedHeader].filter(Boolean).length >= 1
  },
  mojibake: (_before, after) => /Ã|Â|â€|Å|Ä|Ð/u.test(lastUser(after.messages)),
  bom: (_before, after) => /^(\ufeff|ï»¿|ÿþ|þÿ)/u.test(lastUser(after.messages)),
  'control-chars'(_before, after) {
    const text = allUser(after.messages)
    return text.includes('\u0000') && text.includes('\u001b[') && text.includes('\u200b') && text.includes('\u202e')
  },
  'unpaired-surrogate': (_before, after) => LONE_SURROGATE.test(lastUser(after.messages)) && /\\ud[89a-f][0-9a-f]{2}/u.test(JSON.stringify(after)),
  'naughty-strings'(before, after) {
    const count = (text: string, needle: string): number => text.split(needle).length - 1
    const a = lastUser(before.messages)
    const b = lastUser(after.messages)
    return NAUGHTY_STRINGS.some((value) => count(b, value) > count(a, value))
  },
  'dirty-table'(_before, after) {
    const text = lastUser(after.messages)
    return after.responseSchema !== undefined && /^(index,ProviderNumber|tuple_id,src|index,id,beer-name|id,article_title)/mu.test(text)
  },
  'context-overflow': (_before, after) => after.inputTokens > 3_000,
  'empty-prompt': (_before, after) => lastUser(after.messages).trim() === '',
  'oversized-json'(_before, after) {
    const text = lastUser(after.messages)
    return Buffer.byteLength(text) >= 150_000 || text.includes('{"a":'.repeat(300))
  },
}

describe('input mutators', () => {
  it('has a detector for every registered kind', () => {
    expect(Object.keys(DETECTORS).sort()).toEqual([...INPUT_KINDS].sort())
    expect(INPUT_KINDS.length).toBeGreaterThanOrEqual(14)
  })

  for (const kind of INPUT_KINDS) {
    describe(kind, () => {
      const mutator = mutators.get(kind)!
      it('is deterministic, detectable, tagged and recounted', () => {
        for (const base of BASES) {
          for (const seed of [1, 2, 3]) {
            const first = mutator.mutate(base, createRandom(seed), context)
            const second = mutator.mutate(structuredClone(base), createRandom(seed), context)
            expect(second).toEqual(first)
            expect(DETECTORS[kind]!(base, first), `${kind} on ${base.id}, seed ${seed}`).toBe(true)
            expect(first.tags).toEqual(['task:summarise', `malformed:${kind}`])
            expect(first.prompt).toBeUndefined()
            expect(first.inputTokens).toBe(countMessageTokens(first.messages!, 'o200k_base'))
            // What the traffic file holds: the same request after a JSON round trip.
            expect(JSON.parse(JSON.stringify(first))).toEqual(first)
            // The input is left alone.
            expect(base.tags).toEqual(['task:summarise'])
          }
        }
      })

      it('varies with the seed', () => {
        const base = BASES[1]!
        const outputs = new Set([1, 2, 3, 4, 5, 6].map((seed) => JSON.stringify(mutator.mutate(base, createRandom(seed), context).messages)))
        // A sanity check only: some kinds have few variants (empty-prompt, bom, mojibake).
        expect(outputs.size).toBeGreaterThanOrEqual(kind === 'empty-prompt' ? 2 : 3)
      })

      it('keeps roles, other fields and the system prompt', () => {
        const base = BASES[1]!
        const out = mutator.mutate(base, createRandom(9), context)
        expect(out.messages?.map((m) => m.role)).toEqual(base.messages?.map((m) => m.role))
        expect(out.messages?.[0]).toEqual(base.messages?.[0])
        expect(out.id).toBe(base.id)
        expect(out.offsetMs).toBe(base.offsetMs)
        expect(out.userId).toBe(base.userId)
        expect(out.task).toBe(base.task)
      })
    })
  }
})

describe('mutator details', () => {
  it('expands a prompt spec through the context hook and drops it', () => {
    const spec: TrafficRequest = { id: 'p', offsetMs: 0, userId: 'u', task: 'qa', prompt: { task: 'qa', tokens: 5, seed: 1 }, inputTokens: 5, maxOutputTokens: 64 }
    const expand = (): ChatMessage[] => [{ role: 'user', content: 'What is the refund policy for damaged goods?' }]
    const out = mutators.get('typos')!.mutate(spec, createRandom(1), { ...context, expand })
    expect(out.prompt).toBeUndefined()
    expect(out.messages?.[0]?.content).not.toBe('What is the refund policy for damaged goods?')
    expect(() => mutators.get('typos')!.mutate(spec, createRandom(1), context)).toThrow(expect.objectContaining({ code: 'INTERNAL' }))
  })

  it('adds a user message when a request has none', () => {
    const out = mutators.get('control-chars')!.mutate(request('sys', [{ role: 'system', content: 'Be brief.' }]), createRandom(1), context)
    expect(out.messages?.map((m) => m.role)).toEqual(['system', 'user'])
    expect(out.messages?.[1]?.content).toContain('\u0000')
  })

  it('dirty-table gives a schema the example answer satisfies and raises max tokens', () => {
    const out = mutators.get('dirty-table')!.mutate(BASES[0]!, createRandom(4), context)
    expect(out.maxOutputTokens).toBeGreaterThanOrEqual(20 * 80 + 200)
    const schema = out.responseSchema!
    expect(lastUser(out.messages)).toContain(JSON.stringify(schema))
    // Every table's schema compiles and rejects an empty object.
    expect(validateAnswer('{}', schema).valid).toBe(false)
    expect(validateAnswer('{}', schema).parsed).toBe(true)
  })

  it('mojibake garbles "é" as "Ã©" and unpaired surrogates count as U+FFFD', () => {
    const out = mutators.get('mojibake')!.mutate(BASES[4]!, createRandom(1), context)
    expect(lastUser(out.messages)).toMatch(/RÃ(\u0083Â|ƒÂ)?©sumÃ/u)
    expect(countTokens('a\ud83db')).toBe(countTokens('a\ufffdb'))
  })
})
