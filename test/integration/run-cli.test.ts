// `gauntlet run` as a user runs it: exit codes, Ctrl-C, one-line errors, config files and plugins.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readRecords } from '../../results/sinks/jsonl.js'
import type { Summary } from '../../results/summary.js'
import { runCli } from '../helpers/cli.js'

const QUICK = ['--preset', 'peak-hour', '--employees', '40', '--time-scale', '360', '--max-requests', '20', '--max-output-tokens', '20', '--mock', 'exact', '--quiet', '--no-report']

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gauntlet-cli-'))
}

describe('gauntlet run (CLI)', () => {
  it('exits 0 when thresholds pass and 99 when one fails, with a pass/fail table', async () => {
    const pass = await runCli(['run', ...QUICK, '--out', join(tempDir(), 'a'), '--threshold', 'error_rate<0.5', '--threshold', 'ttft_ms.p95<60000'])
    expect(pass.code, pass.stderr).toBe(0)
    expect(pass.stdout).toMatch(/all 2 thresholds passed/)
    const fail = await runCli(['run', ...QUICK, '--out', join(tempDir(), 'b'), '--threshold', 'ttft_ms.p95<1'])
    expect(fail.code, fail.stderr).toBe(99)
    expect(fail.stdout).toMatch(/ttft_ms\.p95<1\s+[\d,.]+\s+FAIL/)
  })

  it('on SIGINT stops, keeps valid records and writes a partial summary, exit 130', async () => {
    const out = join(tempDir(), 'interrupted')
    const result = await runCli(
      ['run', '--preset', 'peak-hour', '--employees', '400', '--time-scale', '30', '--max-output-tokens', '50', '--mock', 'exact', '--quiet', '--out', out],
      {
        onSpawn: (child) => {
          // Interrupt once the run is under way (its first records are on disk).
          const timer = setInterval(async () => {
            const text = await readFile(join(out, 'records.jsonl'), 'utf8').catch(() => '')
            if (text.split('\n').length > 5) {
              clearInterval(timer)
              child.kill('SIGINT')
            }
          }, 100)
          child.on('close', () => clearInterval(timer))
        },
        timeoutMs: 90_000,
      },
    )
    expect(result.code, result.stderr).toBe(130)
    expect(result.stderr).toMatch(/interrupted/)
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
    expect(summary.partial).toBe(true)
    const { samples } = await readRecords(join(out, 'records.jsonl'))
    expect(samples.length).toBeGreaterThan(4)
    expect(summary.requests.scheduled).toBe(samples.filter((s) => s.willRetry !== true).length)
  })

  it.each([
    [['run', '--mock', 'exact'], /no traffic/],
    [['run', '--preset', 'peak-hour'], /no endpoint/],
    [['run', '--preset', 'peak-hour', '--target', 'gpt4'], /--target/],
    [['run', '--preset', 'nope', '--mock', 'exact'], /preset/],
    [['run', '--preset', 'peak-hour', '--mock', 'nope'], /profile/],
    [['run', '--traffic', '/no/such/file.jsonl', '--mock', 'exact'], /file/],
    [['run', '--preset', 'peak-hour', '--mock', 'exact', '--threshold', 'latency<3'], /threshold/],
    [['run', '--preset', 'peak-hour', '--mock', 'exact', '--patience', 'ttft=soon'], /--patience/],
    [['run', '--preset', 'peak-hour', '--mock', 'exact', '--max-spend', 'lots'], /--max-spend/],
    [['run', '--preset', 'peak-hour', '--target', 'openai:gpt-4o-mini'], /OPENAI_API_KEY/],
    [['run', '--preset', 'peak-hour', '--mock', 'exact', '--chaos', '/no/such/timeline.json'], /^gauntlet: --chaos /],
  ])('rejects %j with one line and exit 2', async (args, pattern) => {
    const result = await runCli(args as string[], { env: { OPENAI_API_KEY: undefined } })
    expect(result.code, result.stderr).toBe(2)
    const lines = result.stderr.trim().split('\n').filter((line) => !line.startsWith('('))
    expect(lines[0]).toMatch(pattern)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('asks before sending to a non-loopback endpoint, and refuses without --yes when it cannot ask', async () => {
    const result = await runCli(['run', ...QUICK.filter((a) => a !== '--mock' && a !== 'exact'), '--target', 'openai:gpt-4o-mini'], {
      env: { OPENAI_API_KEY: 'sk-test-not-a-real-key-000000000000000000' },
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/estimated spend/)
    expect(result.stderr).toMatch(/--yes/)
    expect(result.stderr).not.toContain('sk-test-not-a-real-key')
  })

  it('reads a config file, reports every problem at once, and loads plugin adapters and sinks (the README example)', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'gauntlet.config.json'), JSON.stringify({ target: 'mock:exact', colour: 'blue', retries: 'always' }))
    const bad = await runCli(['run', '--preset', 'peak-hour'], { cwd: dir })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/colour/)
    expect(bad.stderr).toMatch(/retries/)

    // The README's worked example, as a TypeScript config importing the package by name.
    const pluginDir = tempDir()
    mkdirSync(join(pluginDir, 'node_modules'))
    symlinkSync(process.cwd(), join(pluginDir, 'node_modules', 'llm-gauntlet'), 'dir')
    writeFileSync(
      join(pluginDir, 'gauntlet.config.ts'),
      `import { appendFileSync } from 'node:fs'
import { createAdapterFromTarget, defineConfig } from 'llm-gauntlet'

export default defineConfig({
  preset: { name: 'peak-hour', employees: 40 },
  thresholds: ['error_rate<0.01'],
  patience: 'ttft=4s,e2e=15s,quit=3/5',
  retries: 'sdk',
  plugins: {
    adapters: {
      'my-gateway': (settings) => {
        const inner = createAdapterFromTarget(
          { kind: 'endpoint', adapter: 'openai-compatible', model: settings.model, baseUrl: settings.baseUrl, label: 'gateway' },
          { ...settings, headers: { 'x-team': 'platform' } },
        )
        return { name: 'my-gateway', model: inner.model, baseUrl: inner.baseUrl, stream: (request, options) => inner.stream(request, options) }
      },
    },
  },
  sinks: [{ name: 'audit', record: (sample) => appendFileSync('audit.log', \`\${sample.requestId} \${sample.outcome}\\n\`) }],
})
`,
    )
    const seenHeaders: string[] = []
    const { createMockServer } = await import('../../adapters/mock/index.js')
    const mock = await createMockServer({
      profile: 'exact',
      script: (info) => {
        seenHeaders.push(String(info.headers['x-team']))
        return undefined
      },
    })
    try {
      const ok = await runCli(
        ['run', '--target', `my-gateway:gpt-4o-mini@${mock.url}/v1`, '--time-scale', '360', '--max-requests', '10', '--max-output-tokens', '20', '--quiet', '--no-report', '--out', join(pluginDir, 'run')],
        { cwd: pluginDir },
      )
      expect(ok.code, ok.stderr).toBe(0)
      expect(ok.stdout).toMatch(/all 1 thresholds passed/)
      const lines = (await readFile(join(pluginDir, 'audit.log'), 'utf8')).trim().split('\n')
      expect(lines).toHaveLength(10)
      expect(lines.every((line) => line.endsWith(' ok'))).toBe(true)
      expect(seenHeaders).toEqual(Array.from({ length: 10 }, () => 'platform'))
    } finally {
      await mock.close()
    }
  })
})

describe('the library (README example)', () => {
  it("runs from `import { run } from 'llm-gauntlet'`", async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(process.cwd(), join(dir, 'node_modules', 'llm-gauntlet'), 'dir')
    writeFileSync(
      join(dir, 'nightly.mjs'),
      `import { run, renderTerminalSummary } from 'llm-gauntlet'

const result = await run({
  traffic: { type: 'preset', preset: 'peak-hour', employees: 40, timeScale: 360, maxRequests: 10, maxOutputTokens: 20 },
  target: 'mock:exact',
  thresholds: ['ttft_ms.p95<2000'],
  patience: 'ttft=4s,e2e=10s',
  outDir: 'results/nightly',
})
console.log(renderTerminalSummary(result.summary, { outDir: result.outDir }))
process.exitCode = result.thresholdsPassed ? 0 : 99
`,
    )
    const { spawn } = await import('node:child_process')
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['nightly.mjs'], { cwd: dir, stdio: 'ignore' })
      child.on('close', resolve)
    })
    expect(code).toBe(0)
    const summary = JSON.parse(await readFile(join(dir, 'results/nightly/summary.json'), 'utf8')) as Summary
    expect(summary.requests.completed).toBe(10)
  })
})
