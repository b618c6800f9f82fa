import { describe, expect, it } from 'vitest'
import { parseDurationMs } from '../../../core/duration.js'
import { createPatience, DEFAULT_PATIENCE, parsePatience } from '../../../load/patience.js'

describe('patience', () => {
  it('draws the same limits for the same request id whatever the order', () => {
    const a = createPatience({ ...DEFAULT_PATIENCE, seed: 3 })
    const b = createPatience({ ...DEFAULT_PATIENCE, seed: 3 })
    const first = a.limitsFor('r1')
    a.limitsFor('r2')
    b.limitsFor('r2')
    expect(b.limitsFor('r1')).toEqual(first)
  })

  it('has the configured median (lognormal)', () => {
    const patience = createPatience({ ...DEFAULT_PATIENCE, seed: 9 })
    const values = Array.from({ length: 20_000 }, (_, i) => patience.limitsFor(`r${i}`).e2eMs as number).sort((x, y) => x - y)
    const median = values[values.length / 2] as number
    expect(median).toBeGreaterThan(9_500)
    expect(median).toBeLessThan(10_500)
  })

  it('makes a user quit after K abandonments in the last M requests, once', () => {
    const patience = createPatience({ ...DEFAULT_PATIENCE, quit: { abandons: 2, window: 3 } })
    expect(patience.observe('u1', true)).toBe(false)
    expect(patience.observe('u1', false)).toBe(false)
    expect(patience.observe('u1', false)).toBe(false)
    expect(patience.observe('u1', true)).toBe(false) // window: [false, false, true]
    expect(patience.observe('u1', true)).toBe(true) // window: [false, true, true]
    expect(patience.hasQuit('u1')).toBe(true)
    expect(patience.observe('u1', true)).toBe(false)
    expect(patience.usersQuit).toBe(1)
  })

  it('can be switched off', () => {
    const patience = createPatience(parsePatience('off'))
    expect(patience.limitsFor('r1')).toEqual({})
    expect(patience.observe('u', true)).toBe(false)
  })

  it.each([
    ['ttft=2s,e2e=fixed:8s', (p: ReturnType<typeof parsePatience>) => expect(p.e2e).toEqual({ type: 'fixed', ms: 8_000 })],
    ['quit=off', (p: ReturnType<typeof parsePatience>) => expect(p.quit).toBeNull()],
    ['sigma=0.2,ttft=3s', (p: ReturnType<typeof parsePatience>) => expect(p.ttft).toEqual({ type: 'lognormal', medianMs: 3_000, sigma: 0.2 })],
  ])('parses %s', (text, check) => check(parsePatience(text)))

  it.each(['ttft', 'ttft=abc', 'quit=5/2', 'colour=blue', 'sigma=-1'])('rejects %s with USAGE_INVALID', (text) => {
    expect(() => parsePatience(text)).toThrow(expect.objectContaining({ code: 'USAGE_INVALID' }))
  })

  it('parses durations', () => {
    expect(parseDurationMs('1500ms')).toBe(1500)
    expect(parseDurationMs('2.5s')).toBe(2500)
    expect(parseDurationMs('2m')).toBe(120_000)
    expect(parseDurationMs('x')).toBeUndefined()
  })
})
