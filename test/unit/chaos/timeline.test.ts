// Timelines: validation (every problem, a specific code each), phase lookup, ramps, scaling and
// the shipped examples.
import { describe, expect, it } from 'vitest'
import { GauntletError } from '../../../core/errors.js'
import { loadTimeline, parseTimeline } from '../../../chaos/timeline.js'

function codeOf(run: () => unknown): { code: string; message: string } {
  try {
    run()
  } catch (error) {
    if (error instanceof GauntletError) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected a GauntletError')
}

const phase = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'p', fromS: 0, toS: 10, ...extra })

describe('parseTimeline validation', () => {
  it.each([
    ['no phases', {}, 'CHAOS_INVALID', 'phases: expected an array, received nothing; fix: give an array'],
    ['empty phases', { phases: [] }, 'CHAOS_INVALID', 'phases: '],
    ['an unknown top-level key', { phases: [phase()], loop: true }, 'CHAOS_INVALID', 'loop: unknown key; fix: remove it'],
    ['an unknown phase key', { phases: [phase({ start: 1 })] }, 'CHAOS_INVALID', 'phases[0].start: unknown key'],
    ['a string time', { phases: [phase({ fromS: '0' })] }, 'CHAOS_INVALID', 'phases[0].fromS: expected a number, received "0"'],
    ['negative fromS', { phases: [phase({ fromS: -1 })] }, 'CHAOS_INVALID', 'phases[0].fromS'],
    ['toS before fromS', { phases: [phase({ fromS: 5, toS: 3 })] }, 'CHAOS_INVALID', 'phases[0].toS: must be greater than fromS (5)'],
    ['a name with a space', { phases: [phase({ name: 'bad name' })] }, 'CHAOS_INVALID', 'phases[0].name'],
    ['overlapping phases', { phases: [phase({ name: 'a', toS: 10 }), phase({ name: 'b', fromS: 5, toS: 20 })] }, 'CHAOS_INVALID', 'phases[1].fromS: phase "b" starts at 5s, inside "a"'],
    ['duplicate phase names', { phases: [phase({ name: 'a', toS: 5 }), phase({ name: 'a', fromS: 5 })] }, 'CHAOS_INVALID', 'duplicate phase name'],
    ['a ramp out of range', { phases: [phase({ ramp: { toxicityFrom: 0, toxicityTo: 2 } })] }, 'CHAOS_INVALID', 'phases[0].ramp.toxicityTo'],
    ['an unknown fault type', { phases: [phase({ faults: [{ type: 'meteor' }] })] }, 'CHAOS_UNKNOWN_FAULT', 'phases[0].faults[0].type: unknown fault type "meteor"; fix: use one of'],
    ['an unknown fault key', { phases: [phase({ faults: [{ type: 'latency', latency: 5 }] })] }, 'CHAOS_INVALID', 'phases[0].faults[0].latency: unknown key'],
    ['an unknown param', { phases: [phase({ faults: [{ type: 'latency', params: { delay: 5 } }] })] }, 'CHAOS_INVALID', 'phases[0].faults[0].params.delay: unknown key'],
    ['a bad param type', { phases: [phase({ faults: [{ type: 'latency', params: { latency: 'slow' } }] })] }, 'CHAOS_INVALID', 'params.latency: expected a number, received "slow"'],
    ['toxicity above 1', { phases: [phase({ faults: [{ type: 'latency', toxicity: 1.5 }] })] }, 'CHAOS_INVALID', 'phases[0].faults[0].toxicity'],
    ['a bad enum', { phases: [phase({ faults: [{ type: 'malformed-sse', params: { variant: 'spicy' } }] })] }, 'CHAOS_INVALID', 'params.variant: expected one of "broken-json", "garbage-bytes", "split-utf8", "duplicate-event", "drop-usage", received "spicy"'],
    ['a missing required param', { phases: [phase({ faults: [{ type: 'bandwidth' }] })] }, 'CHAOS_INVALID', 'params.rate: expected a number, received nothing'],
    ['a cross-field rule', { phases: [phase({ faults: [{ type: 'slow-tokens', params: {} }] })] }, 'CHAOS_INVALID', 'params: neither of delay_ms and tokens_per_second given; fix: give exactly one'],
    ['duplicate fault names', { phases: [phase({ faults: [{ type: 'latency' }, { type: 'latency' }] })] }, 'CHAOS_INVALID', 'phases[0].faults[1].name: duplicate fault name "latency"'],
    ['a burst longer than its period', { phases: [phase({ faults: [{ type: 'status', params: { burst: { every_ms: 10, length_ms: 20 } } }] })] }, 'CHAOS_INVALID', 'burst.length_ms: must be ≤ every_ms (10), received 20; fix:'],
  ])('rejects %s', (_label, input, code, fragment) => {
    const error = codeOf(() => parseTimeline(input, 'drill.json'))
    expect(error.code).toBe(code)
    expect(error.message.startsWith('drill.json')).toBe(true)
    expect(error.message).toContain(fragment)
  })

  it('reports every problem at once', () => {
    const error = codeOf(() =>
      parseTimeline({ phases: [phase({ name: 'a', faults: [{ type: 'meteor' }, { type: 'latency', params: { latency: -1 } }] }), phase({ name: 'b', fromS: 20, toS: 10 })] }, 'x.json'),
    )
    expect(error.code).toBe('CHAOS_INVALID')
    expect(error.message).toContain('(3 problems)')
    expect(error.message).toContain('phases[0].faults[0].type')
    expect(error.message).toContain('phases[0].faults[1].params.latency')
    expect(error.message).toContain('phases[1].toS')
  })

  it('names a missing file and bad JSON with their own codes', async () => {
    await expect(loadTimeline('/nonexistent/drill.json')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
    await expect(loadTimeline('package-lock.json')).rejects.toMatchObject({ code: 'CHAOS_INVALID' })
  })
})

describe('a timeline', () => {
  const timeline = parseTimeline({
    phases: [
      { name: 'later', fromS: 20, toS: 30, faults: [{ type: 'status', toxicity: 0.5 }] },
      { name: 'first', fromS: 0, toS: 10, faults: [{ type: 'latency', params: { latency: 100 } }], ramp: { toxicityFrom: 0, toxicityTo: 1 } },
    ],
  })

  it('sorts phases and finds the phase at a time, with gaps and the end empty', () => {
    expect(timeline.phases.map((p) => p.name)).toEqual(['first', 'later'])
    expect(timeline.durationMs).toBe(30_000)
    expect([0, 9_999, 10_000, 15_000, 20_000, 29_999, 30_000].map((t) => timeline.phaseAt(t))).toEqual(['first', 'first', undefined, undefined, 'later', 'later', undefined])
  })

  it('ramps toxicity linearly across the phase and fills spec defaults', () => {
    expect(timeline.faultsAt(0)).toEqual([{ type: 'latency', name: 'latency', toxicity: 0, params: { latency: 100, jitter: 0 } }])
    expect(timeline.faultsAt(2_500)[0]?.toxicity).toBeCloseTo(0.25)
    expect(timeline.faultsAt(7_500)[0]?.toxicity).toBeCloseTo(0.75)
    expect(timeline.faultsAt(25_000)).toEqual([{ type: 'status', name: 'status', toxicity: 0.5, params: { status: 429 } }])
    expect(timeline.faultsAt(15_000)).toEqual([])
  })

  it('scales time by k (phase bounds only) and rejects a bad k', () => {
    const fast = timeline.scale(10)
    expect(fast.phases.map((p) => [p.fromS, p.toS, p.fromMs, p.toMs])).toEqual([
      [0, 1, 0, 1_000],
      [2, 3, 2_000, 3_000],
    ])
    expect(fast.phaseAt(2_500)).toBe('later')
    expect(fast.faultsAt(500)[0]?.toxicity).toBeCloseTo(0.5)
    expect(fast.faultsAt(500)[0]?.params).toEqual({ latency: 100, jitter: 0 })
    expect(codeOf(() => timeline.scale(0)).code).toBe('CHAOS_INVALID')
  })
})

describe('shipped examples', () => {
  it('drill.json: baseline, latency spike, 429 storm, mid-stream resets, outage, recovery', async () => {
    const drill = await loadTimeline('chaos/examples/drill.json')
    expect(drill.phases.map((p) => p.name)).toEqual(['baseline', 'latency-spike', '429-storm', 'mid-stream-resets', 'outage', 'recovery'])
    expect(drill.phases.find((p) => p.name === 'outage')?.faults.map((f) => f.type)).toEqual(['status', 'blackhole'])
  })

  it('peak-chaos.json: a latency spike, a 429 burst and mid-stream resets', async () => {
    const peak = await loadTimeline('chaos/examples/peak-chaos.json')
    const types = peak.phases.flatMap((p) => p.faults.map((f) => f.type))
    expect(types).toEqual(['latency', 'status', 'reset'])
    expect(peak.durationMs).toBe(3_600_000)
  })
})
