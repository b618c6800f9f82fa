// `make docs`: regenerates the examples in docs/ from real runs of the documented commands
// against the embedded mock, with the built CLI (dist/bin/gauntlet.js) — not a test, so it is
// outside the vitest globs. Rewrites, between their `<!-- NAME:start -->`/`<!-- NAME:end -->`
// markers:
//
//   drill     docs/drill.md    (drill-output)     + docs/img/drill.png   about 80 s
//   sweep     docs/sweep.md    (sweep-output)     + docs/img/sweep.png   about 90 s
//   forecast  docs/forecast.md (forecast-output)                         about 2 min
//
// Flags: --only drill,sweep,forecast (default all); --docs-dir DIR (default ./docs: point it at
// a copy to try the generators without touching the tree). Run from the repository root.
// Screenshots need Chromium (`make browser`); without it they are skipped with a warning.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromiumAvailable, CHROMIUM_MISSING, launchChromium, openFile } from '../helpers/browser.js'

const ROOT = process.cwd()
const CLI = join(ROOT, 'dist', 'bin', 'gauntlet.js')

interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

function gauntlet(args: string[], timeoutMs: number): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', fail)
    child.on('close', (code) => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}

/** Fails with the command's output when its exit code is not one of `codes`. */
function expectCode(what: string, result: CliResult, codes: readonly number[]): void {
  if (result.code !== null && codes.includes(result.code)) return
  throw new Error(`${what} exited ${String(result.code)}, expected ${codes.join(' or ')}\n${result.stderr}${result.stdout}`)
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

/** Screenshots an HTML report once its charts have drawn; skipped (with a warning) without Chromium. */
async function screenshot(htmlPath: string, pngPath: string): Promise<string[]> {
  if (!chromiumAvailable()) {
    process.stderr.write(`docs: ${pngPath} NOT regenerated: ${CHROMIUM_MISSING} (or run \`make browser\`)\n`)
    return []
  }
  const browser = await launchChromium()
  try {
    const { page, problems, close } = await openFile(browser, htmlPath, { width: 1100 })
    await page.waitForFunction("document.documentElement.getAttribute('data-charts') !== null", undefined, { timeout: 15_000 })
    if (problems.errors.length > 0) throw new Error(`${htmlPath} has page errors: ${problems.errors.join('; ')}`)
    await page.screenshot({ path: pngPath, fullPage: true })
    await close()
  } finally {
    await browser.close()
  }
  return [pngPath]
}

interface Generator {
  name: string
  /** Runs the documented commands in `work` and rewrites its files in `docs`; returns those written. */
  run(work: string, docs: string): Promise<string[]>
}

const DRILL_ARGS = ['--time-scale', '60', '--employees', '60000', '--retries', 'sdk', '--max-abandon-rate', '0.25']
const SWEEP_ARGS = ['--mock', 'typical-cloud', '--rates', '2,4,8,16,32', '--step-duration', '15s']
const FORECAST_RUN_ARGS = ['--preset', 'peak-hour', '--employees', '250', '--time-scale', '60', '--mock', 'typical-cloud']
const FORECAST_SWEEP_ARGS = ['--mock', 'typical-cloud', '--rates', '2,4,8,16', '--step-duration', '15s']

const GENERATORS: readonly Generator[] = [
  {
    name: 'drill',
    async run(work, docs) {
      const out = join(work, 'drill-run')
      const result = await gauntlet(['drill', ...DRILL_ARGS, '--out', out, '--quiet'], 240_000)
      // 99: the documented drill fails its thresholds on purpose.
      expectCode('gauntlet drill', result, [0, 99])
      const shown = `$ gauntlet drill ${DRILL_ARGS.join(' ')}\n${result.stderr}${result.stdout}`
        .replaceAll(out, 'results/runs/20250104-090000-drill')
        .trimEnd()
      await replaceBlock(join(docs, 'drill.md'), 'drill-output', `\`\`\`text\n${shown}\n\`\`\``)
      return [join(docs, 'drill.md'), ...(await screenshot(join(out, 'drill.html'), join(docs, 'img', 'drill.png')))]
    },
  },
  {
    name: 'sweep',
    async run(work, docs) {
      const out = join(work, 'sweep')
      const result = await gauntlet(['sweep', ...SWEEP_ARGS, '--out', out, '--quiet'], 400_000)
      expectCode('gauntlet sweep', result, [0])
      const shown = `$ gauntlet sweep ${SWEEP_ARGS.join(' ')}\n${result.stderr}${result.stdout}`
        .replaceAll(out, 'results/sweeps/20250101-130000')
        .trimEnd()
      await replaceBlock(join(docs, 'sweep.md'), 'sweep-output', `\`\`\`text\n${shown}\n\`\`\``)
      return [join(docs, 'sweep.md'), ...(await screenshot(join(out, 'sweep.html'), join(docs, 'img', 'sweep.png')))]
    },
  },
  {
    name: 'forecast',
    async run(work, docs) {
      const runDir = join(work, 'forecast-run')
      const sweepDir = join(work, 'forecast-sweep')
      const run = await gauntlet(['run', ...FORECAST_RUN_ARGS, '--out', runDir, '--quiet', '--no-report'], 200_000)
      expectCode('gauntlet run', run, [0])
      const sweep = await gauntlet(['sweep', ...FORECAST_SWEEP_ARGS, '--out', sweepDir, '--quiet'], 400_000)
      expectCode('gauntlet sweep', sweep, [0])
      const result = await gauntlet(['forecast', '--run', runDir, '--sweep', sweepDir], 90_000)
      expectCode('gauntlet forecast', result, [0])
      const runShown = 'results/runs/20250101-120000-mock-typical-cloud'
      const sweepShown = 'results/sweeps/20250101-130000'
      const shown = [
        `$ gauntlet run ${FORECAST_RUN_ARGS.join(' ')}   # ${runShown}`,
        `$ gauntlet sweep ${FORECAST_SWEEP_ARGS.join(' ')}   # ${sweepShown}`,
        `$ gauntlet forecast --run ${runShown} --sweep ${sweepShown}`,
        result.stdout.trimEnd(),
      ]
        .join('\n')
        .replaceAll(runDir, runShown)
        .replaceAll(sweepDir, sweepShown)
      await replaceBlock(join(docs, 'forecast.md'), 'forecast-output', `\`\`\`text\n${shown}\n\`\`\``)
      return [join(docs, 'forecast.md')]
    },
  },
]

function parseFlags(argv: readonly string[]): { only: Generator[]; docs: string } {
  let only = GENERATORS.map((generator) => generator.name)
  let docs = join(ROOT, 'docs')
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = argv[i + 1]
    if ((flag === '--only' || flag === '--docs-dir') && (value === undefined || value === '')) {
      throw new Error(`${flag} needs a value, e.g. ${flag === '--only' ? '--only drill,sweep' : '--docs-dir /tmp/docs-copy'}`)
    }
    if (flag === '--only') only = (value as string).split(',').map((name) => name.trim()).filter((name) => name !== '')
    else if (flag === '--docs-dir') docs = resolve(value as string)
    else throw new Error(`unknown flag '${String(flag)}'; expected --only drill,sweep,forecast or --docs-dir DIR`)
    i++
  }
  const known = new Set(GENERATORS.map((generator) => generator.name))
  const unknown = only.filter((name) => !known.has(name))
  if (unknown.length > 0) throw new Error(`--only: unknown '${unknown.join(', ')}'; expected some of ${[...known].join(', ')}`)
  return { only: GENERATORS.filter((generator) => only.includes(generator.name)), docs }
}

async function main(): Promise<void> {
  const { only, docs } = parseFlags(process.argv.slice(2))
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'make build' first (make docs does), from the repository root`)
  const work = await mkdtemp(join(tmpdir(), 'gauntlet-docs-'))
  try {
    for (const generator of only) {
      const startedAt = performance.now()
      process.stderr.write(`docs: ${generator.name} …\n`)
      const written = await generator.run(work, docs)
      process.stderr.write(`docs: ${generator.name} done in ${Math.round((performance.now() - startedAt) / 1000)} s: ${written.join(', ')}\n`)
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`docs: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
