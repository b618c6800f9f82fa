// A run whose records.jsonl cannot be written, with real OS errors and no full disk: records.jsonl
// a symlink to /dev/full (ENOSPC on every write), or a FIFO whose reader hangs up mid-run (EPIPE).
// One stderr line names the file, the errno and the fix; sends stop; summary.json still counts
// every request measured (or, when it cannot be written either, goes to stdout); exit 74.
import { spawnSync } from 'node:child_process'
import { createReadStream, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT_WRITE_FAILED } from '../../bin/exit-codes.js'
import type { Summary } from '../../results/summary.js'
import { runCli } from '../helpers/cli.js'

const SHAPE = ['--rate', '20', '--duration', '2s', '--input-tokens', '64', '--output-tokens', '8']
const linux = process.platform === 'linux'
const hasDevFull = linux && existsSync('/dev/full')
const hasMkfifo = linux && spawnSync('mkfifo', ['--version']).status === 0

function runFolder(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-write-failure-')), 'run')
  mkdirSync(out)
  return out
}

describe('records.jsonl write errors', () => {
  it.runIf(hasDevFull)('ENOSPC (/dev/full): one line with the fix, sends stop, summary.json kept and partial, exit 74', async () => {
    const out = runFolder()
    symlinkSync('/dev/full', join(out, 'records.jsonl'))
    const result = await runCli(['run', '--mock', 'instant', ...SHAPE, '--quiet', '--out', out])
    expect(result.code, result.stderr).toBe(EXIT_WRITE_FAILED)
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('gauntlet:'))
    expect(errors).toEqual([
      `gauntlet: cannot write ${join(out, 'records.jsonl')}: ENOSPC (no space left on device, write); free disk space or give another --out; stopping new sends, the summary is kept from memory`,
    ])
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
    expect(summary.partial).toBe(true)
    expect(summary.notes.some((note) => /^records\.jsonl could not be written \(ENOSPC/.test(note))).toBe(true)
    expect(summary.requests.scheduled).toBeLessThan(40)
    expect(existsSync(join(out, 'histograms.json'))).toBe(true)
    // The folder is on a failing disk: no report, and records.jsonl is not listed as a result.
    expect(existsSync(join(out, 'report.html'))).toBe(false)
    expect(result.stdout).toMatch(/^results in .* \(summary\.json, histograms\.json\)$/m)
  })

  it.runIf(hasDevFull)('and summary.json unwritable too (EISDIR): the summary JSON goes to stdout', async () => {
    const out = runFolder()
    symlinkSync('/dev/full', join(out, 'records.jsonl'))
    mkdirSync(join(out, 'summary.json'))
    const result = await runCli(['run', '--mock', 'instant', ...SHAPE, '--quiet', '--out', out])
    expect(result.code, result.stderr).toBe(EXIT_WRITE_FAILED)
    expect(result.stderr).toMatch(/^gauntlet: cannot write .*summary\.json: EISDIR .*`gauntlet run` prints the summary JSON to stdout instead: save it$/m)
    const json = result.stdout.slice(result.stdout.indexOf('\n{\n') + 1)
    const summary = JSON.parse(json) as Summary
    expect(summary.partial).toBe(true)
    expect(summary.notes.some((note) => note.startsWith('summary.json could not be written (EISDIR'))).toBe(true)
    expect(summary.notes.some((note) => note.startsWith('records.jsonl could not be written (ENOSPC'))).toBe(true)
  })

  it.runIf(hasMkfifo)('EPIPE mid-run (a FIFO whose reader hangs up): requests measured after the error are still counted', async () => {
    const out = runFolder()
    const fifo = join(out, 'records.jsonl')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    let received = ''
    const running = runCli(['run', '--mock', 'instant', ...SHAPE, '--quiet', '--no-report', '--out', out], {
      // Read the header and five records, then hang up: the run's next write gets EPIPE.
      onSpawn: () => {
        const reader = createReadStream(fifo, { encoding: 'utf8' })
        reader.on('data', (chunk) => {
          received += String(chunk)
          if (received.split('\n').length > 6) reader.destroy()
        })
      },
    })
    const result = await running
    expect(result.code, result.stderr).toBe(EXIT_WRITE_FAILED)
    expect(result.stderr).toMatch(/^gauntlet: cannot write .*records\.jsonl: EPIPE \(broken pipe, write\); check the disk or give another --out; stopping new sends/m)
    const recorded = received.split('\n').filter((line) => line.startsWith('{"requestId"')).length
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
    expect(recorded).toBeGreaterThanOrEqual(5)
    expect(summary.partial).toBe(true)
    // Every request measured is in the summary, including those whose records were lost.
    expect(summary.requests.completed).toBeGreaterThan(recorded)
    expect(summary.requests.scheduled).toBeLessThan(40)
  })
})
