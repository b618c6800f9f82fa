// The calm tail a drill appends to its timeline, so recovery from the last fault can be seen.
import { describe, expect, it } from 'vitest'
import { defaultTimelinePath, drillPhases, withTail } from '../../../load/drill.js'
import { loadTimeline } from '../../../chaos/timeline.js'

describe('withTail', () => {
  it('appends a steady-tail phase after the bundled drill and keeps every phase as it was', async () => {
    const timeline = await loadTimeline(defaultTimelinePath())
    const tailed = withTail(timeline, 360_000)
    expect(tailed.phases.map((phase) => phase.name)).toEqual([...timeline.phases.map((phase) => phase.name), 'steady-tail'])
    expect(tailed.durationMs).toBe(3_960_000)
    const tail = tailed.phases[tailed.phases.length - 1]
    expect([tail?.fromS, tail?.toS, tail?.faults.length]).toEqual([3600, 3960, 0])
    for (const [i, phase] of timeline.phases.entries()) {
      const copy = tailed.phases[i]
      expect(copy?.faults).toEqual(phase.faults)
      expect(copy?.ramp).toEqual(phase.ramp)
      expect([copy?.fromMs, copy?.toMs]).toEqual([phase.fromMs, phase.toMs])
    }
    // The recovery phase fades out: part of the recovery window, not a new incident.
    const phases = drillPhases(tailed.scale(60))
    expect(phases.find((phase) => phase.name === 'recovery')?.fading).toBe(true)
    expect(phases.find((phase) => phase.name === 'latency-spike')?.fading).toBe(false)
    expect(phases.find((phase) => phase.name === 'steady-tail')).toMatchObject({ fromMs: 60_000, toMs: 66_000, faults: [] })
    expect(withTail(timeline, 0)).toBe(timeline)
  })
})
