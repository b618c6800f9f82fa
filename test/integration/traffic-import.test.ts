// Trace import: the Azure conv trace kept row for row with exact offsets and tokens, Mooncake
// batching and jitter, ServeGen profiles, and a table of malformed traces.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UserError } from '../../core/errors.js'
import { countTokens } from '../../core/tokens.js'
import { expandMessages, readTraffic } from '../../load/traffic.js'
import { createTrafficWriter } from '../../load/traffic-writer.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { importAzureTrace } from '../../load/workload/trace-azure.js'
import { importMooncakeTrace } from '../../load/workload/trace-mooncake.js'
import { importServegenTrace, servegenExpected, readServegenTrace } from '../../load/workload/trace-servegen.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/traces/', import.meta.url))
const AZURE_DIR = '/work/shared/data/azure-llm-inference-2023'
const SERVEGEN_DIR = '/work/shared/data/alibaba-servegen'
const AZURE_CONV = join(AZURE_DIR, 'AzureLLMInferenceTrace_conv.csv')

let dir: string
const quiet = { warn: (): void => {} }

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gauntlet-traffic-import-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Independent reference: 100 ns ticks of each CSV timestamp as BigInt. */
function referenceRows(csv: string): { ticks: bigint; input: number; output: number }[] {
  return csv
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [stamp, input, output] = line.split(',') as [string, string, string]
      const [date, time] = stamp.split(' ') as [string, string]
      const [hms, fraction = ''] = time.split('.')
      const ms = BigInt(Date.parse(`${date}T${hms}Z`))
      return { ticks: ms * 10_000n + BigInt(fraction.padEnd(7, '0')), input: Number(input), output: Number(output) }
    })
}

async function roundTrip(requests: Iterable<TrafficRequest>, header: Parameters<typeof createTrafficWriter>[1], name: string): Promise<TrafficRequest[]> {
  const file = join(dir, name)
  const writer = createTrafficWriter(file, header)
  for (const request of requests) await writer.write(request)
  await writer.close()
  const list: TrafficRequest[] = []
  for await (const request of (await readTraffic(file)).requests) list.push(request)
  return list
}

function expectExactAzure(requests: TrafficRequest[], reference: ReturnType<typeof referenceRows>): void {
  expect(requests).toHaveLength(reference.length)
  const origin = reference[0]?.ticks as bigint
  for (let i = 0; i < reference.length; i++) {
    const row = reference[i] as (typeof reference)[number]
    const request = requests[i] as TrafficRequest
    // Offsets are the timestamps' exact differences, rounded to the microsecond.
    const expectedMs = Number(row.ticks - origin) / 10_000
    expect(Math.abs(request.offsetMs - expectedMs)).toBeLessThanOrEqual(0.0005 + 1e-9)
    expect(Math.round(request.offsetMs)).toBe(Math.round(expectedMs))
    expect(request.inputTokens).toBe(row.input)
    expect(request.prompt?.tokens).toBe(row.input)
    expect(request.targetOutputTokens).toBe(row.output)
    expect(request.maxOutputTokens).toBe(Math.max(1, row.output))
  }
}

