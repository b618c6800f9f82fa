// `--workers N|auto`: the sizing rule and each worker's part of the schedule.
import { describe, expect, it } from 'vitest'
import { combineClients } from '../../../load/workers/merge.js'
import { shareSchedule } from '../../../load/workers/share.js'
import { CHUNKS_PER_SECOND_PER_WORKER, estimateLoad, resolveWorkerCount, STREAMS_PER_WORKER } from '../../../load/workers/sizing.js'
import type { TrafficEstimate } from '../../../load/traffic-source.js'
import type { ClientHealthFigures } from '../../../results/client-health.js'

/** `requests` spread evenly over `seconds`, `tokens` output tokens each. */
function estimate(requests: number, seconds: number, tokens: number): TrafficEstimate {
  const perSecond = Array.from({ length: seconds }, (_, s) => Math.floor(((s + 1) * requests) / seconds) - Math.floor((s * requests) / seconds))
  return { requests, inputTokens: requests * 100, outputTokens: requests * tokens, spanMs: seconds * 1000, firstOffsetMs: 0, perSecond }
}

const open = { type: 'open' as const, timeScale: 1 }

describe('workers: auto', () => {
  it('is 1 for light traffic whatever the cores', () => {
    expect(resolveWorkerCount({ workers: 'auto' }, { estimate: estimate(120, 60, 200), schedule: open, timeScale: 1, inProcessServers: false, cores: 64 }).count).toBe(1)
  })

  it('grows with peak streams and chunks/s, capped at the cores (one left to an in-process mock)', () => {
    // 1,000 req/s of 200-token answers: ~5,000 streams (5 s each), 200,000 chunks/s.
    const heavy = estimate(60_000, 60, 200)
    const load = estimateLoad({ estimate: heavy, schedule: open, timeScale: 1 })
    expect(load.peakStreams).toBe(5_000)
    expect(load.peakChunksPerSecond).toBe(200_000)
    const needed = Math.max(Math.ceil(5_000 / STREAMS_PER_WORKER), Math.ceil(200_000 / CHUNKS_PER_SECOND_PER_WORKER))
    expect(resolveWorkerCount({ workers: 'auto' }, { estimate: heavy, schedule: open, timeScale: 1, inProcessServers: false, cores: 64 }).count).toBe(needed)
    expect(resolveWorkerCount({ workers: 'auto' }, { estimate: heavy, schedule: open, timeScale: 1, inProcessServers: false, cores: 4 }).count).toBe(4)
    expect(resolveWorkerCount({ workers: 'auto' }, { estimate: heavy, schedule: open, timeScale: 1, inProcessServers: true, cores: 4 }).count).toBe(3)
    // The 2-core machine with the in-process mock: the mock keeps one core, so one worker (no threads).
    expect(resolveWorkerCount({ workers: 'auto' }, { estimate: heavy, schedule: open, timeScale: 1, inProcessServers: true, cores: 2 }).count).toBe(1)
  })

  it('reads replay compression: the same file 10× faster needs 10× the streams', () => {
    const file = estimate(6_000, 600, 200)
    const slow = estimateLoad({ estimate: file, schedule: open, timeScale: 1 })
    const fast = estimateLoad({ estimate: file, schedule: open, timeScale: 10 })
    expect(fast.peakStreams).toBe(slow.peakStreams * 10)
  })

  it('a closed model has its users in flight; an injected adapter or clock keeps one thread', () => {
    const closed = { type: 'closed' as const, users: 6_000 }
    expect(estimateLoad({ estimate: estimate(100_000, 1, 50), schedule: closed, timeScale: 1 }).peakStreams).toBe(6_000)
    expect(resolveWorkerCount({ workers: 'auto', adapter: {} }, { estimate: estimate(60_000, 60, 200), schedule: open, timeScale: 1, inProcessServers: false, cores: 8 }).count).toBe(1)
  })
})

describe('workers: N', () => {
  const input = { estimate: estimate(10, 1, 10), schedule: open, timeScale: 1, inProcessServers: false }
  it('takes 1..256, and never more than a closed model has users', () => {
    expect(resolveWorkerCount({}, input).count).toBe(1)
    expect(resolveWorkerCount({ workers: 3 }, input).count).toBe(3)
    expect(resolveWorkerCount({ workers: 4 }, { ...input, schedule: { type: 'closed', users: 2 } }).count).toBe(2)
    for (const bad of [0, 1.5, 257, Number.NaN]) expect(() => resolveWorkerCount({ workers: bad }, input)).toThrow(/--workers/)
    expect(() => resolveWorkerCount({ workers: 2, clock: {} }, input)).toThrow(/clock/)
  })

  it('divides closed users and ramp rates, keeps open times', () => {
    expect([0, 1, 2].map((i) => shareSchedule({ type: 'closed', users: 7 }, i, 3))).toEqual([
      { type: 'closed', users: 3 },
      { type: 'closed', users: 2 },
      { type: 'closed', users: 2 },
    ])
    expect(shareSchedule({ type: 'ramping', startRatePerSecond: 10, stages: [{ durationMs: 1000, targetRatePerSecond: 40 }] }, 1, 2)).toEqual({
      type: 'ramping',
      startRatePerSecond: 5,
      stages: [{ durationMs: 1000, targetRatePerSecond: 20 }],
    })
    expect(shareSchedule(open, 0, 4)).toBe(open)
  })

  it('combines self-checks: CPU summed, event-loop delay the worst worker’s', () => {
    const figures = (cpu: number, p99: number, watchedMs = 5000): ClientHealthFigures => ({
      eventLoopDelayP50Ms: p99 / 4,
      eventLoopDelayP99Ms: p99,
      eventLoopDelayMaxMs: p99 * 2,
      cpuCores: cpu,
      watchedMs,
      workers: 1,
      pacer: { waits: 1, wakeups: 2, yieldMs: 0.5 },
      tokenizerLoads: [],
      scheduleLagP99Ms: null,
    })
    const combined = combineClients([figures(0.5, 2), figures(0.75, 30)], 2, 3)
    expect(combined).toMatchObject({ cpuCores: 1.25, eventLoopDelayP99Ms: 30, eventLoopDelayMaxMs: 60, workers: 2, pacer: { waits: 2, wakeups: 4, yieldMs: 1 }, scheduleLagP99Ms: 3 })
    // The run lasted as long as its longest worker watched.
    expect(combineClients([figures(0.5, 2, 800), figures(0.5, 2, 1200)], 2, null).watchedMs).toBe(1200)
  })
})
