// Regenerates docs/forecast.md's example from real runs: a department's peak hour against the
// embedded mock, a sweep of it, then the documented forecast. Opt-in (about 2 min): GAUNTLET_UPDATE_DOCS=1.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli, type CliResult } from '../helpers/cli.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

function gauntlet(args: string[], _workDir: string, timeoutMs = 90_000): Promise<CliResult> {
  return runCli(args, { timeoutMs })
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
