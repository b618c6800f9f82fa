// Segments i/n on separate processes, merged, against one exact-timing mock: nothing lost,
// nothing counted twice, percentiles from merged histograms.
import { mkdtempSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockServer, type MockServer } from '../../adapters/mock/index.js'
import { createTrafficWriter } from '../../load/traffic-writer.js'
import { generateTraffic } from '../../load/workload/generate.js'
import { getEncoder } from '../../core/tokens.js'
import { mergeRuns } from '../../results/merge.js'
import { readRecords } from '../../results/sinks/jsonl.js'
import type { Summary } from '../../results/summary.js'
import { runCli } from '../helpers/cli.js'

describe('segments and merge', () => {
  let mock: MockServer
  let dir: string
  let trafficPath: string
  let ids: string[]
  beforeAll(async () => {
    mock = await createMockServer({ profile: 'exact' })
    // The mock counts input tokens with tiktoken: load the encoder before anything is timed.
    getEncoder('o200k_base')
    dir = mkdtempSync(join(tmpdir(), 'gauntlet-segments-'))
    trafficPath = join(dir, 'traffic.jsonl')
    const generated = generateTraffic({ preset: 'peak-hour', employees: 300, seed: 11, timeScale: 360, maxRequests: 120 })
    const writer = createTrafficWriter(trafficPath, generated.draftHeader)
    ids = []
    for await (const request of generated.requests) {
      // Short answers keep the test quick; the exact mock times each token at 20 ms.
      const short = { ...request, targetOutputTokens: 8, maxOutputTokens: 16 }
      ids.push(short.id)
      await writer.write(short)
    }
    await writer.close()
  })
  afterAll(async () => mock.close())

  it('4 segment processes merge into exactly the whole file, with percentiles from merged histograms', async () => {
    const target = `openai-compatible:gpt-4o-mini@${mock.url}/v1`
    const common = ['run', '--traffic', trafficPath, '--target', target, '--patience', 'off', '--quiet', '--no-report']
    // One after another (as on 4 machines): 4 processes sharing 2 cores would measure each other.
    const segments = []
    for (const k of [1, 2, 3, 4]) {
      segments.push(await runCli([...common, '--segment', `${k}/4`, '--out', join(dir, `segment-${k}`)], { timeoutMs: 120_000 }))
    }
    for (const result of segments) expect(result.code, result.stderr).toBe(0)
    const whole = await runCli([...common, '--out', join(dir, 'whole')], { timeoutMs: 120_000 })
    expect(whole.code, whole.stderr).toBe(0)

    const segmentDirs = [1, 2, 3, 4].map((k) => join(dir, `segment-${k}`))
    const merged = await mergeRuns(segmentDirs, { runId: 'merged', name: 'merged' })
    const seen: string[] = []
    let segmentCompleted = 0
    const ttftService: number[] = []
    for (const segmentDir of segmentDirs) {
      const { samples } = await readRecords(join(segmentDir, 'records.jsonl'))
      for (const sample of samples) {
        seen.push(sample.requestId)
        if (sample.ttftServiceMs !== undefined && sample.outcome === 'ok') ttftService.push(sample.ttftServiceMs)
      }
      const summary = JSON.parse(await readFile(join(segmentDir, 'summary.json'), 'utf8')) as Summary
      segmentCompleted += summary.requests.completed
    }
    // Exactly the whole file's ids: disjoint, complete.
    expect(seen.sort()).toEqual([...ids].sort())
    expect(merged.requests.scheduled).toBe(ids.length)
    expect(merged.requests.completed).toBe(segmentCompleted)
    expect(merged.tokens.output).toBe(merged.requests.completed * 8)
    // Merged-histogram percentiles equal the exact percentiles of the union within HDR precision (0.1 %).
    ttftService.sort((a, b) => a - b)
    const exactP50 = ttftService[Math.ceil(ttftService.length * 0.5) - 1] as number
    expect(Math.abs((merged.latency.ttft_service_ms.p50 as number) - exactP50) / exactP50).toBeLessThan(0.002)
    // And agree with a whole run against the same exact-timing mock (timing noise, not precision).
    const wholeSummary = JSON.parse(await readFile(join(dir, 'whole', 'summary.json'), 'utf8')) as Summary
    expect(wholeSummary.requests.scheduled).toBe(merged.requests.scheduled)
    for (const stat of ['p50', 'p90'] as const) {
      const a = merged.latency.ttft_service_ms[stat] as number
      const b = wholeSummary.latency.ttft_service_ms[stat] as number
      expect(Math.abs(a - b)).toBeLessThan(25)
    }
    expect(merged.latency.itl_ms.count).toBe(wholeSummary.latency.itl_ms.count)
  })
})