describe('Azure trace import', () => {
  it('keeps every row of the sample with exact offsets and tokens', async () => {
    const path = join(FIXTURES, 'azure-conv-sample.csv')
    const imported = await importAzureTrace(path, quiet)
    const requests = await roundTrip(imported.requests, imported.header, 'azure-sample.jsonl')
    expectExactAzure(requests, referenceRows(await readFile(path, 'utf8')))
    expect(requests.every((request) => request.task === 'chat')).toBe(true)
    const first = expandMessages(requests[0] as TrafficRequest)
    expect(countTokens(first[0]?.content ?? '')).toBe(requests[0]?.inputTokens)
  })

  it.skipIf(!existsSync(AZURE_CONV))('keeps all 19,366 rows of AzureLLMInferenceTrace_conv.csv exactly', async () => {
    const imported = await importAzureTrace(AZURE_CONV, quiet)
    expect(imported.rows).toBe(19_366)
    const requests = await roundTrip(imported.requests, imported.header, 'azure-conv.jsonl')
    expectExactAzure(requests, referenceRows(await readFile(AZURE_CONV, 'utf8')))
    expect(imported.header.source).toBe('azure:AzureLLMInferenceTrace_conv.csv')
  })

  it.skipIf(!existsSync(join(AZURE_DIR, 'AzureLLMInferenceTrace_code.csv')))('imports the code trace as code-assist', async () => {
    const imported = await importAzureTrace(join(AZURE_DIR, 'AzureLLMInferenceTrace_code.csv'), quiet)
    const requests = [...imported.requests]
    expect(requests).toHaveLength(8_819)
    expect(requests.every((request) => request.task === 'code-assist')).toBe(true)
  })

  it('cuts a window, rebases it and compresses time', async () => {
    const path = join(FIXTURES, 'azure-conv-sample.csv')
    const all = [...(await importAzureTrace(path, quiet)).requests]
    const windowed = [...(await importAzureTrace(path, { ...quiet, window: { startMs: 5_000, endMs: 15_000 }, timeScale: 2 })).requests]
    const inside = all.filter((request) => request.offsetMs >= 5_000 && request.offsetMs < 15_000)
    expect(windowed).toHaveLength(inside.length)
    for (let i = 0; i < inside.length; i++) {
      expect(Math.abs((windowed[i]?.offsetMs as number) - ((inside[i]?.offsetMs as number) - 5_000) / 2)).toBeLessThanOrEqual(0.001)
      expect(windowed[i]?.inputTokens).toBe(inside[i]?.inputTokens)
    }
  })

  it('sorts rows that are out of order, with a warning', async () => {
    const path = join(dir, 'unsorted.csv')
    await writeFile(path, 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:00:02.0000000,30,3\r\n2023-11-16 18:00:01.5000000,20,2\r\n2023-11-16 18:00:03.0000000,40,4')
    const warnings: string[] = []
    const requests = [...(await importAzureTrace(path, { warn: (message) => warnings.push(message) })).requests]
    expect(requests.map((r) => [r.offsetMs, r.inputTokens])).toEqual([
      [0, 20],
      [500, 30],
      [1500, 40],
    ])
    expect(warnings).toEqual([expect.stringMatching(/unsorted\.csv: 1 rows are earlier than the row before them \(first at line 3\); sorted all rows by timestamp/)])
  })
})

describe('Mooncake trace import', () => {
  const path = join(FIXTURES, 'mooncake-sample.jsonl')
  it('keeps batched timestamps as they are by default', async () => {
    const requests = [...(await importMooncakeTrace(path, quiet)).requests]
    expect(requests.map((r) => r.offsetMs)).toEqual([0, 0, 0, 1000, 3000, 3000, 3000, 3000, 5000, 9000])
    expect(requests.map((r) => r.inputTokens)).toEqual([6955, 1024, 2048, 512, 7000, 300, 88, 4000, 1500, 64])
    expect(requests.map((r) => r.targetOutputTokens)).toEqual([52, 30, 12, 200, 3, 64, 19, 128, 700, 8])
  })
  it('spreads batched timestamps evenly with jitter, deterministically', async () => {
    const a = [...(await importMooncakeTrace(path, { ...quiet, jitter: true })).requests]
    const b = [...(await importMooncakeTrace(path, { ...quiet, jitter: true })).requests]
    expect(a).toEqual(b)
    expect(a.map((r) => r.offsetMs)).toEqual([0, 333.333, 666.667, 1000, 3000, 3500, 4000, 4500, 5000, 9000])
  })
  it('keeps the prefix structure: full blocks before the last become shared 512-token blocks named by hash id', async () => {
    const requests = [...(await importMooncakeTrace(path, quiet)).requests]
    const first = requests[0] as TrafficRequest
    // 6,955 tokens in 13 blocks: 12 shared blocks (ids 0..11), 811 tokens of its own.
    expect(first.prefix?.documents?.map((block) => block.id)).toEqual(Array.from({ length: 12 }, (_, i) => `mooncake:${i}`))
    expect(first.prompt?.tokens).toBe(6955 - 12 * 512)
    // [3, 4] with 1,024 tokens: block 3 is shared (the same bytes as the first row's), block 4 its own text.
    expect(requests[1]?.prefix?.documents).toEqual([{ id: 'mooncake:3', tokens: 512 }])
    // One block: nothing shared.
    expect(requests[3]?.prefix).toBeUndefined()
    for (const request of requests) expect((request.prompt?.tokens ?? 0) + 512 * (request.prefix?.documents?.length ?? 0)).toBe(request.inputTokens)
  })
})

describe('ServeGen import', () => {
  it('turns window rates into arrivals and PMFs into lengths', async () => {
    const path = join(FIXTURES, 'servegen-sample-trace.csv')
    const runs = await Promise.all([1, 2, 3, 4, 5, 6].map(async (seed) => [...(await importServegenTrace(path, { ...quiet, seed })).requests]))
    const windows = await readServegenTrace(path)
    const expected = servegenExpected(windows, { fromMs: 0, toMs: Infinity })
    expect(expected).toBe(600 * 2 + 600 * 4 + 600 * 1)
    const mean = runs.reduce((sum, run) => sum + run.length, 0) / runs.length
    expect(Math.abs(mean - expected) / expected).toBeLessThan(0.1)
    for (const run of runs) {
      for (const request of run) {
        const window = Math.floor(request.offsetMs / 600_000)
        expect(window).not.toBe(2)
        if (request.offsetMs < 1_200_000) {
          expect([10, 20]).toContain(request.inputTokens)
          expect(request.targetOutputTokens).toBe(5)
        } else {
          expect([100, 300]).toContain(request.inputTokens)
          expect([50, 70]).toContain(request.targetOutputTokens)
        }
      }
    }
  })

  it.skipIf(!existsSync(SERVEGEN_DIR))('replays an hour of the deepseek-r1 client', async () => {
    const path = join(SERVEGEN_DIR, 'reason_deepseek-r1_chunk-35-trace.csv')
    const window = { startMs: 3_600_000, endMs: 7_200_000 }
    const imported = await importServegenTrace(path, { ...quiet, window, seed: 3 })
    const requests = [...imported.requests]
    const expected = servegenExpected(await readServegenTrace(path), { fromMs: window.startMs, toMs: window.endMs })
    expect(Math.abs(requests.length - expected) / expected).toBeLessThan(0.15)
    expect(requests.every((r) => r.offsetMs >= 0 && r.offsetMs < 3_600_000)).toBe(true)
  })

  it.skipIf(!existsSync(SERVEGEN_DIR))('refuses a 14-day import of a busy client without a window', async () => {
    await expect(importServegenTrace(join(SERVEGEN_DIR, 'language_m-mid_chunk-60-trace.csv'), quiet)).rejects.toMatchObject({
      code: 'USAGE_INVALID',
      message: expect.stringMatching(/would give about [\d,]+ requests; pass --window/),
    })
  })
})

describe('malformed traces', () => {
  const azure = 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n'
  const cases: [string, 'azure' | 'mooncake' | 'servegen', string, string, RegExp][] = [
    ['empty CSV', 'azure', '', 'TRACE_INVALID', /bad line 1: the file is empty; expected a CSV header/],
    ['header only', 'azure', azure, 'TRACE_INVALID', /bad line 2: no rows after the header/],
    ['missing column', 'azure', 'TIMESTAMP,ContextTokens\r\n2023-11-16 18:00:00,1\r\n', 'TRACE_INVALID', /bad line 1: missing column 'GeneratedTokens'/],
    ['short row', 'azure', `${azure}2023-11-16 18:00:00.1,12\r\n`, 'TRACE_INVALID', /bad line 2: expected 3 comma-separated fields, got 2/],
    ['text tokens', 'azure', `${azure}2023-11-16 18:00:00.1,12,7\r\n2023-11-16 18:00:01.1,lots,7\r\n`, 'TRACE_INVALID', /bad line 3: field 'ContextTokens' must be a non-negative integer \(got "lots"\)/],
    ['negative tokens', 'azure', `${azure}2023-11-16 18:00:00.1,12,-7\r\n`, 'TRACE_INVALID', /line 2: field 'GeneratedTokens' must be a non-negative integer \(got "-7"\)/],
    ['bad timestamp', 'azure', `${azure}16/11/2023 18:00,12,7\r\n`, 'TRACE_INVALID', /line 2: field 'TIMESTAMP' must be a date and time like 2023-11-16 18:15:46\.6805900/],
    ['empty JSONL', 'mooncake', '\n', 'TRACE_INVALID', /bad line 1: the file is empty/],
    ['not JSON', 'mooncake', '{"timestamp": 0, "input_length": 5, "output_length": 1}\n{timestamp}\n', 'TRACE_INVALID', /bad line 2: not valid JSON/],
    ['missing field', 'mooncake', '{"timestamp": 0, "output_length": 1}\n', 'TRACE_INVALID', /bad line 1: field 'input_length' must be a non-negative integer \(got nothing\)/],
    ['negative timestamp', 'mooncake', '{"timestamp": -4, "input_length": 5, "output_length": 1}\n', 'TRACE_INVALID', /field 'timestamp' must be a number of milliseconds ≥ 0 \(got -4\)/],
    ['bad family', 'servegen', '0,1.0,1.0,Lognormal,1,1\n', 'TRACE_INVALID', /bad line 1: column 'family' must be Gamma, Weibull or empty/],
    ['short window row', 'servegen', '0,1.0,1.0\n', 'TRACE_INVALID', /bad line 1: expected 6 fields/],
    ['negative rate', 'servegen', '0,-1.0,1.0,Gamma,1,1\n', 'TRACE_INVALID', /column 'rate' must be a number ≥ 0 \(got "-1\.0"\)/],
  ]
  it.each(cases)('%s', async (_, format, text, code, pattern) => {
    const path = join(dir, 'bad')
    await writeFile(path, text)
    let caught: unknown
    try {
      const run = format === 'azure' ? importAzureTrace : format === 'mooncake' ? importMooncakeTrace : (p: string) => importServegenTrace(p, { datasetPath: join(FIXTURES, 'servegen-sample-dataset.json') })
      const imported = await run(path)
      void [...imported.requests]
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(UserError)
    expect((caught as UserError).code).toBe(code)
    expect((caught as UserError).message).toMatch(pattern)
  })

  it('names missing files and a missing ServeGen dataset', async () => {
    await expect(importAzureTrace(join(dir, 'none.csv'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
    const trace = join(dir, 'lonely-trace.csv')
    await writeFile(trace, '0,1,1,,0,0\n')
    await expect(importServegenTrace(trace)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringMatching(/pass --dataset FILE/) })
    const badDataset = join(dir, 'bad-dataset.json')
    await writeFile(badDataset, JSON.stringify({ 0: { input_tokens: '{1.5: 1}', output_tokens: '{1: 1}' } }))
    await expect(importServegenTrace(trace, { datasetPath: badDataset })).rejects.toMatchObject({ code: 'TRACE_INVALID', message: expect.stringMatching(/window 0 field 'input_tokens': length 1\.5 is not a token count/) })
  })
})
