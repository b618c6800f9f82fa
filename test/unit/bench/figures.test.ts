// Each benchmark's own reading of its raw data, against inputs whose answer is known.
import { describe, expect, it } from 'vitest'
import { countTokens } from '../../../core/tokens.js'
import { createMarkerCounter } from '../../../bench/lib/counted-streams.js'
import { BENCH_INPUT_TOKENS, BENCH_MESSAGES, benchRequest, lazyRequests, wireRequest } from '../../../bench/lib/engine.js'
import { parseNetstat, tcpDelta } from '../../../bench/lib/netstat.js'
import { memoryFigures, type RssPoint } from '../../../bench/sections/memory.js'
import { pacingFigures } from '../../../bench/sections/pacing.js'
import { parseWrkOutput } from '../../../bench/sections/raw-rate.js'
import { streamPlan } from '../../../bench/sections/streams.js'

describe('bench traffic', () => {
  it('declares the input tokens its message really has', () => {
    expect(countTokens(BENCH_MESSAGES.map((message) => message.content).join(''))).toBe(BENCH_INPUT_TOKENS)
  })

  it('sends the same body to every client, with the output length as a mock hint', () => {
    const wire = wireRequest('http://127.0.0.1:1', { stream: false, outputTokens: 16 })
    expect(wire.url).toBe('http://127.0.0.1:1/v1/chat/completions')
    expect(JSON.parse(wire.body)).toEqual({ model: 'gpt-4o-mini', messages: BENCH_MESSAGES, max_tokens: 16 })
    expect(wire.headers['x-gauntlet-output-tokens']).toBe('16')
    expect(JSON.parse(wireRequest('http://127.0.0.1:1', { stream: true, outputTokens: 4 }).body)).toMatchObject({ stream: true, stream_options: { include_usage: true } })
  })

  it('makes lazy request lists that iterate like arrays', () => {
    const list = lazyRequests(3, (index) => benchRequest(index, index * 10, 8))
    expect(list.length).toBe(3)
    expect([...list].map((request) => [request.id, request.offsetMs, request.targetOutputTokens])).toEqual([
      ['r0', 0, 8],
      ['r1', 10, 8],
      ['r2', 20, 8],
    ])
  })
})

describe('parseWrkOutput', () => {
  const output = `Running 5s test @ http://127.0.0.1:8080/v1/chat/completions
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.51ms  300.00us   9.00ms   90.00%
  105123 requests in 5.00s, 70.10MB read
  Non-2xx or 3xx responses: 23
Requests/sec:  21024.60
Transfer/sec:     14.02MB
`
  it('reads the completed requests (2xx) and the time', () => {
    expect(parseWrkOutput(output)).toEqual({ requests: 105100, elapsedS: 5, errors: 23 })
  })

  it('adds socket errors and reads other time units', () => {
    const parsed = parseWrkOutput('  900 requests in 1.50m, 1MB read\n  Socket errors: connect 1, read 2, write 3, timeout 4\n')
    expect(parsed).toEqual({ requests: 900, elapsedS: 90, errors: 10 })
  })

  it('returns undefined for output it does not know', () => {
    expect(parseWrkOutput('unable to connect')).toBeUndefined()
  })
})

describe('parseNetstat', () => {
  it('reads the TcpExt counters by name', () => {
    const text = 'TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPSynRetrans\nTcpExt: 0 12 12 30\nIpExt: InNoRoutes\nIpExt: 0\n'
    const counters = parseNetstat(text)
    expect(counters).toEqual({ listenOverflows: 12, synRetransmits: 30 })
    expect(tcpDelta(counters, { listenOverflows: 15, synRetransmits: 31 })).toEqual({ listenOverflows: 3, synRetransmits: 1 })
    expect(tcpDelta(undefined, counters)).toBeUndefined()
  })

  it('is undefined without the counters', () => {
    expect(parseNetstat('IpExt: InNoRoutes\nIpExt: 0\n')).toBeUndefined()
  })
})

describe('memoryFigures', () => {
  it('reads a flat series as flat', () => {
    const points: RssPoint[] = Array.from({ length: 11 }, (_, index) => [index, index * 100_000, index === 0 ? 90 : 150, 40, 60, 10])
    const figures = memoryFigures(points)
    expect(figures).toMatchObject({ peakRssMb: 150, rssAtQuarterMb: 150, rssAtEndMb: 150, driftMb: 0 })
    expect(figures.growthMbPer100k).toBeCloseTo(0, 9)
  })

  it('measures growth per 100k requests over the last three quarters', () => {
    // 5 MB more every 100k requests.
    const points: RssPoint[] = Array.from({ length: 11 }, (_, index) => [index, index * 100_000, 100 + 5 * index, 40, 60, 10])
    const figures = memoryFigures(points)
    expect(figures.growthMbPer100k).toBeCloseTo(5, 9)
    expect(figures.rssAtQuarterMb).toBe(115)
    expect(figures.driftMb).toBe(35)
  })
})

describe('pacingFigures', () => {
  it('derives the delivered rate from the first and last send', () => {
    // 5 sends, 2 ms apart: 4 gaps in 8 ms = 500/s.
    const figures = pacingFigures(500, 5, Float64Array.from([0, 2, 4, 6, 8]), Float64Array.from([0.1, 0.2, 0.3, 0.4, 5]))
    expect(figures.achievedPerSecond).toBeCloseTo(500, 9)
    expect(figures.sent).toBe(5)
    expect(figures.lagMs).toEqual({ count: 5, p50: 0.3, p99: 5, max: 5 })
  })
})

describe('streamPlan', () => {
  it('opens each level in turn and keeps every held stream open past the last probe', () => {
    const plan = streamPlan([100, 300], 100)
    const held = plan.items.filter((item) => !item.probe)
    const probes = plan.items.filter((item) => item.probe)
    expect(held).toHaveLength(300)
    expect(held.filter((item) => item.level === 0)).toHaveLength(100)
    expect(probes.length).toBeGreaterThan(0)
    // Probes of a level start after its held streams are all sent.
    const [firstWindow] = plan.probeWindows
    expect(Math.max(...held.filter((item) => item.level === 0).map((item) => item.offsetMs))).toBeLessThan((firstWindow as [number, number])[0])
    // TTFT 200 ms + (tokens − 1) × 1 s reaches the end of the plan.
    for (const item of held) expect(item.offsetMs + 200 + (item.tokens - 1) * 1000).toBeGreaterThanOrEqual(plan.endMs)
    const offsets = plan.items.map((item) => item.offsetMs)
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
  })
})

describe('createMarkerCounter', () => {
  it('counts markers split across chunks exactly once', () => {
    const text = 'data: {"choices":[{"delta":{"content":" a"}}]}\n\ndata: {"choices":[{"delta":{"content":" b"}}]}\n\n'
    const bytes = Buffer.from(text)
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const count = createMarkerCounter()
      expect(count(bytes.subarray(0, cut)) + count(bytes.subarray(cut))).toBe(2)
    }
  })

  it('ignores the role chunk', () => {
    expect(createMarkerCounter()(Buffer.from('data: {"choices":[{"delta":{"role":"assistant","content":""}}]}\n\n'))).toBe(0)
  })
})
