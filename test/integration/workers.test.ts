// run({ workers: 2 }) against the exact-timing mock (started in the run's thread, as --mock does):
// every request exactly once in the merged folder, counts equal to the workers' sums, true
// latency, one shared start; Ctrl-C and a crashed worker still leave a valid merged summary.
// Under vitest the worker entry is the .ts source bundled with esbuild (load/workers/entry.ts).
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { run, type RunProgress } from '../../load/run.js'
import { userShareOf } from '../../load/traffic-source.js'
import { readRecords } from '../../results/sinks/jsonl.js'
import { createMemorySink } from '../../results/sinks/memory.js'
import type { Summary } from '../../results/summary.js'
import type { Sample } from '../../results/types.js'

function requests(count: number, spacingMs: number, tokens: number): TrafficRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `r${String(i).padStart(3, '0')}`,
    offsetMs: i * spacingMs,
    userId: `u${i % 11}`,
    task: i % 2 === 0 ? 'chat' : 'write-email',
    messages: [{ role: 'user' as const, content: `question ${i}: summarise the quarterly report` }],
    inputTokens: 9,
    maxOutputTokens: 64,
    targetOutputTokens: tokens,
  }))
}

async function summaryAt(dir: string): Promise<Summary> {
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary
}

describe('run with worker threads', () => {
  afterEach(() => {
    delete process.env['GAUNTLET_TEST_CRASH_WORKER']
  })

  it('2 workers: every request exactly once, counts are the workers’ sums, TTFT true, client combined', async () => {
    const traffic = requests(48, 15, 8)
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-workers-')), 'run')
    const progress: RunProgress[] = []
    const seen: Sample[] = []
    const result = await run({
      traffic: { type: 'requests', requests: traffic },
      target: 'mock:exact',
      workers: 2,
      outDir: out,
      patience: 'off',
      progressIntervalMs: 200,
      onProgress: (p) => progress.push(p),
      sinks: [{ name: 'test', record: (sample) => void seen.push(sample) }],
      thresholds: ['ttft_ms.p50<1000'],
    })
    const { summary } = result
    expect(result.interrupted).toBe(false)
    expect(result.thresholdsPassed).toBe(true)
    // Every request exactly once in the run folder's records.jsonl …
    const { header, samples } = await readRecords(join(out, 'records.jsonl'))
    expect((header['config'] as { workers: number }).workers).toBe(2)
    expect(samples.map((s) => s.requestId).sort()).toEqual(traffic.map((r) => r.id))
    // … and in the caller's own sink (samples forwarded from the workers).
    expect(seen.map((s) => s.requestId).sort()).toEqual(traffic.map((r) => r.id))
    expect(summary.requests.scheduled).toBe(48)
    expect(summary.requests.completed).toBe(48)
    expect(summary.tokens.output).toBe(48 * 8)
    // Each worker ran exactly its users; the merged counts are the sums of the workers'.
    const parts = [await summaryAt(join(out, 'workers', '1')), await summaryAt(join(out, 'workers', '2'))]
    for (const [index, dir] of ['1', '2'].entries()) {
      const { samples: own } = await readRecords(join(out, 'workers', dir, 'records.jsonl'))
      expect(own.length).toBeGreaterThan(0)
      for (const sample of own) expect(userShareOf(sample.userId, 2)).toBe(index + 1)
    }
    expect(parts[0]!.requests.completed + parts[1]!.requests.completed).toBe(summary.requests.completed)
    expect(parts[0]!.tokens.input + parts[1]!.tokens.input).toBe(summary.tokens.input)
    expect(parts[0]!.latency.ttft_ms.count + parts[1]!.latency.ttft_ms.count).toBe(summary.latency.ttft_ms.count)
    // The exact mock answers after 200 ms whatever the load.
    expect(Math.abs((summary.latency.ttft_service_ms.p50 as number) - 200)).toBeLessThan(30)
    expect(summary.latency.ttft_ms.p50 as number).toBeLessThan(260)
    // One shared start: scheduled times line up, so no worker sends late against it.
    expect(summary.latency.schedule_lag_ms.p50 as number).toBeLessThan(20)
    // The workers' self-checks combined.
    expect(summary.client?.workers).toBe(2)
    expect(summary.client?.cpuCores).toBeCloseTo(parts[0]!.client!.cpuCores + parts[1]!.client!.cpuCores, 2)
    expect(summary.client?.eventLoopDelayMaxMs).toBe(Math.max(parts[0]!.client!.eventLoopDelayMaxMs ?? 0, parts[1]!.client!.eventLoopDelayMaxMs ?? 0))
    expect(summary.notes.join('\n')).toMatch(/ran on 2 worker threads/)
    expect(summary.target.label).toBe('mock:exact')
    expect(summary.partial).toBe(false)
    // Progress summed over the workers, ending on the totals.
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)?.completed).toBe(48)
    expect(await summaryAt(out)).toEqual(summary)
  })

  it('an interrupted run stops every worker and leaves a valid, partial merged summary', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-workers-')), 'run')
    const controller = new AbortController()
    const result = await run({
      traffic: { type: 'requests', requests: requests(400, 10, 20) },
      target: 'mock:exact',
      workers: 2,
      outDir: out,
      patience: 'off',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.completed > 5) controller.abort()
      },
      progressIntervalMs: 100,
    })
    expect(result.interrupted).toBe(true)
    expect(result.summary.partial).toBe(true)
    const { samples } = await readRecords(join(out, 'records.jsonl'))
    expect(samples.length).toBeGreaterThan(5)
    expect(samples.length).toBeLessThan(400)
    expect(result.summary.requests.scheduled).toBe(samples.filter((s) => s.willRetry !== true).length)
    expect(result.summary.requests.byOutcome['interrupted'] ?? 0).toBeGreaterThan(0)
  })

  it('a worker that crashes is reported; the rest still merges and its records so far count', async () => {
    process.env['GAUNTLET_TEST_CRASH_WORKER'] = '2:1500'
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-workers-')), 'run')
    const traffic = requests(120, 25, 8)
    const result = await run({ traffic: { type: 'requests', requests: traffic }, target: 'mock:exact', workers: 2, outDir: out, patience: 'off' })
    const { summary } = result
    expect(summary.partial).toBe(true)
    expect(summary.notes.join('\n')).toMatch(/worker 2 of 2 crashed: GAUNTLET_TEST_CRASH_WORKER.*its records so far are counted/)
    const { samples } = await readRecords(join(out, 'records.jsonl'))
    const ids = samples.map((s) => s.requestId)
    expect(new Set(ids).size).toBe(ids.length)
    const share1 = traffic.filter((r) => userShareOf(r.userId, 2) === 1)
    const share2 = samples.filter((s) => userShareOf(s.userId, 2) === 2)
    // Worker 1 finished all of its users' requests; worker 2 some of its own before it died.
    expect(samples.filter((s) => userShareOf(s.userId, 2) === 1)).toHaveLength(share1.length)
    expect(share2.length).toBeGreaterThan(0)
    expect(share2.length).toBeLessThan(traffic.length - share1.length)
    expect(summary.requests.scheduled).toBe(samples.length)
    expect(summary.client?.workers).toBe(2)
  })

  it('one chaos proxy in the run thread: every worker’s samples fall in the same phases (no run folder)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-workers-chaos-'))
    const timelinePath = join(dir, 'timeline.json')
    writeFileSync(
      timelinePath,
      JSON.stringify({
        phases: [
          { name: 'baseline', fromS: 0, toS: 1 },
          { name: 'latency-spike', fromS: 1, toS: 2, faults: [{ type: 'latency', params: { latency: 300 } }] },
          { name: '429-storm', fromS: 2, toS: 3, faults: [{ type: 'status', params: { status: 429 } }] },
        ],
      }),
    )
    const memory = createMemorySink()
    const temporary = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('gauntlet-run-workers-'))
    const before = temporary()
    const { summary, outDir } = await run({
      traffic: { type: 'requests', requests: requests(30, 100, 8) },
      target: 'mock:exact',
      chaos: timelinePath,
      workers: 2,
      outDir: null,
      patience: 'off',
      sinks: [memory],
    })
    expect(outDir).toBeNull()
    const phase = (name: string) => summary.phases[name] as (typeof summary.phases)[string]
    expect(phase('baseline').byOutcome).toEqual({ ok: 10 })
    expect(phase('latency-spike').byOutcome).toEqual({ ok: 10 })
    expect(phase('429-storm').byOutcome).toEqual({ http_429: 10 })
    expect(phase('baseline').ttft_ms.p50 as number).toBeLessThan(300)
    expect(phase('latency-spike').ttft_ms.p50 as number).toBeGreaterThan(480)
    // Both workers sent in every phase, on the one shared clock.
    for (const name of ['baseline', 'latency-spike', '429-storm']) {
      const shares = new Set(memory.samples.filter((s) => s.phase === name).map((s) => userShareOf(s.userId, 2)))
      expect(shares, name).toEqual(new Set([1, 2]))
    }
    expect(memory.samples.filter((s) => s.phase === '429-storm').every((s) => s.faults?.includes('status') === true)).toBe(true)
    // Without a run folder the workers' folders were temporary, and are gone.
    expect(temporary()).toEqual(before)
  })
})
