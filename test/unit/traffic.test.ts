// Traffic file rules that need no file: segments, line validation messages, serialisation, expansion.
import { describe, expect, it } from 'vitest'
import { UserError } from '../../core/errors.js'
import { countTokens } from '../../core/tokens.js'
import { expandMessages } from '../../load/traffic.js'
import { validateTrafficHeader, validateTrafficRequest } from '../../load/traffic-schema.js'
import { parseSegment, segmentRequestCount } from '../../load/traffic-segment.js'
import { serializeTrafficRequest } from '../../load/traffic-serialize.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { parseWindow } from '../../load/workload/window.js'

const valid: TrafficRequest = {
  id: 'r0000001',
  offsetMs: 1200,
  userId: 'u00042',
  task: 'chat',
  prompt: { task: 'chat', tokens: 40, seed: 9 },
  inputTokens: 40,
  maxOutputTokens: 512,
  targetOutputTokens: 200,
}

function codeOf(run: () => unknown): { code: string; message: string } {
  try {
    run()
  } catch (error) {
    if (error instanceof UserError) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected a UserError')
}

describe('parseSegment', () => {
  it('parses i/n', () => {
    expect(parseSegment('2/4')).toEqual({ index: 2, count: 4 })
    expect(parseSegment(' 1 / 1 ')).toEqual({ index: 1, count: 1 })
  })
  it.each(['0/4', '5/4', '2', '2/0', 'a/b', '-1/4', '1.5/4', '', '2/4/8'])('rejects %j with USAGE_INVALID', (text) => {
    const { code, message } = codeOf(() => parseSegment(text))
    expect(code).toBe('USAGE_INVALID')
    expect(message).toMatch(/--segment .* must be i\/n with 1 ≤ i ≤ n; e\.g\. --segment 2\/4/)
  })
  it('counts the requests of a segment', () => {
    for (const total of [0, 1, 7, 8, 9, 1000]) {
      let sum = 0
      for (let index = 1; index <= 4; index++) {
        const expected = Array.from({ length: total }, (_, k) => k).filter((k) => k % 4 === index - 1).length
        expect(segmentRequestCount(total, { index, count: 4 })).toBe(expected)
        sum += expected
      }
      expect(sum).toBe(total)
    }
  })
})

describe('validateTrafficRequest', () => {
  it('accepts a valid request (prompt or messages)', () => {
    expect(validateTrafficRequest(valid, 'x')).toEqual(valid)
    const literal = { ...valid, prompt: undefined, messages: [{ role: 'user', content: 'hi' }] }
    delete literal.prompt
    expect(validateTrafficRequest(literal, 'x').messages).toHaveLength(1)
  })

  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['offsetMs text', { offsetMs: 'abc' }, /traffic\.jsonl line 12: field 'offsetMs' must be a non-negative number \(got "abc"\); regenerate the file or fix the line/],
    ['negative offset', { offsetMs: -5 }, /field 'offsetMs' must be a non-negative number \(got -5\)/],
    ['missing userId', { userId: undefined }, /field 'userId' must be a non-empty string \(got nothing\)/],
    ['empty id', { id: '' }, /field 'id' must be a non-empty string/],
    ['fractional tokens', { inputTokens: 1.5 }, /field 'inputTokens' must be a non-negative integer \(got 1\.5\)/],
    ['zero max', { maxOutputTokens: 0 }, /field 'maxOutputTokens' must be a positive integer/],
    ['target above max', { targetOutputTokens: 900 }, /field 'targetOutputTokens' must not exceed maxOutputTokens \(512\)/],
    ['unknown field', { endpoint: 'https://x' }, /unknown field 'endpoint'; remove it/],
    ['bad role', { prompt: undefined, messages: [{ role: 'robot', content: 'x' }] }, /field 'messages\[0\]\.role' must be 'system', 'user' or 'assistant' \(got "robot"\)/],
    ['no content', { prompt: undefined }, /field 'prompt' must be given, and only one of 'messages' and 'prompt'/],
    ['both contents', { messages: [{ role: 'user', content: 'x' }] }, /only one of 'messages' and 'prompt'/],
    ['bad prompt seed', { prompt: { task: 'chat', tokens: 3, seed: -1 } }, /field 'prompt\.seed' must be an integer from 0 to 4294967295/],
    ['bad encoding', { prompt: { task: 'chat', tokens: 3, seed: 1, encoding: 'p50k' } }, /field 'prompt\.encoding' must be 'o200k_base' or 'cl100k_base'/],
    ['tags not strings', { tags: [1] }, /field 'tags\[0\]' must be a string/],
  ]
  it.each(cases)('%s -> TRAFFIC_INVALID naming the field', (_, patch, pattern) => {
    const value: Record<string, unknown> = { ...valid, ...patch }
    for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key]
    const { code, message } = codeOf(() => validateTrafficRequest(value, 'traffic.jsonl line 12'))
    expect(code).toBe('TRAFFIC_INVALID')
    expect(message).toMatch(pattern)
  })

  it('rejects a line that is not an object', () => {
    expect(codeOf(() => validateTrafficRequest([1], 'f line 3')).message).toMatch(/f line 3: must be a JSON object \(got \[1\]\)/)
  })
})

