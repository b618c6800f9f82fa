// Regenerates docs/drill.md's example and docs/img/drill.png from a real run of the documented
// command against the embedded mock. Opt-in (about 80 s): GAUNTLET_UPDATE_DOCS=1.
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

const DOC_ARGS = ['--time-scale', '60', '--employees', '60000', '--retries', 'sdk', '--max-abandon-rate', '0.25']

describe.skipIf(process.env['GAUNTLET_UPDATE_DOCS'] !== '1')('docs/drill.md from a real drill', () => {
  it('runs the documented command, writes its output into the doc and screenshots drill.html', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gauntlet-drill-docs-'))
    try {
      const out = join(dir, 'drill-run')
      const result = await gauntlet(['drill', ...DOC_ARGS, '--out', out, '--quiet'], dir, 240_000)
      expect([0, 99]).toContain(result.code)
      const shown = `$ gauntlet drill ${DOC_ARGS.join(' ')}\n${result.stderr}${result.stdout}`.replaceAll(out, 'results/runs/20250104-090000-drill').trimEnd()
      await replaceBlock(join(ROOT, 'docs', 'drill.md'), 'drill-output', `\`\`\`text\n${shown}\n\`\`\``)
      const browser = await launchChromium()
      try {
        const { page, problems, close } = await openFile(browser, join(out, 'drill.html'), { width: 1100 })
        await page.waitForFunction("document.documentElement.getAttribute('data-charts') !== null", undefined, { timeout: 15_000 })
        expect(problems.errors).toEqual([])
        await page.screenshot({ path: join(ROOT, 'docs', 'img', 'drill.png'), fullPage: true })
        await close()
      } finally {
        await browser.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 300_000)
})
