// records.jsonl rotated by --records-max-mb as users meet it (the built CLI): a run SIGKILLed
// after its first segments is resumed, and resume, export and the workers' merge each see every
// request exactly once across the gzipped segments and the live file; a bad size is one line.
import { mkdtempSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { readRecords } from '../../results/sinks/jsonl.js'
import type { Summary } from '../../results/summary.js'
import { expectOneLine, runCli } from '../helpers/cli.js'

// 200 requests over 4 s on the exact mock; ~10 KB segments hold ~25 records each.
const FLAGS = ['run', '--shape', 'rate=50,input=32,output=20,duration=4s', '--mock', 'exact', '--patience', 'off', '--quiet', '--no-report', '--records-max-mb', '0.01']
const SEGMENT = /^records-\d{4}\.jsonl\.gz$/

const segmentsIn = (dir: string): string[] => readdirSync(dir).filter((name) => SEGMENT.test(name)).sort()

describe('records rotation (CLI)', () => {
  it('a rotated run killed with SIGKILL resumes; resume, export and the summary see all 200 requests once', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-rotate-')), 'run')
    const killed = await runCli([...FLAGS, '--out', out], {
      onSpawn: (child) => {
        const timer = setInterval(() => {
          const found = (() => {
            try {
              return segmentsIn(out).length
            } catch {
              return 0
            }
          })()
          if (found >= 2) {
            clearInterval(timer)
            child.kill('SIGKILL')
          }
        }, 20)
        child.on('close', () => clearInterval(timer))
      },
    })
    expect(killed.signal).toBe('SIGKILL')
    const resumed = await runCli([...FLAGS, '--resume', out])
    expect(resumed.code, resumed.stderr).toBe(0)

    const segments = segmentsIn(out)
    expect(segments.length).toBeGreaterThanOrEqual(4)
    expect(readdirSync(out).some((name) => name.endsWith('.partial'))).toBe(false)
    // Each segment is a records file on its own: the run's header first.
    for (const name of segments) {
      const first = gunzipSync(await readFile(join(out, name))).toString('utf8').split('\n')[0] as string
      expect(JSON.parse(first)).toMatchObject({ type: 'header' })
    }
    const { samples, tornLines } = await readRecords(join(out, 'records.jsonl'))
    expect(tornLines).toBe(0)
    const finals = samples.filter((sample) => sample.willRetry !== true).map((sample) => sample.requestId)
    expect(new Set(finals).size).toBe(finals.length)
    expect(finals.sort()).toEqual(Array.from({ length: 200 }, (_, i) => `s${String(i).padStart(7, '0')}`))
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
    expect(summary.requests).toMatchObject({ scheduled: 200, completed: 200 })
    expect(summary.tokens.output).toBe(200 * 20)

    const exported = await runCli(['export', out, '--format', 'csv'])
    expect(exported.code, exported.stderr).toBe(0)
    const rows = parse(await readFile(join(out, 'export', 'records.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(rows).toHaveLength(samples.length)
  })

  it('--workers 2: the merged records.jsonl rotates too and holds every worker record once', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-rotate-')), 'two')
    const result = await runCli(['run', '--shape', 'rate=50,input=32,output=4,requests=120', '--mock', 'exact', '--quiet', '--no-report', '--records-max-mb', '0.01', '--workers', '2', '--out', out], { timeoutMs: 120_000 })
    expect(result.code, result.stderr).toBe(0)
    expect(segmentsIn(out).length).toBeGreaterThanOrEqual(2)
    const { header, samples } = await readRecords(join(out, 'records.jsonl'))
    expect(header).toMatchObject({ type: 'header' })
    const ids = samples.map((sample) => sample.requestId)
    expect(new Set(ids).size).toBe(120)
    expect(ids).toHaveLength(120)
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
    expect(summary.requests.completed).toBe(120)
  })

  it('a size that is not a number is one line naming the flag', async () => {
    expectOneLine(await runCli(['run', '--shape', 'rate=20,input=32,output=4,requests=4', '--mock', 'exact', '--quiet', '--records-max-mb', 'big']), /--records-max-mb/)
  })
})
