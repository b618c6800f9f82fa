import { describe, expect, it } from 'vitest'
import { runClosedSchedule } from '../../../load/schedules/closed.js'
import { runOpenSchedule } from '../../../load/schedules/open.js'
import type { TrafficRequest } from '../../../core/traffic-types.js'
import { createFakeClock } from '../../helpers/fake-clock.js'

function traffic(offsets: number[]): AsyncIterable<TrafficRequest> {
  return (async function* () {
    for (const [i, offsetMs] of offsets.entries()) {
      yield { id: `r${i}`, offsetMs, userId: `u${i % 3}`, task: 'chat', inputTokens: 10, maxOutputTokens: 10 }
    }
  })()
}

describe('open schedule', () => {
  it('sends each request at its offset divided by the time scale', async () => {
    const clock = createFakeClock()
    const start = clock.now()
    const sent: [string, number, number][] = []
    await runOpenSchedule(
      traffic([0, 100, 250, 1000]),
      { clock, runStartMs: start, timeScale: 2, maxInFlight: 10, signal: new AbortController().signal },
      async (request, scheduledAtMs) => void sent.push([request.id, scheduledAtMs, clock.now() - start]),
      () => undefined,
    )
    expect(sent.map(([id, scheduled]) => [id, Math.round(scheduled)])).toEqual([
      ['r0', 0],
      ['r1', 50],
      ['r2', 125],
      ['r3', 500],
    ])
    for (const [, scheduled, actual] of sent) {
      expect(actual).toBeGreaterThanOrEqual(scheduled)
      expect(actual - scheduled).toBeLessThan(1)
    }
  })

  it('drops requests past the in-flight cap instead of queueing them', async () => {
    const clock = createFakeClock()
    const releases: (() => void)[] = []
    const dropped: string[] = []
    const sent: string[] = []
    const done = runOpenSchedule(
      traffic([0, 10, 20, 30]),
      { clock, runStartMs: clock.now(), timeScale: 1, maxInFlight: 2, signal: new AbortController().signal },
      (request) => {
        sent.push(request.id)
        return new Promise<void>((resolve) => releases.push(resolve))
      },
      (request) => void dropped.push(request.id),
    )
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(sent).toEqual(['r0', 'r1'])
    expect(dropped).toEqual(['r2', 'r3'])
    for (const release of releases) release()
    await done
  })

  it('stops sending when aborted', async () => {
    const clock = createFakeClock()
    const controller = new AbortController()
    const sent: string[] = []
    await runOpenSchedule(
      traffic([0, 10, 20]),
      { clock, runStartMs: clock.now(), timeScale: 1, maxInFlight: 5, signal: controller.signal },
      async (request) => {
        sent.push(request.id)
        controller.abort()
      },
      () => undefined,
    )
    expect(sent).toEqual(['r0'])
  })
})

describe('closed schedule', () => {
  it('never has more than V requests in flight and sends them all', async () => {
    const clock = createFakeClock()
    let inFlight = 0
    let peak = 0
    const sent: string[] = []
    await runClosedSchedule(
      traffic(Array.from({ length: 50 }, (_, i) => i * 1000)),
      { clock, runStartMs: clock.now(), users: 4, thinkTimeMs: 5, signal: new AbortController().signal },
      async (request) => {
        inFlight++
        peak = Math.max(peak, inFlight)
        sent.push(request.id)
        await new Promise((resolve) => setTimeout(resolve, 1))
        inFlight--
      },
    )
    expect(peak).toBe(4)
    expect(sent).toHaveLength(50)
  })
})
