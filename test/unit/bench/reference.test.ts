// The reference section's own reading of its data: the Python client's JSON, its figures, the
// pacer's share of CPU and the workers check, against inputs whose answer is known.
import { describe, expect, it } from 'vitest'
import { wireRequest } from '../../../bench/lib/engine.js'
import { createRoundCollector, parseReferenceOutput, referenceArgs, referenceFigures, type ReferenceOutput, type ReferenceRequest } from '../../../bench/lib/reference-client.js'
import { pacerShare, runOptionsHaveWorkers, withinFactor } from '../../../bench/sections/reference-figures.js'

const MS = 1_000_000

function request(overrides: Partial<ReferenceRequest> = {}): ReferenceRequest {
  return { index: 0, scheduled: null, sent: 0, first: null, chunks: [], end: 0, status: 200, error: null, ...overrides }
}

function output(requests: ReferenceRequest[], overrides: Partial<ReferenceOutput> = {}): ReferenceOutput {
  return { client: 'python-asyncio-reference', python: '3.11.7', mode: 'closed', cpuS: 0.5, wallS: 2, requests, ...overrides }
}

describe('referenceArgs', () => {
  it('passes the engine\'s URL, headers and body, and the plan', () => {
    const wire = wireRequest('http://127.0.0.1:9', { stream: true, outputTokens: 64 })
    const args = referenceArgs(wire, { type: 'closed', users: 128 }, 512)
    expect(args[0]).toBe('bench/reference/client.py')
    expect(args.slice(1, 3)).toEqual(['--url', 'http://127.0.0.1:9/v1/chat/completions'])
    expect(args).toContain('x-gauntlet-output-tokens: 64')
    expect(args).toContain('accept: text/event-stream')
    expect(args[args.indexOf('--body') + 1]).toBe(wire.body)
    expect(args.slice(-4)).toEqual(['--closed', '128', '--requests', '512'])
    expect(referenceArgs(wire, { type: 'open', ratePerSecond: 1000 }, 3000).slice(-4)).toEqual(['--rate', '1000', '--requests', '3000'])
  })
})

describe('parseReferenceOutput', () => {
  it('reads a well-formed document', () => {
    const text = JSON.stringify(output([request({ sent: 5, first: 7, chunks: [7, 9], end: 10 })]))
    expect(parseReferenceOutput(text).requests[0]?.chunks).toEqual([7, 9])
  })

  it.each([
    ['not JSON', 'Traceback (most recent call last):', /not JSON/],
    ['no requests', JSON.stringify({ ...output([]), requests: undefined }), /requests is not an array/],
    ['a bad mode', JSON.stringify(output([], { mode: 'burst' as never })), /mode is "burst"/],
    ['a string time', JSON.stringify(output([{ ...request(), sent: '5' as never }])), /requests\[0\]\.sent is "5", expected a number or null/],
    ['chunks not numbers', JSON.stringify(output([{ ...request(), chunks: ['a'] as never }])), /requests\[0\]\.chunks is not an array of numbers/],
    ['cpuS missing', JSON.stringify({ ...output([]), cpuS: null }), /cpuS is null, expected a number/],
  ])('rejects %s, naming the problem', (_, text, message) => {
    expect(() => parseReferenceOutput(text)).toThrow(message)
  })

  it('lists at most five problems and counts the rest', () => {
    const bad = Array.from({ length: 7 }, (_, index) => ({ ...request({ index }), end: 'x' as never }))
    expect(() => parseReferenceOutput(JSON.stringify(output(bad)))).toThrow(/and 2 more$/)
  })
})

