// The `gauntlet k6` and `gauntlet probe` commands end to end: a real traffic file exported to a
// k6 script (run on the fake k6 runtime), its summary imported; the probe against the embedded
// mock on loopback, and refusing a non-loopback target without --yes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createMockServer } from '../../adapters/mock/index.js'
import type { MockServer } from '../../adapters/mock/types.js'
import { register as registerK6 } from '../../bin/commands/k6.js'
import { register as registerProbe } from '../../bin/commands/probe.js'
import { createTrafficWriter } from '../../load/traffic-writer.js'
import { installFakeK6, runFakeK6 } from '../unit/k6/fake-k6.js'

let dir: string
let trafficPath: string
let mock: MockServer

async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  const program = new Command().exitOverride()
  let code = -1
  registerK6(program, (value) => (code = value))
  registerProbe(program, (value) => (code = value))
  const writes: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk))
    return true
  })
  try {
    await program.parseAsync(['node', 'gauntlet', ...args])
  } finally {
    spy.mockRestore()
  }
  return { code, stdout: writes.join('') }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gauntlet-k6-cli-'))
  trafficPath = join(dir, 'traffic.jsonl')
  const writer = createTrafficWriter(trafficPath, {
    type: 'header',
    schemaVersion: 1,
    generator: 'test',
    generatorVersion: '0',
    seed: 5,
    source: 'test:k6-cli',
    createdAt: '2026-01-01T00:00:00.000Z',
    encoding: 'o200k_base',
  })
  for (let i = 0; i < 24; i++) {
    await writer.write({
      id: `r${String(i).padStart(3, '0')}`,
      offsetMs: i * 250,
      userId: `u${i % 5}`,
      task: 'chat',
      messages: [{ role: 'user', content: `hello ${i}` }],
      inputTokens: 3,
      maxOutputTokens: 64,
      targetOutputTokens: 8,
    })
  }
  await writer.close()
  mock = await createMockServer({ profile: 'instant', port: 0 })
  // The mock loads its tokenizer on the first request: warm it so the 1 s probe measures serving.
  const warm = await fetch(`${mock.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-instant', messages: [{ role: 'user', content: 'warm up' }], max_tokens: 4 }),
  })
  await warm.arrayBuffer()
})

afterAll(async () => {
  await mock.close()
  await rm(dir, { recursive: true, force: true })
})

describe('gauntlet k6 export / import', () => {
  it('exports a traffic file, the script replays it on a fake k6, and import reads its summary', async () => {
    const out = join(dir, 'k6')
    const exported = await cli(
      'k6', 'export', '--traffic', trafficPath, '--target', 'openai-compatible:gpt-4o-mini@http://127.0.0.1:9/v1',
      '--out', out, '--threshold', 'e2e_ms.p95<5000', '--threshold', 'error_rate<0.5', '--patience', 'off',
    )
    expect(exported.code).toBe(0)
    expect(exported.stdout).toContain('24 requests over 5.8 s')
    expect(exported.stdout).toContain('k6 run script.js')
    const traffic = JSON.parse(await readFile(join(out, 'traffic.json'), 'utf8')) as Array<{ id: string; messages: unknown[] }>
    expect(traffic.map((entry) => entry.id)).toEqual(Array.from({ length: 24 }, (_, i) => `r${String(i).padStart(3, '0')}`))
    expect(await readFile(join(out, 'README.md'), 'utf8')).toContain('k6 run script.js')
    await installFakeK6(out)
    const fake = await runFakeK6(join(out, 'script.js'), {
      iterations: 24,
      handlers: {
        post: () => ({
          status: 200,
          body: JSON.stringify({ choices: [{ message: { content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 8 } }),
        }),
      },
    })
    const summaryPath = join(out, 'summary.json')
    await writeFile(summaryPath, fake.outputs['summary.json'] as string)
    const imported = await cli('k6', 'import', summaryPath, '--out', join(dir, 'imported'))
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain('24 sent of 24')
    expect(imported.stdout).toContain('PASS e2e_ms.p95<5000')
    const summary = JSON.parse(await readFile(join(dir, 'imported', 'summary.json'), 'utf8')) as Record<string, any>
    expect(summary['source']).toBe('k6')
    expect(summary['tokens']).toEqual({ input: 240, cached_input: null, output: 192 })
    // gpt-4o-mini is in the bundled price table: spend is a number, not unknown.
    expect(typeof summary['spend']['usd']).toBe('number')
    expect(summary['spend']['usd']).toBeGreaterThan(0)
  })

  it('refuses to import into the file it reads', async () => {
    const path = join(dir, 'same', 'summary.json')
    await expect(cli('k6', 'import', path, '--out', join(dir, 'same'))).rejects.toMatchObject({ code: 'USAGE_INVALID' })
  })

  it('refuses a threshold k6 would evaluate on no data', async () => {
    await expect(
      cli('k6', 'export', '--traffic', trafficPath, '--target', 'openai-compatible:m@http://127.0.0.1:9/v1', '--out', join(dir, 'x'), '--threshold', 'ttft_ms.p95<2000'),
    ).rejects.toMatchObject({ code: 'THRESHOLD_INVALID' })
  })
})

describe('gauntlet probe', () => {
  it('probes the mock for 1 s with traffic bodies and writes probe.json', async () => {
    const out = join(dir, 'probe')
    const result = await cli('probe', '--target', `openai-compatible:mock-instant@${mock.url}/v1`, '--traffic', trafficPath, '--duration', '1', '--connections', '2', '--out', out)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/req\/s\s+max \d+/)
    const probe = JSON.parse(await readFile(join(out, 'probe.json'), 'utf8')) as Record<string, any>
    expect(probe['source']).toBe('autocannon')
    expect(probe['bodies']).toBe(24)
    expect(probe['requests']['completed']).toBeGreaterThan(0)
    expect(probe['statusCodes']).toEqual({ '200': probe['requests']['completed'] })
  })

  it('refuses a non-loopback target without --yes, before sending anything', async () => {
    await expect(cli('probe', '--target', 'openai-compatible:m@http://10.0.0.1:8000/v1', '--duration', '1')).rejects.toMatchObject({
      code: 'SPEND_NOT_CONFIRMED',
    })
  })
})
