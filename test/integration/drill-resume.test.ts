// A weekend drill survives its host: killed with SIGKILL mid-way and continued with --resume, the
// folder holds every request once and drill.json judges the phases over the whole drill.
import { mkdtempSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DrillDocument } from '../../results/drill/index.js'
import type { Summary } from '../../results/summary.js'
import type { Sample } from '../../results/types.js'
import { killAfterLines, runCli } from '../helpers/cli.js'

const FLAGS = ['drill', '--mock', 'fast', '--employees', '200000', '--time-scale', '360', '--seed', '5', '--quiet']

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '')
}

describe('drill --resume', () => {
  it('continues a killed drill: every request once, phases judged over the whole drill', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-drill-resume-')), 'drill')
    const records = join(out, 'records.jsonl')
    const killed = await runCli([...FLAGS, '--out', out], { timeoutMs: 90_000, onSpawn: killAfterLines(records, 60) })
    expect(killed.signal).toBe('SIGKILL')
    const resumed = await runCli([...FLAGS, '--resume', out], { timeoutMs: 90_000 })
    expect([0, 99], resumed.stderr).toContain(resumed.code)
    const samples = (await lines(records)).slice(1).map((line) => JSON.parse(line) as Sample)
    const finals = samples.filter((sample) => sample.willRetry !== true).map((sample) => sample.requestId)
    expect(new Set(finals).size).toBe(finals.length)
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
    expect(summary.requests.scheduled).toBe(finals.length)
    expect(summary.notes.join('\n')).toMatch(/resumed from/)
    const drill = JSON.parse(await readFile(join(out, 'drill.json'), 'utf8')) as DrillDocument
    // Every phase of the timeline is judged, with the requests of both parts in it.
    const phaseRequests = Object.values(summary.phases).reduce((sum, phase) => sum + phase.requests, 0)
    expect(phaseRequests).toBe(finals.length)
    expect(drill.phases.length).toBeGreaterThan(3)
    // The drill's own notes and its terminal summary say it was resumed, and from where.
    expect(drill.notes[0]).toMatch(/^resumed from /)
    expect(drill.run.resumedFrom).toBe(out)
    expect(resumed.stdout).toMatch(/- resumed from .*requests recorded before the stop/)
    // The same drill never killed has exactly the same requests: none lost, none twice.
    const whole = join(mkdtempSync(join(tmpdir(), 'gauntlet-drill-whole-')), 'drill')
    const uninterrupted = await runCli([...FLAGS, '--out', whole], { timeoutMs: 90_000 })
    expect([0, 99], uninterrupted.stderr).toContain(uninterrupted.code)
    const wholeIds = (await lines(join(whole, 'records.jsonl'))).slice(1).map((line) => JSON.parse(line) as Sample).filter((sample) => sample.willRetry !== true).map((sample) => sample.requestId)
    expect([...finals].sort()).toEqual(wholeIds.sort())
  }, 180_000)
})
