// Regenerates docs/sweep.md's example and docs/img/sweep.png from a real sweep of the embedded
// mock with the documented command. Opt-in (about 90 s): GAUNTLET_UPDATE_DOCS=1.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { launchChromium, openFile } from '../helpers/browser.js'
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

const DOC_ARGS = ['--mock', 'typical-cloud', '--rates', '2,4,8,16,32', '--step-duration', '15s']

describe.skipIf(process.env['GAUNTLET_UPDATE_DOCS'] !== '1')('docs/sweep.md from a real sweep', () => {
  it('runs the documented command, writes its output into the doc and screenshots sweep.html', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gauntlet-sweep-docs-'))
    try {
      const out = join(dir, 'sweep')
      const result = await gauntlet(['sweep', ...DOC_ARGS, '--out', out, '--quiet'], dir, 400_000)
      expect(result.code).toBe(0)
      const shown = `$ gauntlet sweep ${DOC_ARGS.join(' ')}\n${result.stderr}${result.stdout}`.replaceAll(out, 'results/sweeps/20250101-130000').trimEnd()
      await replaceBlock(join(ROOT, 'docs', 'sweep.md'), 'sweep-output', `\`\`\`text\n${shown}\n\`\`\``)
      const browser = await launchChromium()
      try {
        const { page, problems, close } = await openFile(browser, join(out, 'sweep.html'), { width: 1100 })
        await page.waitForFunction("document.documentElement.getAttribute('data-charts') !== null", undefined, { timeout: 15_000 })
        expect(problems.errors).toEqual([])
        await page.screenshot({ path: join(ROOT, 'docs', 'img', 'sweep.png'), fullPage: true })
        await close()
      } finally {
        await browser.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 500_000)
})
