// Results files on a failing disk, with real OS errors: the jsonl sink on /dev/full (every write
// is ENOSPC) tells its owner once and then drops quietly; the records guard reports one line,
// stops sends and notes it; the end-of-run files report, note and return a failure, never throw.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeRunFiles } from '../../../results/run-files.js'
import { createJsonlSink } from '../../../results/sinks/jsonl.js'
import { createRecordsGuard } from '../../../results/sinks/records-guard.js'
import { formatWriteFailure, writeFailureOf } from '../../../results/sinks/write-failure.js'
import type { Summary } from '../../../results/summary.js'
import type { RunInfo, Sample } from '../../../results/types.js'

const RUN: RunInfo = { runId: 'run-1', name: 'test', startedAt: '2025-01-01T00:00:00.000Z', config: {} }
const sample = (i: number): Sample => ({ requestId: `r${i}`, attempt: 1, userId: 'u', task: 'chat', outcome: 'ok', scheduledAtMs: i })
const hasDevFull = process.platform === 'linux' && existsSync('/dev/full')

describe.runIf(hasDevFull)('jsonl sink on /dev/full', () => {
  it('tells onFailure once with ENOSPC, then drops records and stops without throwing', async () => {
    const failures: Error[] = []
    const sink = createJsonlSink({ path: '/dev/full', onFailure: (error) => void failures.push(error) })
    await sink.start?.(RUN)
    await expect.poll(() => failures.length).toBe(1)
    expect((failures[0] as NodeJS.ErrnoException).code).toBe('ENOSPC')
    for (let i = 0; i < 100; i++) expect(() => sink.record(sample(i))).not.toThrow()
    await expect(sink.stop?.()).resolves.toBeUndefined()
    expect(failures).toHaveLength(1)
  })

  it('without onFailure still throws the write error, from record() or stop()', async () => {
    const sink = createJsonlSink({ path: '/dev/full' })
    await sink.start?.(RUN)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(() => sink.record(sample(1))).toThrow(/ENOSPC/)
    await expect(sink.stop?.()).rejects.toThrow(/ENOSPC/)
  })
})

describe('records guard', () => {
  const error = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })

  it('reports one line naming the file, the errno and the fix, and stops sends once', () => {
    const lines: string[] = []
    let stops = 0
    const guard = createRecordsGuard('/runs/a/records.jsonl', (line) => void lines.push(line))
    guard.onFailure(() => stops++)
    expect(guard.notes()).toEqual([])
    guard.fail(error)
    guard.fail(error)
    expect(stops).toBe(1)
    expect(lines).toEqual([
      'gauntlet: cannot write /runs/a/records.jsonl: ENOSPC (no space left on device, write); free disk space or give another --out; stopping new sends, the summary is kept from memory',
    ])
    expect(guard.failure).toMatchObject({ file: 'records', code: 'ENOSPC' })
    expect(guard.notes()[0]).toMatch(/^records\.jsonl could not be written \(ENOSPC: no space left on device, write\): new sends were stopped; .*counts every request measured/)
  })

  it('stops at once when the failure came before the run could listen', () => {
    const guard = createRecordsGuard('records.jsonl', () => undefined)
    guard.fail(error)
    let stops = 0
    guard.onFailure(() => stops++)
    expect(stops).toBe(1)
  })

  it.each([
    ['ENOSPC', 'free disk space or give another --out'],
    ['EACCES', 'make the folder writable or give another --out'],
    ['EIO', 'check the disk or give another --out'],
  ])('gives %s its fix', (code, fix) => {
    expect(formatWriteFailure(writeFailureOf('records', 'r.jsonl', Object.assign(new Error(`${code}: failed`), { code })))).toBe(`cannot write r.jsonl: ${code} (failed); ${fix}`)
  })
})

describe('end-of-run files', () => {
  const summary = (): Summary => ({ notes: [] as string[], partial: false }) as unknown as Summary

  it('writes both, returning no failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-files-'))
    expect(await writeRunFiles(dir, summary(), { a: 'x' }, () => undefined)).toEqual([])
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toMatchObject({ partial: false })
  })

  it('reports a summary.json that cannot be written (EISDIR), notes it and returns it, without throwing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-files-'))
    mkdirSync(join(dir, 'summary.json'))
    const lines: string[] = []
    const written = summary()
    const failures = await writeRunFiles(dir, written, {}, (line) => void lines.push(line))
    expect(failures).toMatchObject([{ file: 'summary', code: 'EISDIR', path: join(dir, 'summary.json') }])
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^gauntlet: cannot write .*summary\.json: EISDIR .*; check the disk or give another --out; `gauntlet run` prints the summary JSON to stdout instead/)
    expect(written.notes[0]).toMatch(/^summary\.json could not be written \(EISDIR/)
    expect(existsSync(join(dir, 'histograms.json'))).toBe(true)
  })
})
