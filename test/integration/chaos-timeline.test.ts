// A time-scaled timeline through the real proxy: phases switch in order, each applying its faults
// and labelling responses with x-gauntlet-phase.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChaosProxy } from '../../chaos/proxy.js'
import { loadTimeline, parseTimeline } from '../../chaos/timeline.js'
import { fetchTimed, startSseUpstream, type SseUpstream } from '../helpers/sse-upstream.js'

let upstream: SseUpstream

beforeAll(async () => {
  upstream = await startSseUpstream()
})
afterAll(async () => {
  await upstream.close()
})

const body = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] })

describe('timeline through the proxy', () => {
  it('switches phases in order and applies each phase’s faults (4 × 1 s scaled by 5)', async () => {
    const timeline = parseTimeline({
      phases: [
        { name: 'baseline', fromS: 0, toS: 1 },
        { name: 'spike', fromS: 1, toS: 2, faults: [{ type: 'latency', params: { latency: 60 } }] },
        { name: 'storm', fromS: 2, toS: 3, faults: [{ type: 'status', params: { status: 429 } }] },
        { name: 'resets', fromS: 3, toS: 4, faults: [{ type: 'reset', params: { after_events: 2 } }] },
      ],
    }).scale(5)
    const proxy = await createChaosProxy({ upstream: upstream.url, timeline, seed: 1 })
    try {
      proxy.startTimeline()
      const seen: { phase: string | undefined; status: number | undefined; headersAtMs: number | undefined; broken: boolean; faults: unknown }[] = []
      const startedAt = performance.now()
      while (performance.now() - startedAt < 950) {
        const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body })
        const phase = fetched.headers['x-gauntlet-phase']
        seen.push({ phase: typeof phase === 'string' ? phase : undefined, status: fetched.status, headersAtMs: fetched.headersAtMs, broken: fetched.error !== undefined, faults: fetched.headers['x-gauntlet-faults'] })
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      const order = seen.map((entry) => entry.phase).filter((phase, i, all) => i === 0 || all[i - 1] !== phase)
      expect(order).toEqual(['baseline', 'spike', 'storm', 'resets', undefined])
      for (const entry of seen) {
        if (entry.phase === 'baseline' || entry.phase === undefined) expect([entry.status, entry.broken, entry.faults]).toEqual([200, false, undefined])
        if (entry.phase === 'spike') expect([entry.status, entry.faults, (entry.headersAtMs ?? 0) >= 55]).toEqual([200, 'latency', true])
        if (entry.phase === 'storm') expect([entry.status, entry.faults]).toEqual([429, 'status'])
        if (entry.phase === 'resets') expect([entry.status, entry.broken, entry.faults]).toEqual([200, true, 'reset'])
      }
      const stats = proxy.stats()
      for (const name of ['baseline', 'spike', 'storm', 'resets']) {
        expect(stats.phases[name]).toBe(seen.filter((entry) => entry.phase === name).length)
      }
    } finally {
      await proxy.close()
    }
  })

  it('plays the shipped drill, scaled, from the proxy’s creation when startTimeline is not called', async () => {
    const drill = await loadTimeline('chaos/examples/drill.json')
    // One hour in 1.8 s: the 429 storm holds from 0.6 s to 0.9 s.
    const proxy = await createChaosProxy({ upstream: upstream.url, timeline: drill.scale(2000), seed: 1 })
    try {
      await new Promise((resolve) => setTimeout(resolve, 650))
      expect(proxy.phase()).toBe('429-storm')
      const fetched = await fetchTimed(`${proxy.url}/echo`)
      expect(fetched.headers['x-gauntlet-phase']).toBe('429-storm')
    } finally {
      await proxy.close()
    }
  })
})
