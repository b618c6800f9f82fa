// `gauntlet traffic mutate` end to end: a traffic file written with the real writer, mutated by
// the command, read back with the real reader (which validates every line).
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { registerMutate } from '../../bin/commands/traffic-mutate.js'
import { malformedKinds } from '../../chaos/inputs/classify.js'
import { countMessageTokens } from '../../chaos/inputs/messages.js'
import { INPUT_KINDS } from '../../chaos/inputs/registry.js'
import { readTraffic } from '../../load/traffic.js'
import { createTrafficWriter } from '../../load/traffic-writer.js'
import type { TrafficRequest } from '../../core/traffic-types.js'

let folder: string
let input: string

async function runMutate(args: string[]): Promise<{ exitCode: number | undefined; stdout: string }> {
  const program = new Command().exitOverride()
  const traffic = program.command('traffic')
  let exitCode: number | undefined
  registerMutate(traffic, (code) => {
    exitCode = code
  })
  const writes: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk))
    return true
  })
  try {
    await program.parseAsync(['node', 'gauntlet', 'traffic', 'mutate', ...args])
  } finally {
    spy.mockRestore()
  }
  return { exitCode, stdout: writes.join('') }
}

async function readAll(path: string): Promise<{ header: Awaited<ReturnType<typeof readTraffic>>['header']; requests: TrafficRequest[] }> {
  const file = await readTraffic(path)
  const requests: TrafficRequest[] = []
  for await (const request of file.requests) requests.push(request)
  return { header: file.header, requests }
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gauntlet-mutate-'))
  input = join(folder, 'clean.jsonl')
  const writer = createTrafficWriter(input, {
    type: 'header',
    schemaVersion: 1,
    generator: 'test',
    generatorVersion: '0',
    seed: 5,
    source: 'preset:test',
    createdAt: '2024-03-05T00:00:00.000Z',
    encoding: 'o200k_base',
    parameters: { employees: 10 },
  })
  for (let i = 0; i < 80; i++) {
    const base = { id: `r${String(i).padStart(4, '0')}`, offsetMs: i * 250, userId: `u${i % 9}`, task: i % 2 === 0 ? 'chat' : 'write-email', maxOutputTokens: 256 }
    if (i % 2 === 0) {
      // A compact prompt spec: the mutator expands it through the traffic module.
      await writer.write({ ...base, prompt: { task: 'chat', tokens: 60 + i, seed: i }, inputTokens: 60 + i })
    } else {
      const messages = [
        { role: 'system' as const, content: 'You write short business e-mails.' },
        { role: 'user' as const, content: `Write to Contoso about invoice ${1000 + i}, which arrived on 2024-03-05 and is still open.` },
      ]
      await writer.write({ ...base, messages, inputTokens: countMessageTokens(messages, 'o200k_base') })
    }
  }
  await writer.close()
})

afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('gauntlet traffic mutate', () => {
  it('writes a valid, tagged, recounted traffic file with a mutate header', async () => {
    const out = join(folder, 'mutated.jsonl')
    const { exitCode, stdout } = await runMutate(['--in', input, '--out', out, '--rate', '0.5', '--seed', '9', '--kinds', 'typos,bom,dirty-table,empty-prompt'])
    expect(exitCode).toBe(0)
    const clean = await readAll(input)
    const { header, requests } = await readAll(out)
    expect(header.source).toBe('mutate:preset:test')
    expect(header.generator).toBe('gauntlet traffic mutate')
    expect(header.requestCount).toBe(80)
    expect(header.spanMs).toBe(clean.header.spanMs)
    expect(header.encoding).toBe('o200k_base')
    expect(header.parameters).toMatchObject({ rate: 0.5, seed: 9, kinds: ['dirty-table', 'typos', 'bom', 'empty-prompt'], kindsPerRequest: 1, input: { source: 'preset:test', seed: 5 } })
    expect(requests.map((request) => request.id)).toEqual(clean.requests.map((request) => request.id))

    const mutated = requests.filter((request) => malformedKinds(request.tags).length > 0)
    expect(mutated.length).toBeGreaterThan(20)
    expect(mutated.length).toBeLessThan(60)
    for (const request of mutated) {
      expect(request.prompt).toBeUndefined()
      expect(request.inputTokens).toBe(countMessageTokens(request.messages!, 'o200k_base'))
      if (malformedKinds(request.tags).includes('dirty-table')) expect(request.responseSchema).toBeDefined()
    }
    // Untouched requests are byte-for-byte what came in.
    const byId = new Map(clean.requests.map((request) => [request.id, request]))
    for (const request of requests.filter((request) => malformedKinds(request.tags).length === 0)) expect(request).toEqual(byId.get(request.id))

    // The printed tally is the file's truth.
    expect(stdout).toContain(`${mutated.length} of 80 requests mutated`)
    for (const kind of ['typos', 'bom', 'dirty-table', 'empty-prompt']) {
      const count = mutated.filter((request) => malformedKinds(request.tags).includes(kind)).length
      expect(stdout).toMatch(new RegExp(`\\n  ${kind} +${count}\\n`, 'u'))
    }
  })

  it('gives the same requests for the same seed', async () => {
    const first = join(folder, 'first.jsonl')
    const second = join(folder, 'second.jsonl')
    // Every kind, at sizes that keep the test quick.
    const args = ['--in', input, '--rate', '0.4', '--seed', '3', '--context-tokens', '4000', '--oversized-bytes', '200000', '--nesting-depth', '500']
    await runMutate([...args, '--out', first])
    await runMutate([...args, '--out', second])
    const body = async (path: string): Promise<string> => (await readFile(path, 'utf8')).split('\n').slice(1).join('\n')
    expect(await body(second)).toBe(await body(first))
    await runMutate([...args.slice(0, 4), '--seed', '4', ...args.slice(6), '--out', second])
    expect(await body(second)).not.toBe(await body(first))
  })

  it('round-trips every kind through the real writer and reader', async () => {
    const out = join(folder, 'every-kind.jsonl')
    const { exitCode } = await runMutate([
      '--in', input, '--out', out, '--rate', '1', '--seed', '11', '--kinds-per-request', '2',
      '--context-tokens', '2000', '--oversized-bytes', '100000', '--nesting-depth', '200',
    ])
    expect(exitCode).toBe(0)
    const { requests } = await readAll(out)
    const seen = new Set(requests.flatMap((request) => malformedKinds(request.tags)))
    expect([...seen].sort()).toEqual([...INPUT_KINDS].sort())
    for (const request of requests) expect(request.inputTokens).toBe(countMessageTokens(request.messages!, 'o200k_base'))
    // Lone surrogates travel as JSON escapes: the file itself is valid UTF-8.
    const raw = await readFile(out)
    expect(new TextDecoder('utf-8', { fatal: true }).decode(raw).length).toBeGreaterThan(0)
  })

  it.each([
    [['--kinds', 'typos,gremlins'], /unknown input kind "gremlins"/u],
    [['--rate', '2'], /--rate/u],
    [['--seed', '-1'], /--seed/u],
    [['--context-tokens', '0'], /--context-tokens/u],
  ])('rejects %j before writing anything', async (extra, message) => {
    const out = join(folder, `rejected-${extra.join('')}.jsonl`)
    const base = ['--in', input, '--out', out, '--rate', '0.1', '--seed', '1']
    const args = [...base]
    for (let i = 0; i < extra.length; i += 2) {
      const at = args.indexOf(extra[i] as string)
      if (at >= 0) args.splice(at, 2)
      args.push(extra[i] as string, extra[i + 1] as string)
    }
    await expect(runMutate(args)).rejects.toThrow(message)
    await expect(runMutate(args)).rejects.toMatchObject({ code: 'USAGE_INVALID' })
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('leaves no output file, and no partial one, when a bad input line stops it', async () => {
    const lines = (await readFile(input, 'utf8')).split('\n')
    lines.splice(40, 0, '{"id": "broken", "offsetMs": "soon"}')
    const bad = join(folder, 'bad-line.jsonl')
    await writeFile(bad, lines.join('\n'))
    const out = join(folder, 'from-bad.jsonl')
    await expect(runMutate(['--in', bad, '--out', out, '--rate', '0.5', '--seed', '1'])).rejects.toMatchObject({ code: 'TRAFFIC_INVALID' })
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' })
    expect((await readdir(folder)).filter((name) => name.includes('.partial-'))).toEqual([])
    // An older file at the same path is left exactly as it was.
    await writeFile(out, 'an earlier file\n')
    await expect(runMutate(['--in', bad, '--out', out, '--rate', '0.5', '--seed', '1'])).rejects.toMatchObject({ code: 'TRAFFIC_INVALID' })
    expect(await readFile(out, 'utf8')).toBe('an earlier file\n')
  })

  it('refuses to overwrite its input and reports a missing file', async () => {
    await expect(runMutate(['--in', input, '--out', input, '--rate', '0.1', '--seed', '1'])).rejects.toMatchObject({ code: 'USAGE_INVALID' })
    await expect(runMutate(['--in', join(folder, 'nope.jsonl'), '--out', join(folder, 'x.jsonl'), '--rate', '0.1', '--seed', '1'])).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
  })
})
