// `gauntlet traffic ...` through commander, as the CLI runs it: byte-identical files for a seed,
// the profile on stderr, inspect, import, segments, and user errors with their codes.
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError } from 'commander'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getTrafficCommand, register, type CommandOutput } from '../../bin/commands/traffic.js'
import { UserError } from '../../core/errors.js'
import { readTraffic } from '../../load/traffic.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/traces/', import.meta.url))
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gauntlet-traffic-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function gauntlet(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' }
  const output: CommandOutput = { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } }
  const program = new Command().name('gauntlet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} })
  register(program, () => {}, output)
  await program.parseAsync(['node', 'gauntlet', ...args])
  return out
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex')
}

describe('gauntlet traffic generate', () => {
  it('writes byte-identical files for the same seed, and prints the profile first', async () => {
    const a = join(dir, 'a.jsonl')
    const b = join(dir, 'b.jsonl')
    const c = join(dir, 'c.jsonl')
    const first = await gauntlet('traffic', 'generate', '--preset', 'peak-hour', '--employees', '10000', '--seed', '7', '--out', a)
    await gauntlet('traffic', 'generate', '--preset', 'peak-hour', '--employees', '10000', '--seed', '7', '--out', b)
    await gauntlet('traffic', 'generate', '--preset', 'peak-hour', '--employees', '10000', '--seed', '8', '--out', c)
    expect(await sha256(a)).toBe(await sha256(b))
    expect(await sha256(c)).not.toBe(await sha256(a))
    expect(first.stderr).toMatch(/traffic profile: [\d,]+ requests from [\d,]+ users over 60\.0 min/)
    expect(first.stderr).toMatch(/rate per minute: mean [\d.]+, peak \d+/)
    expect(first.stderr).toMatch(/summarize-document +\d+\.\d%/)
    expect(first.stderr).toMatch(/time zones: UTC-08:00 [\d.]+%, UTC-05:00/)
    expect(first.stderr.indexOf('traffic profile')).toBeLessThan(first.stderr.indexOf('wrote '))
    const { header } = await readTraffic(a)
    expect(header.seed).toBe(7)
    expect(header.createdAt).toBe('1970-01-01T00:00:00.000Z')
    const other = (await readTraffic(c)).header
    expect(Math.abs(header.requestCount - other.requestCount)).toBeLessThan(4.5 * Math.sqrt(2 * header.requestCount))
  })

  it('honours window, time scale, max requests and dry run', async () => {
    const out = join(dir, 'w.jsonl')
    await gauntlet('traffic', 'generate', '--preset', 'workday', '--employees', '300', '--seed', '2', '--window', '9-11', '--time-scale', '60', '--max-requests', '500', '--out', out)
    const { header } = await readTraffic(out)
    expect(header.requestCount).toBe(500)
    expect(header.spanMs).toBeLessThanOrEqual(120_000)
    expect(header.parameters).toMatchObject({ window: { startHours: 9, endHours: 11 }, timeScale: 60, maxRequests: 500 })
    const dry = await gauntlet('traffic', 'generate', '--preset', 'weekend', '--employees', '1000', '--dry-run')
    expect(dry.stderr).toMatch(/traffic profile: [\d,]+ requests/)
    expect(dry.stderr).not.toMatch(/wrote/)
  })

  it('fails with one clear error, leaving no partial file', async () => {
    const out = join(dir, 'never.jsonl')
    await expect(gauntlet('traffic', 'generate', '--preset', 'rush-hour', '--out', out)).rejects.toBeInstanceOf(CommanderError)
    await expect(gauntlet('traffic', 'generate', '--preset', 'workday')).rejects.toMatchObject({ code: 'USAGE_INVALID', message: expect.stringMatching(/needs --out FILE/) })
    await expect(gauntlet('traffic', 'generate', '--preset', 'workday', '--employees', 'many', '--out', out)).rejects.toBeInstanceOf(UserError)
    await expect(gauntlet('traffic', 'generate', '--preset', 'workday', '--window', '23-30', '--out', out)).rejects.toMatchObject({ code: 'USAGE_INVALID' })
    await expect(gauntlet('traffic', 'generate', '--preset', 'workday', '--model', join(dir, 'missing.json'), '--out', out)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
    await expect(gauntlet('traffic', 'generate', '--preset', 'workday', '--encoding', 'gpt2', '--out', out)).rejects.toMatchObject({ code: 'USAGE_INVALID', message: expect.stringMatching(/--encoding 'gpt2'/) })
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('gauntlet traffic import and inspect', () => {
  it('imports an Azure trace and inspects it, also by segment', async () => {
    const out = join(dir, 'azure.jsonl')
    const imported = await gauntlet('traffic', 'import', '--format', 'azure', join(FIXTURES, 'azure-conv-sample.csv'), '--out', out)
    expect(imported.stderr).toMatch(/importing azure trace .*: 40 rows/)
    const inspected = await gauntlet('traffic', 'inspect', out)
    expect(JSON.parse(inspected.stdout.slice(0, inspected.stdout.indexOf('\n}') + 2))).toMatchObject({ type: 'header', requestCount: 40, source: 'azure:azure-conv-sample.csv' })
    expect(inspected.stdout).toMatch(/traffic profile: 40 requests/)
    const segment = await gauntlet('traffic', 'inspect', out, '--segment', '2/4')
    expect(segment.stdout).toMatch(/traffic profile, segment 2\/4: 10 requests/)
  })

  it('imports Mooncake with jitter and refuses options that do not apply', async () => {
    const out = join(dir, 'mooncake.jsonl')
    await gauntlet('traffic', 'import', '--format', 'mooncake', '--jitter', join(FIXTURES, 'mooncake-sample.jsonl'), '--out', out)
    expect((await readTraffic(out)).header.parameters).toMatchObject({ jitter: true, jitteredRows: 5 })
    await expect(gauntlet('traffic', 'import', '--format', 'azure', '--jitter', join(FIXTURES, 'azure-conv-sample.csv'), '--out', out)).rejects.toMatchObject({ code: 'USAGE_INVALID' })
    await expect(gauntlet('traffic', 'import', '--format', 'burstgpt', 'x.csv', '--out', out)).rejects.toBeInstanceOf(CommanderError)
    await expect(gauntlet('traffic', 'inspect', join(dir, 'nothing.jsonl'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
  })

  it('imports a ServeGen profile with its dataset', async () => {
    const out = join(dir, 'servegen.jsonl')
    await gauntlet('traffic', 'import', '--format', 'servegen', join(FIXTURES, 'servegen-sample-trace.csv'), '--window', '0-20m', '--out', out)
    const { header } = await readTraffic(out)
    expect(header.parameters).toMatchObject({ dataset: 'servegen-sample-dataset.json' })
    expect(header.requestCount).toBeGreaterThan(2000)
  })
})

describe('the traffic command hook', () => {
  it('lets another module add a subcommand to the same `traffic` command', () => {
    const program = new Command()
    register(program, () => {})
    const traffic = getTrafficCommand(program)
    traffic.command('mutate')
    expect(program.commands.filter((command) => command.name() === 'traffic')).toHaveLength(1)
    expect(traffic.commands.map((command) => command.name())).toEqual(['generate', 'import', 'inspect', 'mutate'])
    const early = new Command()
    getTrafficCommand(early).command('mutate')
    register(early, () => {})
    expect(getTrafficCommand(early).commands.map((command) => command.name())).toEqual(['mutate', 'generate', 'import', 'inspect'])
  })
})
