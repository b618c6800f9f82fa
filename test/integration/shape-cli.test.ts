// `run --shape`: fixed-shape traffic in one line, against the mock's exact token accounting.
import { mkdtempSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Summary } from '../../results/summary.js'
import { runCli } from '../helpers/cli.js'

describe('gauntlet run --shape', () => {
  it('sends rate × duration requests of exactly the input and output tokens asked', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-shape-')), 'run')
    const result = await runCli(['run', '--shape', 'rate=40,input=64,output=8,duration=1s', '--mock', 'exact', '--quiet', '--no-report', '--out', out])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/results in .* \(summary\.json, records\.jsonl, histograms\.json\)$/m)
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
    expect(summary.requests).toMatchObject({ scheduled: 40, completed: 40 })
    // The mock counts the prompt it receives and streams the target: both exact.
    expect(summary.tokens).toMatchObject({ input: 40 * 64, output: 40 * 8, estimated_share: 0 })
    expect(summary.traffic.source).toBe('shape:rate=40,input=64,output=8,duration=1000ms,arrivals=constant')
    // Evenly spaced at 25 ms: sent on time against the exact mock.
    expect(summary.latency.schedule_lag_ms.p50 as number).toBeLessThan(20)
  })

  it('rejects --shape beside --preset, and a bad spec, in one line', async () => {
    const both = await runCli(['run', '--shape', 'rate=1,input=64,output=8,requests=1', '--preset', 'peak-hour', '--mock', 'exact', '--quiet'])
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/--shape and --preset both given/)
    const bad = await runCli(['run', '--shape', 'rate=1,input=64', '--mock', 'exact', '--quiet'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toMatch(/output missing/)
  })
})
