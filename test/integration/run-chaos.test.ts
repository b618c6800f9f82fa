// `run --chaos`: a fault timeline applied in-process; every record carries its phase, and the
// summary cuts outcomes and latency per phase.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from '../../load/run.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { createMemorySink } from '../../results/sinks/memory.js'

describe('run with a chaos timeline', () => {
  it('applies each phase’s faults and reports outcomes and latency per phase', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-chaos-'))
    const timelinePath = join(dir, 'timeline.json')
    writeFileSync(
      timelinePath,
      JSON.stringify({
        phases: [
          { name: 'baseline', fromS: 0, toS: 1 },
          { name: 'latency-spike', fromS: 1, toS: 2, faults: [{ type: 'latency', params: { latency: 300 } }] },
          { name: '429-storm', fromS: 2, toS: 3, faults: [{ type: 'status', params: { status: 429 } }] },
          { name: 'resets', fromS: 3, toS: 4, faults: [{ type: 'reset', params: { after_events: 3 } }] },
        ],
      }),
    )
    const requests: TrafficRequest[] = Array.from({ length: 40 }, (_, i) => ({
      id: `r${i}`,
      offsetMs: i * 100,
      userId: `u${i % 8}`,
      task: 'chat',
      messages: [{ role: 'user', content: `question ${i}` }],
      inputTokens: 3,
      maxOutputTokens: 16,
      targetOutputTokens: 8,
    }))
    const memory = createMemorySink()
    const { summary } = await run({
      traffic: { type: 'requests', requests },
      target: 'mock:exact',
      chaos: timelinePath,
      outDir: null,
      patience: 'off',
      sinks: [memory],
    })
    expect(Object.keys(summary.phases).sort()).toEqual(['429-storm', 'baseline', 'latency-spike', 'resets'])
    const phase = (name: string) => summary.phases[name] as (typeof summary.phases)[string]
    expect(phase('baseline').byOutcome).toEqual({ ok: 10 })
    expect(phase('429-storm').byOutcome).toEqual({ http_429: 10 })
    expect(phase('resets').byOutcome).toEqual({ reset: 10 })
    expect(phase('latency-spike').byOutcome).toEqual({ ok: 10 })
    // The spike adds 300 ms before headers: TTFT ~200 ms becomes ~500 ms.
    expect(phase('baseline').ttft_ms.p50 as number).toBeLessThan(300)
    expect(phase('latency-spike').ttft_ms.p50 as number).toBeGreaterThan(480)
    // Records carry the phase and the faults the proxy applied.
    const storm = memory.samples.filter((s) => s.phase === '429-storm')
    expect(storm).toHaveLength(10)
    expect(storm.every((s) => s.faults?.includes('status') === true)).toBe(true)
  })
})
