// `gauntlet compare` end to end through commander, as the CLI runs it: two embedded mocks replay
// the same short traffic file; exit code, compare.json winners, run folders, JUnit, reports.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { register, type CommandOutput } from '../../bin/commands/compare.js'
import { UserError } from '../../core/errors.js'
import { compareTargets } from '../../load/compare.js'
import { createTrafficWriter } from '../../load/traffic-writer.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import type { Comparison } from '../../results/compare/index.js'
import { createMemorySink } from '../../results/sinks/memory.js'
import type { Summary } from '../../results/summary.js'

let dir: string
let trafficPath: string

async function gauntlet(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { code: 0, stdout: '', stderr: '' }
  const output: CommandOutput = { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } }
  const program = new Command().name('gauntlet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} })
  register(program, (code) => (out.code = code), output)
  await program.parseAsync(['node', 'gauntlet', ...args])
  return out
}

/** 60 short chat requests, one every 50 ms (3 s), 24 output tokens each. */
async function writeTraffic(path: string, count: number, everyMs: number, outputTokens: number): Promise<void> {
  const writer = createTrafficWriter(path, {
    type: 'header',
    schemaVersion: 1,
    generator: 'compare-cli.test',
    generatorVersion: '0',
    seed: 1,
    source: 'test:compare',
    createdAt: '2025-01-01T00:00:00.000Z',
    encoding: 'o200k_base',
  })
  for (let i = 0; i < count; i++) {
    const request: TrafficRequest = {
      id: `r${i}`,
      offsetMs: i * everyMs,
      userId: `u${i % 20}`,
      task: i % 2 === 0 ? 'chat' : 'write-email',
      messages: [{ role: 'user', content: `Question ${i}: what changed in the quarterly numbers?` }],
      inputTokens: 12,
      maxOutputTokens: 64,
      targetOutputTokens: outputTokens,
    }
    await writer.write(request)
  }
  await writer.close()
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gauntlet-compare-'))
  trafficPath = join(dir, 'traffic.jsonl')
  await writeTraffic(trafficPath, 60, 50, 24)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function row(comparison: Comparison, id: string): Comparison['rows'][number] {
  const found = comparison.rows.find((r) => r.id === id)
  if (found === undefined) throw new Error(`no row ${id}`)
  return found
}

describe('gauntlet compare', () => {
  it('replays the same traffic against mock:fast and mock:overloaded at once; the fast one wins latency', async () => {
    const out = join(dir, 'fast-vs-overloaded')
    const junit = join(dir, 'junit.xml')
    const result = await gauntlet(
      'compare',
      '--traffic', trafficPath,
      '--target', 'mock:fast',
      '--target', 'mock:overloaded',
      '--threshold', 'ttft_ms.p95<1000',
      '--patience', 'ttft=fixed:4s,e2e=fixed:8s,quit=off',
      '--out', out,
      '--junit', junit,
      '--seed', '5',
      '--quiet',
    )
    // The overloaded endpoint fails the TTFT threshold: exit 99.
    expect(result.code).toBe(99)
    const comparison = JSON.parse(await readFile(join(out, 'compare.json'), 'utf8')) as Comparison
    expect(comparison.mode).toBe('concurrent')
    expect(comparison.targets.map((t) => t.label)).toEqual(['mock:fast', 'mock:overloaded'])
    expect(comparison.targets.map((t) => t.requests.scheduled)).toEqual([60, 60])
    for (const id of ['ttft_ms.p50', 'ttft_ms.p95', 'e2e_ms.p50', 'e2e_ms.p95']) {
      expect(row(comparison, id).verdict, id).toEqual({ kind: 'winner', target: 'mock:fast' })
    }
    expect(row(comparison, 'ttft_ms.p50').values[0]).toBeLessThan(500)
    expect(row(comparison, 'output_tokens_per_s.p50').verdict).toEqual({ kind: 'winner', target: 'mock:fast' })
    expect(comparison.targets.map((t) => t.thresholds)).toEqual([
      { total: 1, failed: 0 },
      { total: 1, failed: 1 },
    ])
    // Both run folders, each with its own report; the comparison's own report.
    for (const slug of ['mock-fast', 'mock-overloaded']) {
      for (const file of ['records.jsonl', 'summary.json', 'histograms.json', 'report.html']) {
        expect(existsSync(join(out, 'targets', slug, file)), `${slug}/${file}`).toBe(true)
      }
    }
    expect(comparison.targets.map((t) => t.folder)).toEqual(['targets/mock-fast', 'targets/mock-overloaded'])
    // Each record says which target it belongs to.
    const records = (await readFile(join(out, 'targets', 'mock-overloaded', 'records.jsonl'), 'utf8')).trim().split('\n').slice(1)
    expect(records.length).toBeGreaterThanOrEqual(60)
    expect(new Set(records.map((line) => (JSON.parse(line) as { target?: string }).target))).toEqual(new Set(['mock:overloaded']))
    const html = await readFile(join(out, 'compare.html'), 'utf8')
    expect(html).toContain('href="targets/mock-fast/report.html"')
    expect(html).toContain('id="gauntlet-charts"')
    // Each row agrees with the target's own summary.json (rates exactly, percentiles within HDR precision).
    const summaries = await Promise.all(
      ['mock-fast', 'mock-overloaded'].map(async (slug) => JSON.parse(await readFile(join(out, 'targets', slug, 'summary.json'), 'utf8')) as Summary),
    )
    summaries.forEach((summary, index) => {
      expect(row(comparison, 'error_rate').values[index]).toBeCloseTo(summary.errors.rate, 6)
      expect(row(comparison, 'abandon_rate').values[index]).toBeCloseTo(summary.abandonment.rate, 6)
      expect(row(comparison, 'spend_per_1k_requests_usd').values[index]).toBeCloseTo(summary.spend.per_1k_requests_usd as number, 9)
      expect(row(comparison, 'ttft_ms.p50').counts[index]).toBe(summary.latency.ttft_ms.count)
      const p50 = row(comparison, 'ttft_ms.p50').values[index] as number
      expect(Math.abs(p50 - (summary.latency.ttft_ms.p50 as number))).toBeLessThanOrEqual(p50 * 0.002)
    })
    // Terminal table and JUnit: one suite per target.
    expect(result.stdout).toMatch(/vendor comparison: mock:fast vs mock:overloaded/)
    expect(result.stdout).toMatch(/TTFT p50 .*✓.*mock:fast/)
    expect(result.stdout).toMatch(/thresholds FAILED: mock:overloaded \(1 of 1\)/)
    const xml = await readFile(junit, 'utf8')
    expect(xml.match(/<testsuite /g)).toHaveLength(2)
    expect(xml).toMatch(/<testsuite name="mock:overloaded" tests="1" failures="1"/)
    expect(xml).toMatch(/<testsuite name="mock:fast" tests="1" failures="0"/)
  })

  it('starts labelled twins together (concurrent): exact timings give the true speed, and equal things tie', async () => {
    const traffic = join(dir, 'exact.jsonl')
    await writeTraffic(traffic, 20, 40, 11)
    // Each progress tick gives elapsed time since that run's own start: now − elapsed is the start.
    const starts = new Map<string, number[]>()
    const sinks = new Map<string, ReturnType<typeof createMemorySink>>()
    const result = await compareTargets({
      traffic: { type: 'file', path: traffic },
      targets: ['a=mock:exact', 'b=mock:exact'],
      outDir: null,
      patience: 'off',
      seed: 2,
      progressIntervalMs: 100,
      onProgress: (label, progress) => starts.set(label, [...(starts.get(label) ?? []), performance.now() - progress.elapsedMs]),
      sinksFor: (label) => {
        const sink = createMemorySink()
        sinks.set(label, sink)
        return [sink]
      },
    })
    expect([...sinks.keys()]).toEqual(['a', 'b'])
    for (const [label, sink] of sinks) {
      expect(sink.samples).toHaveLength(20)
      expect(sink.samples.every((sample) => sample.target === label)).toBe(true)
    }
    const { comparison } = result
    expect(comparison.mode).toBe('concurrent')
    const startA = Math.min(...(starts.get('a') ?? [Number.NaN]))
    const startB = Math.min(...(starts.get('b') ?? [Number.NaN]))
    expect(Math.abs(startA - startB)).toBeLessThan(30)
    // The exact mock: TTFT 200 ms, then a token every 20 ms: 11 tokens → 10 gaps in 200 ms → 50 tokens/s.
    const speed = row(comparison, 'output_tokens_per_s.p50')
    // Timer delays on a busy machine can only stretch the gaps (slower), never shorten them much.
    for (const value of speed.values) {
      expect(value).toBeGreaterThan(40)
      expect(value).toBeLessThanOrEqual(50.5)
    }
    for (const value of row(comparison, 'ttft_ms.p50').values) {
      expect(value).toBeGreaterThanOrEqual(199)
      expect(value).toBeLessThan(350)
    }
    // Same model, same tokens: the same spend per request, and no errors on either side.
    for (const id of ['spend_per_1k_requests_usd', 'spend_per_1k_answers_usd', 'spend_per_month_usd', 'error_rate', 'rate_limited_rate', 'abandon_rate']) {
      expect(row(comparison, id).verdict, id).toEqual({ kind: 'tie', targets: ['a', 'b'] })
    }
    const perK = row(comparison, 'spend_per_1k_requests_usd').values
    expect(perK[0]).toBeCloseTo(perK[1] as number, 12)
    // The comparison's spend per 1k equals what each target's own summary says.
    expect(perK[0]).toBeCloseTo(result.targets[0]?.result.summary.spend.per_1k_requests_usd as number, 9)
    expect(result.thresholdsPassed).toBe(true)
  })

  it('runs targets one after another in sequential mode', async () => {
    const traffic = join(dir, 'short.jsonl')
    await writeTraffic(traffic, 10, 30, 5)
    const starts = new Map<string, number>()
    const ends = new Map<string, number>()
    const result = await compareTargets({
      traffic: { type: 'file', path: traffic },
      targets: ['first=mock:exact', 'second=mock:instant'],
      mode: 'sequential',
      outDir: null,
      patience: 'off',
      progressIntervalMs: 100,
      onProgress: (label, progress) => {
        starts.set(label, Math.min(starts.get(label) ?? Number.POSITIVE_INFINITY, performance.now() - progress.elapsedMs))
        ends.set(label, performance.now())
      },
    })
    expect(result.comparison.mode).toBe('sequential')
    expect(starts.get('second') as number).toBeGreaterThanOrEqual((ends.get('first') as number) - 1)
    expect(row(result.comparison, 'ttft_ms.p50').verdict).toEqual({ kind: 'winner', target: 'second' })
  })

  it('stops every target when one cannot start, instead of leaving the others waiting', async () => {
    const startedAt = performance.now()
    await expect(
      compareTargets({ traffic: { type: 'file', path: trafficPath }, targets: ['mock:exact', 'mock:no-such-profile'], outDir: null, patience: 'off' }),
    ).rejects.toMatchObject({ code: 'TARGET_INVALID', message: expect.stringMatching(/--target 'mock:no-such-profile': unknown mock profile 'no-such-profile'/) })
    expect(performance.now() - startedAt).toBeLessThan(10_000)
  })

  it('asks once before sending to a non-loopback endpoint, and sends nothing when not confirmed', async () => {
    const questions: string[] = []
    await expect(
      compareTargets({
        traffic: { type: 'file', path: trafficPath },
        targets: ['openai:gpt-4o-mini', 'openai-compatible:llama3@https://llm.example.com/v1', 'mock:fast'],
        outDir: null,
        env: {},
        maxSpendUsd: 5,
        confirm: async (question) => {
          questions.push(question)
          return false
        },
      }),
    ).rejects.toMatchObject({ code: 'SPEND_NOT_CONFIRMED', message: expect.stringMatching(/--target openai:gpt-4o-mini, openai-compatible:llama3@https:\/\/llm\.example\.com\/v1: not a loopback endpoint/) })
    expect(questions).toEqual(['This sends 60 requests to each of openai:gpt-4o-mini, openai-compatible:llama3@https://llm.example.com/v1 (spend cap $5 per target). Continue?'])
  })

  it('rejects a single target, duplicate labels and a bad mode with one-line errors', async () => {
    await expect(gauntlet('compare', '--traffic', trafficPath, '--target', 'mock:fast')).rejects.toMatchObject({
      code: 'USAGE_INVALID',
      message: expect.stringMatching(/at least two targets/),
    })
    await expect(gauntlet('compare', '--traffic', trafficPath, '--target', 'mock:fast', '--target', 'mock:fast')).rejects.toMatchObject({
      code: 'USAGE_INVALID',
      message: expect.stringMatching(/label 'mock:fast' is already used.*--target a=mock:fast --target b=mock:fast/),
    })
    await expect(gauntlet('compare', '--traffic', trafficPath, '--target', 'mock:fast', '--target', 'mock:exact', '--mode', 'interleaved')).rejects.toMatchObject({
      code: 'USAGE_INVALID',
      message: expect.stringMatching(/--mode 'interleaved' must be concurrent or sequential/),
    })
    await expect(gauntlet('compare', '--traffic', trafficPath, '--target', 'mock:fast', '--target', 'warp:x')).rejects.toBeInstanceOf(UserError)
    await expect(gauntlet('compare', '--traffic', trafficPath, '--target', 'mock:fast', '--target', 'mock:exact', '--adoption', '2')).rejects.toMatchObject({
      code: 'USAGE_INVALID',
      message: expect.stringMatching(/--adoption '2'/),
    })
  })
})
