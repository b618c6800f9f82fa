// Traffic files on disk: write/read round trip, the header rewrite, segments that partition a
// file exactly, and a table of malformed files each failing with one clear error.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UserError } from '../../core/errors.js'
import { readTraffic } from '../../load/traffic.js'
import { serializeTrafficRequest } from '../../load/traffic-serialize.js'
import { createTrafficWriter } from '../../load/traffic-writer.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { generateTraffic } from '../../load/workload/generate.js'

let dir: string
let path: string
let generated: TrafficRequest[]

async function collect(requests: AsyncIterable<TrafficRequest>): Promise<TrafficRequest[]> {
  const list: TrafficRequest[] = []
  for await (const request of requests) list.push(request)
  return list
}

async function writeAll(file: string, requests: Iterable<TrafficRequest>, seed = 3): Promise<void> {
  const traffic = generateTraffic({ preset: 'peak-hour', seed, employees: 10 })
  const writer = createTrafficWriter(file, traffic.draftHeader)
  for (const request of requests) await writer.write(request)
  await writer.close()
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gauntlet-traffic-file-'))
  path = join(dir, 'traffic.jsonl')
  const traffic = generateTraffic({ preset: 'workday', seed: 5, employees: 400 })
  generated = [...traffic]
  const writer = createTrafficWriter(path, traffic.draftHeader)
  for (const request of generated) await writer.write(request)
  const header = await writer.close()
  expect(header.requestCount).toBe(generated.length)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('traffic file round trip', () => {
  it('reads back exactly what was written, header filled in', async () => {
    const { header, requests } = await readTraffic(path)
    expect(header.requestCount).toBe(generated.length)
    expect(header.spanMs).toBe(generated[generated.length - 1]?.offsetMs)
    expect(header.source).toBe('preset:workday')
    const read = await collect(requests)
    expect(read.map(serializeTrafficRequest)).toEqual(generated.map(serializeTrafficRequest))
    // Re-iterable: each iteration re-reads the file.
    expect((await collect(requests)).length).toBe(generated.length)
  })

  it('is one header line then one line per request, ending in a newline', async () => {
    const text = await readFile(path, 'utf8')
    const lines = text.split('\n')
    expect(lines[lines.length - 1]).toBe('')
    expect(lines.length - 2).toBe(generated.length)
    expect(JSON.parse(lines[0] as string).type).toBe('header')
    expect(text).not.toMatch(/https?:\/\/|api[_-]?key|authorization/i)
  })

  it('rejects unsorted or invalid requests while writing', async () => {
    const file = join(dir, 'writer.jsonl')
    const writer = createTrafficWriter(file, generateTraffic({ preset: 'peak-hour', seed: 1, employees: 10 }).draftHeader)
    await writer.write({ ...(generated[5] as TrafficRequest) })
    await expect(writer.write({ ...(generated[0] as TrafficRequest) })).rejects.toMatchObject({ code: 'TRAFFIC_INVALID', message: expect.stringMatching(/earlier than the previous/) })
    await expect(writer.write({ ...(generated[6] as TrafficRequest), inputTokens: -1 })).rejects.toMatchObject({ code: 'TRAFFIC_INVALID', message: expect.stringMatching(/field 'inputTokens'/) })
    await writer.close()
  })

  it('reads CRLF files and ignores blank lines', async () => {
    const text = await readFile(path, 'utf8')
    const file = join(dir, 'crlf.jsonl')
    await writeFile(file, `${text.split('\n').join('\r\n')}\r\n`)
    expect((await collect((await readTraffic(file)).requests)).length).toBe(generated.length)
  })
})

describe('segments', () => {
  it('1/4 … 4/4 partition the file exactly, in order, balanced in count and time', async () => {
    const segments: TrafficRequest[][] = []
    for (let index = 1; index <= 4; index++) segments.push(await collect((await readTraffic(path, { segment: { index, count: 4 } })).requests))
    // Interleaving the segments back by request index gives the file.
    const merged: TrafficRequest[] = []
    for (let k = 0; k < generated.length; k++) merged.push(segments[k % 4]?.[Math.floor(k / 4)] as TrafficRequest)
    expect(merged.map(serializeTrafficRequest)).toEqual(generated.map(serializeTrafficRequest))
    expect(segments.reduce((sum, s) => sum + s.length, 0)).toBe(generated.length)
    const ids = new Set(segments.flat().map((r) => r.id))
    expect(ids.size).toBe(generated.length)
    const sizes = segments.map((s) => s.length)
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    const means = segments.map((s) => s.reduce((sum, r) => sum + r.offsetMs, 0) / s.length)
    expect(Math.max(...means) - Math.min(...means)).toBeLessThan(60_000)
    for (const segment of segments) for (let i = 1; i < segment.length; i++) expect((segment[i] as TrafficRequest).offsetMs).toBeGreaterThanOrEqual((segment[i - 1] as TrafficRequest).offsetMs)
    expect((await collect((await readTraffic(path, { segment: { index: 1, count: 1 } })).requests)).length).toBe(generated.length)
  })
})

describe('malformed traffic files', () => {
  const header = JSON.stringify({ type: 'header', schemaVersion: 1, generator: 'llm-gauntlet', generatorVersion: '0.1.0', seed: 1, source: 'test', createdAt: '1970-01-01T00:00:00.000Z', requestCount: 2, spanMs: 20, encoding: 'o200k_base' })
  const line = (patch: Record<string, unknown>): string => JSON.stringify({ id: 'r1', offsetMs: 10, userId: 'u00001', task: 'chat', prompt: { task: 'chat', tokens: 5, seed: 1 }, inputTokens: 5, maxOutputTokens: 64, ...patch })
  const cases: [string, string, string, RegExp][] = [
    ['empty file', '', 'TRAFFIC_INVALID', /bad\.jsonl line 1: empty; a traffic file starts with a header line/],
    ['header not JSON', '{"type": header}\n', 'TRAFFIC_INVALID', /line 1: header is not valid JSON/],
    ['no header', `${line({})}\n`, 'TRAFFIC_INVALID', /line 1: header (field 'type'|unknown field)/],
    ['newer schema', `${header.replace('"schemaVersion":1', '"schemaVersion":9')}\n`, 'TRAFFIC_INVALID', /schemaVersion' is 9, newer than this tool reads/],
    ['request not JSON', `${header}\n${line({})}\n{oops\n`, 'TRAFFIC_INVALID', /bad\.jsonl line 3: request is not valid JSON/],
    ['bad offset', `${header}\n${line({})}\n${line({ id: 'r2', offsetMs: 'abc' })}\n`, 'TRAFFIC_INVALID', /bad\.jsonl line 3: field 'offsetMs' must be a non-negative number \(got "abc"\); regenerate the file or fix the line/],
    ['unsorted', `${header}\n${line({ offsetMs: 20 })}\n${line({ id: 'r2', offsetMs: 10 })}\n`, 'TRAFFIC_INVALID', /line 3: field 'offsetMs' is 10, earlier than the previous request's 20; requests must be sorted/],
    ['truncated', `${header}\n${line({})}\n`, 'TRAFFIC_INVALID', /header says 2 requests but the file has 1; the file is truncated/],
    ['unknown field', `${header}\n${line({})}\n${line({ id: 'r2', apiKey: 'sk-1' })}\n`, 'TRAFFIC_INVALID', /line 3: unknown field 'apiKey'; remove it/],
  ]
  it.each(cases)('%s', async (_, text, code, pattern) => {
    const file = join(dir, 'bad.jsonl')
    await writeFile(file, text)
    let caught: unknown
    try {
      await collect((await readTraffic(file)).requests)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(UserError)
    expect((caught as UserError).code).toBe(code)
    expect((caught as UserError).message).toMatch(pattern)
  })

  it('names a missing file and a bad segment', async () => {
    await expect(readTraffic(join(dir, 'nope.jsonl'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringMatching(/not found; create one with 'gauntlet traffic generate/) })
    await expect(readTraffic(path, { segment: { index: 5, count: 4 } })).rejects.toMatchObject({ code: 'USAGE_INVALID' })
    await expect(readTraffic(dir)).rejects.toMatchObject({ code: 'TRAFFIC_INVALID', message: expect.stringMatching(/is a directory/) })
  })

  it('accepts a file with zero requests', async () => {
    const file = join(dir, 'empty-traffic.jsonl')
    await writeAll(file, [])
    const { header, requests } = await readTraffic(file)
    expect(header.requestCount).toBe(0)
    expect(await collect(requests)).toEqual([])
  })
})
