// A run folder is a checkpoint: a run killed with SIGKILL mid-way is continued with --resume, and
// the folder then holds every request exactly once, with one summary over the whole run.
import { mkdtempSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Summary } from '../../results/summary.js'
import type { Sample } from '../../results/types.js'
import { killAfterLines, runCli } from '../helpers/cli.js'

// 200 requests over 4 s, each ~580 ms on the exact mock (200 ms + 19 × 20 ms).
const FLAGS = ['run', '--shape', 'rate=50,input=32,output=20,duration=4s', '--mock', 'exact', '--patience', 'off', '--quiet', '--no-report']

async function recordLines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '')
}

describe('run --resume', () => {
  it('continues a SIGKILLed run: every request recorded once, one summary, the gap noted', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-resume-')), 'run')
    const records = join(out, 'records.jsonl')
    const killed = await runCli([...FLAGS, '--out', out], { onSpawn: killAfterLines(records, 60) })
    expect(killed.signal).toBe('SIGKILL')
    const before = (await recordLines(records)).length - 1
    expect(before).toBeGreaterThan(55)
    expect(before).toBeLessThan(200)

    const resumed = await runCli([...FLAGS, '--resume', out])
    expect(resumed.code, resumed.stderr).toBe(0)
    const lines = await recordLines(records)
    const headers = lines.filter((line) => line.includes('"type":"header"'))
    expect(headers).toHaveLength(1)
    const samples = lines.slice(1).map((line) => JSON.parse(line) as Sample)
    const finals = samples.filter((sample) => sample.willRetry !== true).map((sample) => sample.requestId)
    expect(new Set(finals).size).toBe(finals.length)
    expect(finals).toHaveLength(200)
    expect(finals.sort()).toEqual(Array.from({ length: 200 }, (_, i) => `s${String(i).padStart(7, '0')}`))
    // Every record before the kill is still there, as it was.
    expect(samples.length).toBeGreaterThanOrEqual(200)
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
    expect(summary.partial).toBe(false)
    expect(summary.requests).toMatchObject({ scheduled: 200, completed: 200 })
    expect(summary.tokens.output).toBe(200 * 20)
    expect(summary.notes.join('\n')).toMatch(/resumed from .*: \d+ requests recorded before the stop/)
    // The time axis continues: the resumed part's sends are at their traffic offsets.
    expect(summary.latency.ttft_ms.p50 as number).toBeLessThan(260)
  })

  it('refuses a resume with other flags, or of a finished run, in one line', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-resume-')), 'done')
    const first = await runCli(['run', '--shape', 'rate=20,input=32,output=4,requests=4', '--mock', 'exact', '--quiet', '--no-report', '--out', out])
    expect(first.code, first.stderr).toBe(0)
    const finished = await runCli(['run', '--shape', 'rate=20,input=32,output=4,requests=4', '--mock', 'exact', '--quiet', '--resume', out])
    expect(finished.code).toBe(2)
    expect(finished.stderr).toMatch(/that run finished/)
    const missing = await runCli(['run', '--shape', 'rate=20,input=32,output=4,requests=4', '--mock', 'exact', '--quiet', '--resume', join(out, 'nope')])
    expect(missing.code).toBe(2)
    expect(missing.stderr.trim().split('\n')).toHaveLength(1)
    expect(missing.stderr).toMatch(/no records\.jsonl there/)
    // A summary.json cut or edited by hand: one line, not a stack trace.
    const { writeFile } = await import('node:fs/promises')
    await writeFile(join(out, 'summary.json'), '{oops')
    const corrupt = await runCli(['run', '--shape', 'rate=20,input=32,output=4,requests=4', '--mock', 'exact', '--quiet', '--resume', out])
    expect(corrupt.code).toBe(2)
    expect(corrupt.stderr.trim().split('\n')).toHaveLength(1)
    expect(corrupt.stderr).toMatch(/summary\.json there is not JSON; delete it to resume/)
    // A partial run (stopped by its time limit) resumed with another seed: not the same run.
    const partial = join(mkdtempSync(join(tmpdir(), 'gauntlet-resume-')), 'partial')
    const cut = await runCli(['run', '--shape', 'rate=20,input=32,output=4,requests=40', '--mock', 'exact', '--quiet', '--no-report', '--max-duration', '300ms', '--out', partial])
    expect(cut.code, cut.stderr).toBe(0)
    const other = await runCli(['run', '--shape', 'rate=20,input=32,output=4,requests=40', '--mock', 'exact', '--quiet', '--seed', '9', '--resume', partial])
    expect(other.code).toBe(2)
    expect(other.stderr).toMatch(/--seed differs from the recorded run \(1 then, 9 now\); give the same flags as the first run/)
  })
})
