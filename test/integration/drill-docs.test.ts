// Regenerates docs/drill.md's example and docs/img/drill.png from a real run of the documented
// command against the embedded mock. Opt-in (about 80 s): GAUNTLET_UPDATE_DOCS=1.
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