describe('referenceFigures', () => {
  const expected = { ttftMs: 200, itlMs: 20, stream: true, outputTokens: 3, firstWave: 0 }

  it('computes TTFT error from send, ITL error per gap and e2e, in ms', () => {
    // Sent at 10 ms; chunks at 215, 233 and 256 ms; end at 260 ms.
    const figures = referenceFigures(output([request({ sent: 10 * MS, first: 215 * MS, chunks: [215 * MS, 233 * MS, 256 * MS], end: 260 * MS })]), expected)
    expect(figures.completed).toBe(1)
    expect(figures.failed).toBe(0)
    expect(figures.ttftErrorMs.p50).toBeCloseTo(5, 9)
    expect(figures.itlErrorMs.count).toBe(2)
    expect(figures.itlErrorMs.p50).toBeCloseTo(-2, 9)
    expect(figures.itlErrorMs.max).toBeCloseTo(3, 9)
    expect(figures.e2eMs.p50).toBeCloseTo(250, 9)
    expect(figures.chunks).toBe(3)
    expect(figures).toMatchObject({ cpuS: 0.5, wallS: 2 })
  })

  it('measures e2e from the scheduled time in the open model', () => {
    const figures = referenceFigures(output([request({ scheduled: 0, sent: 4 * MS, first: 5 * MS, chunks: [5 * MS], end: 6 * MS })], { mode: 'open' }), { ttftMs: 0, itlMs: 0, stream: true, outputTokens: 1, firstWave: 0 })
    expect(figures.e2eMs.p50).toBeCloseTo(6, 9)
    expect(figures.ttftErrorMs.p50).toBeCloseTo(1, 9)
  })

  it('uses exact nearest-rank percentiles over every request', () => {
    const requests = Array.from({ length: 100 }, (_, index) => request({ index, sent: 0, first: (201 + index) * MS, chunks: [(201 + index) * MS], end: 300 * MS }))
    const figures = referenceFigures(output(requests), { ...expected, outputTokens: 1 })
    expect(figures.ttftErrorMs.p50).toBeCloseTo(50, 9)
    expect(figures.ttftErrorMs.p99).toBeCloseTo(99, 9)
  })

  it('leaves out failures, by kind: errors, statuses, wrong chunk counts', () => {
    const good = request({ sent: 0, first: 200 * MS, chunks: [200 * MS, 220 * MS, 240 * MS], end: 241 * MS })
    const figures = referenceFigures(
      output([
        good,
        request({ error: 'ConnectionError: connection closed by the server', end: 5 }),
        request({ status: 429 }),
        request({ chunks: [1, 2], first: 1 }),
        request({ end: null }),
      ]),
      expected,
    )
    expect(figures.completed).toBe(1)
    expect(figures.failed).toBe(4)
    expect(figures.outcomes).toEqual({ ok: 1, ConnectionError: 1, http_429: 1, wrong_chunk_count: 1, incomplete: 1 })
    expect(figures.ttftErrorMs.count).toBe(1)
  })

  it('keeps each user\'s first request (index < firstWave) apart from the figures', () => {
    // Two users: r0 and r1 open the connections (TTFT error 300 and 100 ms), r2 and r3 are warm (2 and 4 ms).
    const at = (index: number, ttft: number): ReferenceRequest => request({ index, sent: 0, first: ttft * MS, chunks: [ttft * MS, (ttft + 21) * MS, (ttft + 40) * MS], end: (ttft + 41) * MS })
    const figures = referenceFigures(output([at(0, 500), at(1, 300), at(2, 202), at(3, 204)]), { ...expected, firstWave: 2 })
    expect(figures.completed).toBe(4)
    expect(figures.chunks).toBe(12)
    expect(figures.ttftErrorMs).toMatchObject({ count: 2 })
    expect(figures.ttftErrorMs.p50).toBeCloseTo(2, 9)
    expect(figures.ttftErrorMs.max).toBeCloseTo(4, 9)
    expect(figures.firstWaveTtftErrorMs.count).toBe(2)
    expect(figures.firstWaveTtftErrorMs.max).toBeCloseTo(300, 9)
    expect(figures.itlErrorMs.count).toBe(4)
    expect(figures.e2eMs.count).toBe(2)
  })

  it('does not count chunks of non-streaming answers', () => {
    const figures = referenceFigures(output([request({ sent: 0, end: 2 * MS })]), { ttftMs: 0, itlMs: 0, stream: false, outputTokens: 16, firstWave: 0 })
    expect(figures.completed).toBe(1)
    expect(figures.ttftErrorMs.count).toBe(0)
    expect(figures.e2eMs.p50).toBeCloseTo(2, 9)
  })
})

describe('createRoundCollector', () => {
  it('gives the engine\'s samples the same arithmetic as the reference\'s times', () => {
    const collector = createRoundCollector({ ttftMs: 200, itlMs: 20, stream: true, outputTokens: 3, firstWave: 0 })
    collector.add({ index: 0, ttftMs: 205, gapsMs: [18, 23], e2eMs: 250, chunks: 3 })
    collector.add({ index: 1, ttftMs: 201, gapsMs: [20, 20], e2eMs: 245, chunks: 2 })
    collector.fail('http_500')
    const figures = collector.finish(0.25, 1)
    expect(figures).toMatchObject({ completed: 1, failed: 2, chunks: 3, cpuS: 0.25, wallS: 1, outcomes: { ok: 1, wrong_chunk_count: 1, http_500: 1 } })
    expect(figures.ttftErrorMs.p50).toBe(5)
    expect([figures.itlErrorMs.p50, figures.itlErrorMs.max]).toEqual([-2, 3])
    expect(figures.firstWaveTtftErrorMs.count).toBe(0)
  })
})

describe('pacerShare', () => {
  it('subtracts the requests\' own work from the run\'s cores', () => {
    // 1.5 CPU s over 5 s = 0.3 cores; 1,000 requests × 200 µs = 0.2 CPU s = 0.04 cores; the rest 0.26.
    const share = pacerShare({ cpuS: 1.5, wallS: 5, completed: 1_000 }, 200e-6)
    expect(share.totalCores).toBeCloseTo(0.3, 12)
    expect(share.requestCores).toBeCloseTo(0.04, 12)
    expect(share.pacerCores).toBeCloseTo(0.26, 12)
  })

  it('is NaN when the CPU per request is unknown', () => {
    expect(pacerShare({ cpuS: 1, wallS: 5, completed: 1_000 }, Number.NaN).pacerCores).toBeNaN()
  })
})

describe('withinFactor', () => {
  it.each([
    [1.2, 1, 1.2, true],
    [1.21, 1, 1.2, false],
    [3.9, 2, 2, true],
    [0.1, 0, 1.2, false],
    [-0.5, -0.2, 1.2, true],
    [Number.NaN, 1, 2, false],
    [1, Number.NaN, 2, false],
  ])('%d against %d with factor %d: %s', (ours, reference, factor, expected) => {
    expect(withinFactor(ours, reference, factor)).toBe(expected)
  })
})

describe('runOptionsHaveWorkers', () => {
  const source = (member: string): string => `export interface RunOptions {\n  target: string\n${member}}\n\nexport interface Other {\n  workers: number\n}\n`

  it('finds a workers option in RunOptions', () => {
    expect(runOptionsHaveWorkers(source('  /** Processes. */\n  workers?: number\n'))).toBe(true)
    expect(runOptionsHaveWorkers(source('  readonly workers: number\n'))).toBe(true)
  })

  it('ignores workers elsewhere, in comments and in longer names', () => {
    expect(runOptionsHaveWorkers(source(''))).toBe(false)
    expect(runOptionsHaveWorkers(source('  /** no workers: one process */\n  maxWorkers?: number\n'))).toBe(false)
    expect(runOptionsHaveWorkers('')).toBe(false)
  })
})
