// records.jsonl past its rotation size: closed segments gzipped beside it, each with the header,
// read back in order as one run (also after a resume and a crash mid-compression).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createJsonlSink, readRecords } from '../../../results/sinks/jsonl.js'
import { recordFiles } from '../../../results/sinks/record-files.js'
import type { RunInfo, Sample } from '../../../results/types.js'

const RUN = { runId: 'r1', name: 'rotation', startedAt: '2026-12-03T00:00:00.000Z', config: { seed: 1 } } as unknown as RunInfo

function sample(index: number): Sample {
  return { requestId: `req-${index}`, userId: 'u', task: 't', attempt: 1, scheduledAtMs: index, outcome: 'ok', ttftMs: 10 } as Sample
}

async function write(path: string, from: number, count: number, options: { append?: boolean } = {}): Promise<void> {
  const sink = createJsonlSink({ path, rotateBytes: 2_000, ...options })
  await sink.start?.(RUN)
  for (let i = from; i < from + count; i++) sink.record(sample(i))
  await sink.stop?.()
}

describe('records rotation', () => {
  it('closes records.jsonl past the size into gzipped segments that read back as one run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-rotation-'))
    const path = join(dir, 'records.jsonl')
    await write(path, 0, 100)
    const names = readdirSync(dir).sort()
    expect(names.filter((name) => name.endsWith('.jsonl.gz')).length).toBeGreaterThanOrEqual(3)
    expect(names.some((name) => /^records-\d{4}\.jsonl$/.test(name))).toBe(false)
    expect(names.some((name) => name.endsWith('.partial'))).toBe(false)
    // Every segment starts with the run's header and holds about the rotation size.
    const first = gunzipSync(readFileSync(join(dir, 'records-0001.jsonl.gz'))).toString('utf8')
    expect(JSON.parse(first.split('\n')[0] as string)).toMatchObject({ type: 'header', runId: 'r1' })
    expect(first.length).toBeGreaterThanOrEqual(2_000)
    expect(first.length).toBeLessThan(2_000 + 200)
    const { header, samples, tornLines } = await readRecords(path)
    expect(header).toMatchObject({ type: 'header', runId: 'r1' })
    expect(samples.map((s) => s.requestId)).toEqual(Array.from({ length: 100 }, (_, i) => `req-${i}`))
    expect(tornLines).toBe(0)
  })

  it('a resumed run continues the numbering and the header; a plain segment beside a partial .gz is read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-rotation-'))
    const path = join(dir, 'records.jsonl')
    await write(path, 0, 40)
    const before = recordFiles(path).length
    await write(path, 40, 40, { append: true })
    expect(recordFiles(path).length).toBeGreaterThan(before)
    const last = recordFiles(path).at(-2) as string
    expect(JSON.parse(gunzipSync(readFileSync(last)).toString('utf8').split('\n')[0] as string)).toMatchObject({ type: 'header', runId: 'r1' })
    // A crash between writing the plain segment and finishing its .gz: the plain one counts.
    const plain = join(dir, 'records-0001.jsonl')
    writeFileSync(plain, gunzipSync(readFileSync(`${plain}.gz`)))
    writeFileSync(`${plain}.gz`, Buffer.from([0x1f, 0x8b]))
    expect(recordFiles(path)[0]).toBe(plain)
    const { samples } = await readRecords(path)
    expect(samples.map((s) => s.requestId)).toEqual(Array.from({ length: 80 }, (_, i) => `req-${i}`))
  })

  it('without a rotation size, one file as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-rotation-'))
    const path = join(dir, 'records.jsonl')
    const sink = createJsonlSink({ path })
    await sink.start?.(RUN)
    for (let i = 0; i < 100; i++) sink.record(sample(i))
    await sink.stop?.()
    expect(readdirSync(dir)).toEqual(['records.jsonl'])
  })

  it('a resume after a kill mid-line cuts the torn line, or ends a whole last line, before appending', async () => {
    for (const [tail, kept] of [['{"requestId":"req-5","outc', 5], [JSON.stringify(sample(5)), 6]] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'gauntlet-rotation-'))
      const path = join(dir, 'records.jsonl')
      await write(path, 0, 5)
      writeFileSync(path, readFileSync(path, 'utf8') + tail)
      await write(path, 10, 2, { append: true })
      const { samples, tornLines } = await readRecords(path)
      expect(tornLines).toBe(0)
      expect(samples).toHaveLength(kept + 2)
      expect(samples.at(-1)?.requestId).toBe('req-11')
    }
  })

  it('a resume when the kill came between a rotation and the new file starts records.jsonl with the header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-rotation-'))
    const path = join(dir, 'records.jsonl')
    await write(path, 0, 30)
    const { rmSync } = await import('node:fs')
    rmSync(path)
    await write(path, 30, 2, { append: true })
    expect(JSON.parse(readFileSync(path, 'utf8').split('\n')[0] as string)).toMatchObject({ type: 'header', runId: 'r1' })
    const { samples } = await readRecords(path)
    expect(samples.map((s) => s.requestId).slice(-2)).toEqual(['req-30', 'req-31'])
  })
})
