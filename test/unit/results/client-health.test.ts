// The client's self-check verdict: thresholds, warnings and the figures it marks as distorted.
import { describe, expect, it } from 'vitest'
import { judgeClientHealth, type ClientHealthFigures } from '../../../results/client-health.js'

const quiet: ClientHealthFigures = {
  eventLoopDelayP50Ms: 0.1,
  eventLoopDelayP99Ms: 2,
  eventLoopDelayMaxMs: 5,
  cpuCores: 0.2,
  workers: 1,
  pacer: { waits: 10, wakeups: 10, yieldMs: 1 },
  tokenizerLoads: [],
  scheduleLagP99Ms: 0.5,
}

describe('judgeClientHealth', () => {
  it('a quiet client is ok and marks nothing', () => {
    const health = judgeClientHealth(quiet)
    expect(health.verdict).toBe('ok')
    expect(health.warnings).toEqual([])
    expect(health.distorted).toEqual([])
  })

  it.each([
    [{ eventLoopDelayP99Ms: 10.5 }, 'busy'],
    [{ eventLoopDelayP99Ms: 51 }, 'saturated'],
    [{ cpuCores: 0.7 }, 'busy'],
    [{ cpuCores: 0.95 }, 'saturated'],
    [{ cpuCores: 1.5, workers: 2 }, 'busy'],
    [{ cpuCores: 1.5, workers: 4 }, 'ok'],
    [{ scheduleLagP99Ms: 12 }, 'busy'],
  ] as const)('%o → %s', (change, verdict) => {
    const health = judgeClientHealth({ ...quiet, ...change })
    expect(health.verdict).toBe(verdict)
    if (verdict === 'ok') expect(health.distorted).toEqual([])
    else {
      expect(health.distorted).toEqual(expect.arrayContaining(['ttft_ms', 'e2e_ms']))
      expect(health.warnings.length).toBeGreaterThan(0)
    }
  })

  it('CPU share over a run shorter than a second is reported, not judged', () => {
    // A one-request run of 17 ms measured 133 % of a core: start-up, not load.
    const short = judgeClientHealth({ ...quiet, cpuCores: 1.33, watchedMs: 17 })
    expect(short.verdict).toBe('ok')
    expect(short.warnings).toEqual([])
    expect(short.distorted).toEqual([])
    expect(judgeClientHealth({ ...quiet, cpuCores: 1.33, watchedMs: 1000 }).verdict).toBe('saturated')
    // Summaries written before watchedMs keep their verdicts.
    expect(judgeClientHealth({ ...quiet, cpuCores: 1.33 }).verdict).toBe('saturated')
    // A late event loop is judged however short the run.
    expect(judgeClientHealth({ ...quiet, eventLoopDelayP99Ms: 60, watchedMs: 17 }).verdict).toBe('saturated')
  })

  it('a tokenizer load inside the run is named with its time and pause', () => {
    const health = judgeClientHealth({ ...quiet, tokenizerLoads: [{ atMs: 12_300, durationMs: 800 }] })
    expect(health.warnings).toEqual([expect.stringContaining('tokenizer loaded mid-run at 12.3 s')])
    expect(health.warnings[0]).toContain('800 ms')
    expect(health.verdict).toBe('busy')
  })
})