describe('validateTrafficHeader', () => {
  const header = { type: 'header', schemaVersion: 1, generator: 'llm-gauntlet', generatorVersion: '0.1.0', seed: 7, source: 'preset:workday', createdAt: '1970-01-01T00:00:00.000Z', requestCount: 3, spanMs: 100, encoding: 'o200k_base' }
  it('accepts a header and rejects newer schemas and request lines', () => {
    expect(validateTrafficHeader(header, 'f line 1').requestCount).toBe(3)
    expect(codeOf(() => validateTrafficHeader({ ...header, schemaVersion: 2 }, 'f line 1')).message).toMatch(/'schemaVersion' is 2, newer than this tool reads \(1\); upgrade/)
    expect(codeOf(() => validateTrafficHeader(valid, 'f line 1')).message).toMatch(/f line 1: header (field 'type'|unknown field)/)
    expect(codeOf(() => validateTrafficHeader({ ...header, encoding: 'gpt2' }, 'f line 1')).code).toBe('TRAFFIC_INVALID')
  })
})

describe('serializeTrafficRequest and expandMessages', () => {
  it('writes keys in a fixed order whatever the object order', () => {
    const shuffled = { targetOutputTokens: 200, maxOutputTokens: 512, inputTokens: 40, prompt: { seed: 9, tokens: 40, task: 'chat' }, task: 'chat', userId: 'u00042', offsetMs: 1200, id: 'r0000001' } as TrafficRequest
    expect(serializeTrafficRequest(shuffled)).toBe(serializeTrafficRequest(valid))
    expect(serializeTrafficRequest(valid)).toBe('{"id":"r0000001","offsetMs":1200,"userId":"u00042","task":"chat","prompt":{"task":"chat","tokens":40,"seed":9},"inputTokens":40,"maxOutputTokens":512,"targetOutputTokens":200}')
  })

  it('expands a prompt spec to exactly inputTokens and passes literal messages through', () => {
    const messages = expandMessages(valid)
    expect(messages).toHaveLength(1)
    expect(countTokens(messages[0]?.content ?? '')).toBe(valid.inputTokens)
    const literal = [{ role: 'user' as const, content: 'hello' }]
    expect(expandMessages({ ...valid, prompt: undefined, messages: literal } as TrafficRequest)).toBe(literal)
    const cl = expandMessages({ ...valid, prompt: { task: 'rag-answer', tokens: 700, seed: 3, encoding: 'cl100k_base' } })
    expect(countTokens(cl[0]?.content ?? '', 'cl100k_base')).toBe(700)
  })
})

describe('parseWindow', () => {
  it('reads hours, units and clock times', () => {
    expect(parseWindow('8-12')).toEqual({ startMs: 8 * 3_600_000, endMs: 12 * 3_600_000 })
    expect(parseWindow('8.5-9')).toEqual({ startMs: 8.5 * 3_600_000, endMs: 9 * 3_600_000 })
    expect(parseWindow('10m-20m')).toEqual({ startMs: 600_000, endMs: 1_200_000 })
    expect(parseWindow('9:30-10:15')).toEqual({ startMs: 9.5 * 3_600_000, endMs: 10.25 * 3_600_000 })
    expect(parseWindow('0-90s')).toEqual({ startMs: 0, endMs: 90_000 })
  })
  it.each(['12-8', '8', 'a-b', '8-8', '-1-2', '9:75-10'])('rejects %j', (text) => {
    expect(codeOf(() => parseWindow(text)).code).toBe('USAGE_INVALID')
  })
})
