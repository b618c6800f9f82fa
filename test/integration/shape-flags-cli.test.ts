// The flag form of a fixed shape, end to end through the built CLI: `traffic generate --rate ...`
// writes the --shape generator's lines, `run --rate ...` and `run --concurrency ...` against the
// instant mock count exactly, a closed-loop file runs closed, and conflicts are one line (exit 2).
import { mkdtempSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { countMessageTokens } from '../../chaos/inputs/messages.js'
import type { TrafficHeader, TrafficRequest } from '../../core/traffic-types.js'
import { expandMessages } from '../../load/traffic.js'
import { parseShape, shapeRequests } from '../../load/workload/shape.js'
import type { Summary } from '../../results/summary.js'
import { expectOneLine, runCli } from '../helpers/cli.js'

const folder = (): string => mkdtempSync(join(tmpdir(), 'gauntlet-shape-flags-'))

async function readLines(path: string): Promise<{ header: TrafficHeader; requests: TrafficRequest[] }> {
  const [first, ...rest] = (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '')
  return { header: JSON.parse(first as string) as TrafficHeader, requests: rest.map((line) => JSON.parse(line) as TrafficRequest) }
}

async function summaryOf(out: string): Promise<Summary> {
  return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
}

async function scheduleOf(out: string): Promise<unknown> {
  const header = JSON.parse((await readFile(join(out, 'records.jsonl'), 'utf8')).split('\n')[0] as string) as { config: { schedule: unknown } }
  return header.config.schedule
}

describe('gauntlet traffic generate --rate ...', () => {
  it('writes rate × duration requests, evenly spaced, each prompt exactly the input tokens', async () => {
    const out = join(folder(), 'shape.jsonl')
    const result = await runCli(['traffic', 'generate', '--rate', '20', '--duration', '2s', '--input-tokens', '100', '--output-tokens', '10', '--arrivals', 'constant', '--out', out])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/wrote 40 requests to /)
    const { header, requests } = await readLines(out)
    expect(header).toMatchObject({ source: 'shape:rate=20,input=100,output=10,duration=2000ms,arrivals=constant', requestCount: 40, spanMs: 1950, seed: 1 })
    expect(requests).toHaveLength(40)
    expect(requests.map((request) => request.offsetMs)).toEqual(Array.from({ length: 40 }, (_, k) => k * 50))
    for (const request of requests) {
      expect(request).toMatchObject({ inputTokens: 100, maxOutputTokens: 10, targetOutputTokens: 10 })
      expect(countMessageTokens(expandMessages(request), 'o200k_base')).toBe(100)
    }
    // The same generator as `run --shape`: the same seed, the same lines.
    expect(requests).toEqual([...shapeRequests(parseShape('rate=20,input=100,output=10,duration=2s'), 1)])
  })

  it('writes a closed loop for --concurrency, which run then sends with --users C', async () => {
    const dir = folder()
    const file = join(dir, 'closed.jsonl')
    const generated = await runCli(['traffic', 'generate', '--concurrency', '4', '--requests', '20', '--input-tokens', '64', '--output-tokens', '8', '--out', file])
    expect(generated.code, generated.stderr).toBe(0)
    expect(generated.stderr).toContain(`closed loop: 'gauntlet run --traffic ${file}' sends it with --users 4`)
    const { header, requests } = await readLines(file)
    expect(header.parameters?.['schedule']).toEqual({ type: 'closed', users: 4, thinkTimeMs: 0 })
    expect(requests.every((request) => request.offsetMs === 0)).toBe(true)
    const out = join(dir, 'run')
    const result = await runCli(['run', '--traffic', file, '--mock', 'instant', '--quiet', '--no-report', '--out', out])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toContain(`${file} asks for --users 4 (its header); running it so (give --users N to change)`)
    expect(await scheduleOf(out)).toEqual({ type: 'closed', users: 4, thinkTimeMs: 0 })
    expect((await summaryOf(out)).requests).toMatchObject({ scheduled: 20, completed: 20 })
  })

  it('rejects preset flags beside shape flags, in one line', async () => {
    expectOneLine(
      await runCli(['traffic', 'generate', '--preset', 'peak-hour', '--rate', '5', '--duration', '1s', '--input-tokens', '64', '--output-tokens', '8', '--out', join(folder(), 'x.jsonl')]),
      /^gauntlet: --preset \(--preset traffic\) and --rate, --duration, --input-tokens, --output-tokens \(a fixed shape\) both given; drop one side/,
    )
  })
})

describe('gauntlet run --rate ... (no traffic file)', () => {
  it('sends the shape against mock:instant with exact counts, as the matching --shape', async () => {
    const out = join(folder(), 'run')
    const result = await runCli(['run', '--target', 'mock:instant', '--rate', '50', '--duration', '2s', '--input-tokens', '512', '--output-tokens', '128', '--quiet', '--no-report', '--out', out])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^requests {4}100 due, 100 sent, 100 ok$/m)
    const summary = await summaryOf(out)
    expect(summary.requests).toMatchObject({ scheduled: 100, sent: 100, completed: 100 })
    expect(summary.tokens).toMatchObject({ input: 100 * 512, output: 100 * 128, estimated_share: 0 })
    expect(summary.traffic.source).toBe('shape:rate=50,input=512,output=128,duration=2000ms,arrivals=constant')
  })

  it('runs --concurrency 4 --requests 20 closed: 20 requests, 4 virtual users', async () => {
    const out = join(folder(), 'run')
    const result = await runCli(['run', '--target', 'mock:instant', '--concurrency', '4', '--requests', '20', '--input-tokens', '64', '--output-tokens', '8', '--quiet', '--no-report', '--out', out])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/traffic: 20 requests sent by the closed schedule: 4 virtual users/)
    expect((await summaryOf(out)).requests).toMatchObject({ scheduled: 20, completed: 20 })
    expect((await summaryOf(out)).tokens).toMatchObject({ input: 20 * 64, output: 20 * 8 })
    expect(await scheduleOf(out)).toEqual({ type: 'closed', users: 4, thinkTimeMs: 0 })
  })

  it('rejects conflicting inputs in one line naming the flags and the fix', async () => {
    const dir = folder()
    const file = join(dir, 'f.jsonl')
    expect((await runCli(['traffic', 'generate', '--rate', '5', '--requests', '5', '--input-tokens', '32', '--output-tokens', '4', '--out', file])).code).toBe(0)
    const sizes = ['--input-tokens', '64', '--output-tokens', '8']
    expectOneLine(await runCli(['run', '--mock', 'instant', '--traffic', file, '--rate', '5', '--duration', '1s', ...sizes]), /^gauntlet: --traffic and --rate, --duration, --input-tokens, --output-tokens both given: .*drop --traffic or the shape flags$/)
    expectOneLine(await runCli(['run', '--mock', 'instant', '--preset', 'peak-hour', '--rate', '5']), /^gauntlet: --preset and --rate both given/)
    expectOneLine(await runCli(['run', '--mock', 'instant', '--rate', '5', '--concurrency', '2', '--requests', '4', ...sizes]), /^gauntlet: --rate and --concurrency both given: .*give one$/)
    expectOneLine(await runCli(['run', '--mock', 'instant', '--rate', '5', ...sizes]), /^gauntlet: --rate needs --duration D or --requests N \(how long, or how many\); e\.g\. --rate 50 --duration 60s/)
  })
})
