// Regenerates docs/forecast.md's example from real runs: a department's peak hour against the
// embedded mock, a sweep of it, then the documented forecast. Opt-in (about 2 min): GAUNTLET_UPDATE_DOCS=1.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { assertBuilt, CLI, runCli, type CliResult } from '../helpers/cli.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const DIST = join(dirname(CLI), '..')

/** Until the command is wired into bin/commands/index.ts, the same module behind a minimal main. */
async function gauntlet(args: string[], workDir: string, timeoutMs = 90_000): Promise<CliResult> {
  assertBuilt()
  const command = args[0] as string
  if (readFileSync(join(DIST, 'bin', 'commands', 'index.js'), 'utf8').includes(`./${command}.js`)) return runCli(args, { timeoutMs })
  const harness = join(workDir, `harness-${command}.mjs`)
  await writeFile(
    harness,
    `import { Command, CommanderError } from ${JSON.stringify(pathToFileURL(join(ROOT, 'node_modules', 'commander', 'esm.mjs')).href)}
import { register } from ${JSON.stringify(pathToFileURL(join(DIST, 'bin', 'commands', `${command}.js`)).href)}
const program = new Command().name('gauntlet').exitOverride()
let code = 0
register(program, (c) => { code = c })
try {
  await program.parseAsync(process.argv)
  process.exitCode = code
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2
  else if (error && error.name === 'UserError') { process.stderr.write('gauntlet: ' + error.message + '\\n'); process.exitCode = 2 }
  else { process.stderr.write(String(error && error.stack || error) + '\\n'); process.exitCode = 1 }
}
`,
  )
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [harness, ...args], { env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** Puts `text` between the `<!-- NAME:start -->` and `<!-- NAME:end -->` markers of a doc. */
async function replaceBlock(path: string, name: string, text: string): Promise<void> {
  const doc = await readFile(path, 'utf8')
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = doc.indexOf(start)
  const to = doc.indexOf(end)
  if (from < 0 || to < from) throw new Error(`${path} has no ${start} … ${end} block`)
  await writeFile(path, `${doc.slice(0, from + start.length)}\n${text}\n${doc.slice(to)}`)
}

const RUN_ARGS = ['--preset', 'peak-hour', '--employees', '250', '--time-scale', '60', '--mock', 'typical-cloud']
const SWEEP_ARGS = ['--mock', 'typical-cloud', '--rates', '2,4,8,16', '--step-duration', '15s']

describe.skipIf(process.env['GAUNTLET_UPDATE_DOCS'] !== '1')('docs/forecast.md from real runs', () => {
  it('runs a peak hour and a sweep, then the documented forecast, and writes the output into the doc', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gauntlet-forecast-docs-'))
    try {
      const runDir = join(dir, 'run')
      const sweepDir = join(dir, 'sweep')
      const run = await runCli(['run', ...RUN_ARGS, '--out', runDir, '--quiet', '--no-report'], { timeoutMs: 200_000 })
      expect(run.code).toBe(0)
      const sweep = await gauntlet(['sweep', ...SWEEP_ARGS, '--out', sweepDir, '--quiet'], dir, 400_000)
      expect(sweep.code).toBe(0)
      const result = await gauntlet(['forecast', '--run', runDir, '--sweep', sweepDir], dir)
      expect(result.code).toBe(0)
      const runShown = 'results/runs/20250101-120000-mock-typical-cloud'
      const sweepShown = 'results/sweeps/20250101-130000'
      const shown = [
        `$ gauntlet run ${RUN_ARGS.join(' ')}   # ${runShown}`,
        `$ gauntlet sweep ${SWEEP_ARGS.join(' ')}   # ${sweepShown}`,
        `$ gauntlet forecast --run ${runShown} --sweep ${sweepShown}`,
        result.stdout.trimEnd(),
      ]
        .join('\n')
        .replaceAll(runDir, runShown)
        .replaceAll(sweepDir, sweepShown)
      await replaceBlock(join(ROOT, 'docs', 'forecast.md'), 'forecast-output', `\`\`\`text\n${shown}\n\`\`\``)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 600_000)
})
