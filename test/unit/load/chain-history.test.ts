// Conversation histories: the messages each turn sends, stand-ins, the output cap, resume points,
// and the traffic file's checks and byte-stable serialisation of chain lines.
import { describe, expect, it } from 'vitest'
import { countTokens } from '../../../core/tokens.js'
import type { TrafficRequest } from '../../../core/traffic-types.js'
import { capTurns, createHistory, firstOpenTurn, standInText, turnCount } from '../../../load/chain/history.js'
import { validateTrafficRequest } from '../../../load/traffic-schema.js'
import { serializeTrafficRequest } from '../../../load/traffic-serialize.js'

const line: TrafficRequest = {
  id: 'c1',
  offsetMs: 0,
  userId: 'u1',
  task: 'chat',
  messages: [{ role: 'user', content: 'first question' }],
  inputTokens: 2,
  maxOutputTokens: 50,
  targetOutputTokens: 30,
  prefix: { system: { id: 's', tokens: 40 } },
  turns: [
    { thinkMs: 10, text: 'second', inputTokens: 43 + 30 + 1 - 1, maxOutputTokens: 50, targetOutputTokens: 20 },
    { thinkMs: 10, text: 'third', inputTokens: 0, maxOutputTokens: 50, targetOutputTokens: 10 },
  ],
}

describe('createHistory', () => {
  it('re-sends the prefix, every earlier question and the stand-in answers, with a breakpoint on the last message', () => {
    const history = createHistory(line, line.messages ?? [], 'stand-in')
    const first = history.messagesFor(1)
    expect(first.map((m) => [m.role, m.cache === true])).toEqual([['system', true], ['user', true]])
    history.answered(1, 'the real answer')
    const second = history.messagesFor(2)
    expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(second[2]?.content).toBe(standInText(line, 1))
    expect(countTokens(second[2]?.content ?? '')).toBe(30)
    // Only the prefix and the newest message carry breakpoints.
    expect(second.map((m) => m.cache === true)).toEqual([true, false, false, true])
    expect(() => history.messagesFor(3)).toThrow(RangeError)
  })

  it("re-sends the answers received with history 'actual'", () => {
    const history = createHistory(line, line.messages ?? [], 'actual')
    history.messagesFor(1)
    history.answered(1, 'the real answer')
    expect(history.messagesFor(2)[2]?.content).toBe('the real answer')
  })
})

describe('capTurns and firstOpenTurn', () => {
  it('shortens later inputs by the stand-ins the cap shortened', () => {
    const capped = capTurns(line, 15)
    // Turn 1's stand-in drops from 30 to 15 tokens: every later input is 15 smaller; turn 2's from 20 to 15: turn 3 another 5.
    expect(capped.map((turn) => turn.inputTokens)).toEqual([(line.turns?.[0]?.inputTokens ?? 0) - 15, 0])
    expect(capped.map((turn) => [turn.maxOutputTokens, turn.targetOutputTokens])).toEqual([[15, 15], [15, 10]])
  })

  it('resumes a chain at its first unrecorded turn', () => {
    expect(turnCount(line)).toBe(3)
    expect(firstOpenTurn(line, new Set())).toBe(1)
    expect(firstOpenTurn(line, new Set(['c1/1', 'c1/2']))).toBe(3)
    expect(firstOpenTurn(line, new Set(['c1/1', 'c1/2', 'c1/3']))).toBe(4)
  })
})

describe('traffic lines with prefixes and turns', () => {
  it('round-trips byte-stably and names every bad turn field in one line', () => {
    const text = serializeTrafficRequest(line)
    expect(serializeTrafficRequest(validateTrafficRequest(JSON.parse(text), 't.jsonl:2'))).toBe(text)
    const bad = { ...JSON.parse(text), turns: [{ thinkMs: -1, inputTokens: 3, maxOutputTokens: 5, targetOutputTokens: 9 }], agent: 'yes' }
    let message = ''
    try {
      validateTrafficRequest(bad, 't.jsonl:2')
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain("t.jsonl:2: field 'turns[0].thinkMs' must be a non-negative number")
    expect(message).toContain("'turns[0].prompt'")
    expect(message).toContain("'turns[0].targetOutputTokens' must not exceed maxOutputTokens (5)")
    expect(message).toContain("'agent' must be true or false")
    expect(message.split('\n')).toHaveLength(1)
  })
})
