// `gauntlet traffic from-files` through the built CLI: every reader, a bad file's one-line error
// (exit 2), --skip-bad, --dirty-rate tags, and byte-identical output for a seed.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { readTraffic } from '../../load/traffic.js'
import { runCli } from '../helpers/cli.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/messy-files', import.meta.url))
const fixture = (name: string): string => join(FIXTURES, name)

let folder: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gauntlet-from-files-'))
})

afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

async function requestsOf(path: string): Promise<TrafficRequest[]> {
  const requests: TrafficRequest[] = []
  for await (const request of (await readTraffic(path)).requests) requests.push(request)
  return requests
}

describe('traffic from-files', () => {
  it('a bad file stops the command with one line naming it; no traffic file is left', async () => {
    const out = join(folder, 'bad.jsonl')
    const result = await runCli(['traffic', 'from-files', fixture('latin1.csv'), fixture('bad/ragged.csv'), '--out', out])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(`gauntlet: ${fixture('bad/ragged.csv')}: not valid CSV (Invalid Record Length: expect 3, got 5 on line 3); fix the file or pass --skip-bad to leave it out\n`)
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('--skip-bad warns once per bad file and builds from the rest (every reader)', async () => {
    const out = join(folder, 'all.jsonl')
    const result = await runCli(['traffic', 'from-files', FIXTURES, '--out', out, '--skip-bad', '--questions-per-file', '3'])
    expect(result.code).toBe(0)
    const warnings = result.stderr.trim().split('\n')
    expect(warnings).toHaveLength(4)
    for (const name of ['fake.xlsx', 'not-records.json', 'ragged.csv', 'unclosed-quote.csv']) {
      expect(warnings.some((line) => line.startsWith('traffic from-files: skipped ') && line.includes(`bad/${name}: `))).toBe(true)
    }
    const requests = await requestsOf(out)
    const sources = new Set(requests.map((request) => request.source))
    for (const name of ['bom-semicolon.csv', 'events.jsonl', 'hosts.tsv', 'latin1.csv', 'notes.txt', 'quoted-multiline.csv', 'records.json', 'sheet.xlsx', 'pair/clean.csv', 'pair/dirty.csv']) {
      expect(sources.has(`messy-files/${name}`)).toBe(true)
    }
    const sheet = requests.filter((request) => request.source === 'messy-files/sheet.xlsx')
    expect(sheet.map((request) => request.expected?.answer).filter((answer) => answer !== undefined).length).toBe(3)
  })

  it('--dirty-rate dirties a copy with tagged kinds; the same seed gives the same bytes', async () => {
    const first = join(folder, 'dirty-1.jsonl')
    const second = join(folder, 'dirty-2.jsonl')
    const args = ['traffic', 'from-files', fixture('quoted-multiline.csv'), fixture('latin1.csv'), '--dirty-rate', '0.6', '--seed', '7', '--questions-per-file', '4']
    expect((await runCli([...args, '--out', first])).code).toBe(0)
    expect((await runCli([...args, '--out', second])).code).toBe(0)
    expect(await readFile(first, 'utf8')).toBe(await readFile(second, 'utf8'))
    const requests = await requestsOf(first)
    const clean = requests.filter((request) => request.variant === 'clean')
    const dirty = requests.filter((request) => request.variant === 'dirty')
    expect(dirty).toHaveLength(clean.length)
    // Same questions, same expected answers (from the clean table), over a dirtied table.
    expect(dirty.map((request) => request.expected)).toEqual(clean.map((request) => request.expected))
    expect(dirty.every((request) => request.source?.endsWith(' (dirtied)'))).toBe(true)
    const kinds = new Set(dirty.flatMap((request) => request.tags ?? []))
    expect([...kinds].every((tag) => /^malformed:(typos|mixed-dates|mojibake)$/u.test(tag))).toBe(true)
    expect(kinds.size).toBeGreaterThan(0)
    expect(dirty.some((request, index) => request.messages?.[1]?.content !== clean[index]?.messages?.[1]?.content.replace(/\.csv \(CSV/u, '.csv (dirtied) (CSV'))).toBe(true)
  })

  it('a missing path and a bad flag are one-line errors', async () => {
    const missing = await runCli(['traffic', 'from-files', join(folder, 'nope'), '--out', join(folder, 'x.jsonl')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^gauntlet: .*nope: not found; pass an existing folder or file\n$/u)
    const bad = await runCli(['traffic', 'from-files', FIXTURES, '--out', join(folder, 'x.jsonl'), '--dirty-rate', '2'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--dirty-rate/u)
  })
})
