// `gauntlet drill --baseline`: two short drills against the embedded mock, the second with the
// vendor 400 ms slower in its baseline phase; drift flags latency and nothing else. Also the
// one-line errors for a missing baseline folder and a bad timeline.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DrillDocument } from '../../results/drill/index.js'
import { runCli, type CliResult } from '../helpers/cli.js'


function gauntlet(args: string[], _workDir: string, timeoutMs = 90_000): Promise<CliResult> {
  return runCli(args, { timeoutMs })
}

function timeline(baselineFaults: unknown[]): unknown {
  return {
    name: 'drift-check',
    phases: [
      { name: 'baseline', fromS: 0, toS: 9, faults: baselineFaults },
      { name: 'tail', fromS: 9, toS: 11 },
    ],
  }
}

describe('gauntlet drill --baseline: drift against the last drill', () => {
  let dir: string
  let first: CliResult
  let second: CliResult
  let drill: DrillDocument

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gauntlet-drift-'))
    await writeFile(join(dir, 'calm.json'), JSON.stringify(timeline([])))
    // The vendor got slower: every response's headers 400 ms late.
    await writeFile(join(dir, 'slower.json'), JSON.stringify(timeline([{ type: 'latency', params: { latency: 400 } }])))
    const common = ['--mock', 'fast', '--employees', '60000', '--seed', '5', '--patience', 'off', '--drift', 'min=10', '--quiet', '--no-report']
    first = await gauntlet(['drill', ...common, '--timeline', join(dir, 'calm.json'), '--out', join(dir, 'last-week')], dir)
    if (first.code !== 0) throw new Error(`first drill exited ${first.code}: ${first.stderr}`)
    second = await gauntlet(['drill', ...common, '--timeline', join(dir, 'slower.json'), '--out', join(dir, 'this-week'), '--baseline', join(dir, 'last-week')], dir)
    drill = JSON.parse(await readFile(join(dir, 'this-week', 'drill.json'), 'utf8')) as DrillDocument
  }, 120_000)

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('flags the latency drift, and not the unchanged tokens, spend or errors', async () => {
    const before = JSON.parse(await readFile(join(dir, 'last-week', 'drill.json'), 'utf8')) as DrillDocument
    expect(drill.drift?.runId).toBe(before.run.runId)
    expect(drill.drift?.scope).toContain("baseline phases")
    const rows = Object.fromEntries((drill.drift?.rows ?? []).map((row) => [row.metric, row]))
    expect(rows['ttft_p95_ms']?.status).toBe('drift')
    expect(rows['ttft_p95_ms']?.now ?? 0).toBeGreaterThan(400)
    // The same seeded traffic, every request completed: the same tokens and spend per request.
    expect(rows['output_tokens_per_request']?.change).toBeCloseTo(0, 6)
    expect(rows['output_tokens_per_request']?.status).toBe('ok')
    expect(rows['spend_per_request_usd']?.status).toBe('ok')
    expect(rows['error_rate']?.status).toBe('ok')
    expect(drill.verdict.status).toBe('DEGRADED')
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/Drift since .*\n.*\n\s+TTFT p95\s+\S+ ms\s+\S+ ms\s+\+[\d.]+ %\s+\+20 %\s+DRIFT/)
  })

  it('a missing baseline folder or a bad timeline is a one-line error with exit 2', async () => {
    const missing = await gauntlet(['drill', '--mock', 'fast', '--timeline', join(dir, 'calm.json'), '--baseline', join(dir, 'nowhere'), '--quiet'], dir)
    expect(missing.code).toBe(2)
    expect(missing.stderr.trim().split('\n')).toHaveLength(1)
    expect(missing.stderr).toContain('--baseline: cannot read')
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ phases: [{ name: 'x', fromS: 5, toS: 1 }] }))
    const bad = await gauntlet(['drill', '--mock', 'fast', '--timeline', join(dir, 'bad.json'), '--quiet'], dir)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^gauntlet: .*bad\.json.*toS/)
  })
})
