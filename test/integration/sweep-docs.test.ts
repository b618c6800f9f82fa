// Regenerates docs/sweep.md's example and docs/img/sweep.png from a real sweep of the embedded
// mock with the documented command. Opt-in (about 90 s): GAUNTLET_UPDATE_DOCS=1.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { launchChromium, openFile } from '../helpers/browser.js'
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
