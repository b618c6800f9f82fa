// `gauntlet run --workers N` as a user runs it (the built CLI, dist/): the compiled worker entry,
// one merged run folder with its report, the same requests as one thread, one-line usage errors.
import { existsSync, mkdtempSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readRecords } from '../../results/sinks/jsonl.js'
import type { Summary } from '../../results/summary.js'
import { runCli } from '../helpers/cli.js'

const QUICK = ['--preset', 'peak-hour', '--employees', '40', '--time-scale', '360', '--max-requests', '24', '--max-output-tokens', '20', '--mock', 'exact', '--quiet']

describe('gauntlet run --workers (CLI)', () => {
  it('--workers 2 --max-requests 24: one merged folder with a report, the same requests as one thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-workers-cli-'))
    const two = await runCli(['run', ...QUICK, '--workers', '2', '--out', join(dir, 'two')], { timeoutMs: 120_000 })
    expect(two.code, two.stderr).toBe(0)
    expect(two.stdout).toMatch(/over 2 workers/)
    const summary = JSON.parse(await readFile(join(dir, 'two', 'summary.json'), 'utf8')) as Summary
    expect(summary.requests.scheduled).toBe(24)
    expect(summary.client?.workers).toBe(2)
    expect(summary.notes.join('\n')).toMatch(/ran on 2 worker threads/)
    for (const file of ['records.jsonl', 'histograms.json', 'report.html', 'workers/1/summary.json', 'workers/2/summary.json']) {
      expect(existsSync(join(dir, 'two', file)), file).toBe(true)
    }
    const one = await runCli(['run', ...QUICK, '--no-report', '--out', join(dir, 'one')], { timeoutMs: 120_000 })
    expect(one.code, one.stderr).toBe(0)
    const ids = async (folder: string): Promise<string[]> => (await readRecords(join(dir, folder, 'records.jsonl'))).samples.map((s) => s.requestId).sort()
    const twoIds = await ids('two')
    expect(new Set(twoIds).size).toBe(24)
    expect(twoIds).toEqual(await ids('one'))
  })

  it('rejects a bad --workers with one line and exit 2, and documents it in --help', async () => {
    const bad = await runCli(['run', ...QUICK, '--workers', '0'])
    expect(bad.code, bad.stderr).toBe(2)
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/^gauntlet: --workers '0'/)
    const help = await runCli(['run', '--help'])
    expect(help.stdout).toMatch(/--workers <n\|auto>/)
  })
})
