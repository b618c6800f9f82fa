// `gauntlet sweep` end to end through the built CLI: three short constant-rate steps against the
// embedded `overloaded` mock (8 sequences, queue of 8), at rates that cross its capacity. The
// step counts, the served throughput and the knee are checked against the step runs' records.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readRecords } from '../../results/sinks/jsonl.js'
import type { Summary } from '../../results/summary.js'
import type { SweepDocument } from '../../results/sweep.js'
import { chromiumAvailable, launchChromium, openFile } from '../helpers/browser.js'
import { runCli, type CliResult } from '../helpers/cli.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

function gauntlet(args: string[], _workDir: string, timeoutMs = 90_000): Promise<CliResult> {
  return runCli(args, { timeoutMs })
}

// Short chat answers (about 40 tokens), so a request takes ~1–3 s on the overloaded mock.
const SHORT_ANSWERS = {
  taskMix: {
    chat: { weight: 1, input: { median: 100, sigma: 0.3, min: 20, max: 400 }, output: { median: 40, sigma: 0.3, min: 10, max: 120 }, maxOutputTokens: 256 },
  },
}

describe('gauntlet sweep against the overloaded mock', () => {
  let dir: string
  let result: CliResult
  let sweep: SweepDocument

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gauntlet-sweep-'))
    await writeFile(join(dir, 'model.json'), JSON.stringify(SHORT_ANSWERS))
    const traffic = await runCli(['traffic', 'generate', '--preset', 'peak-hour', '--model', join(dir, 'model.json'), '--max-requests', '400', '--out', join(dir, 'traffic.jsonl')])
    if (traffic.code !== 0) throw new Error(`traffic generate exited ${traffic.code}: ${traffic.stderr}`)
    result = await gauntlet(
      ['sweep', '--mock', 'overloaded', '--traffic', join(dir, 'traffic.jsonl'), '--rates', '2,8,32', '--step-duration', '4s', '--all-steps', '--out', join(dir, 'sweep'), '--quiet'],
      dir,
    )
    if (result.code !== 0) throw new Error(`sweep exited ${result.code}: ${result.stderr}`)
    sweep = JSON.parse(await readFile(join(dir, 'sweep', 'sweep.json'), 'utf8')) as SweepDocument
  }, 120_000)

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('runs one constant-rate step per rate, each sending rate × duration requests', () => {
    expect(sweep.steps.map((step) => step.load)).toEqual([2, 8, 32])
    expect(sweep.steps.map((step) => step.sent)).toEqual([8, 32, 128])
    expect(sweep.stoppedEarly).toBeNull()
  })

  it('each step’s figures equal its run folder’s summary, and served throughput equals the records', async () => {
    for (const step of sweep.steps) {
      const stepDir = step.outDir as string
      const summary = JSON.parse(await readFile(join(stepDir, 'summary.json'), 'utf8')) as Summary
      expect(step.ok).toBe(summary.requests.completed)
      expect(step.ttftMs.p95).toBe(summary.latency.ttft_ms.p95)
      expect(step.goodputShare).toBe(summary.goodput.share)
      const { samples } = await readRecords(join(stepDir, 'records.jsonl'))
      const firstTokens = samples.filter((s) => s.outcome === 'ok' && s.willRetry !== true).map((s) => s.firstTokenAtMs as number)
      const expected = firstTokens.length < 2 ? null : (firstTokens.length - 1) / ((Math.max(...firstTokens) - Math.min(...firstTokens)) / 1000)
      expect(step.throughputPerSecond).toBeCloseTo(expected as number, 3)
    }
  })

  it('crosses the capacity: the top step fails, serves far less than offered, and a knee is reported', () => {
    const [low, , top] = sweep.steps
    expect(top?.errorRate ?? 0).toBeGreaterThan(0.3)
    expect(top?.throughputPerSecond ?? Infinity).toBeLessThan(8)
    expect(top?.errorRate ?? 0).toBeGreaterThan(low?.errorRate ?? 1)
    expect(sweep.analysis.steps[2]?.meetsSlo).toBe(false)
    expect(sweep.analysis.knee).not.toBeNull()
    expect([2, 8]).toContain(sweep.analysis.knee?.load)
    expect(result.stdout.split('\n')[0]).toBe(sweep.analysis.headline)
    expect(result.stdout).toContain(`knee: ${sweep.analysis.knee?.reason ?? ''}`)
  })

  it.skipIf(!chromiumAvailable())('sweep.html loads in headless Chromium with no errors and draws its three charts', async () => {
    const path = join(dir, 'sweep', 'sweep.html')
    expect(existsSync(path)).toBe(true)
    const browser = await launchChromium()
    try {
      const { page, problems, close } = await openFile(browser, path, { width: 1100 })
      await page.waitForFunction("document.documentElement.getAttribute('data-charts') !== null", undefined, { timeout: 15_000 })
      expect(await page.evaluate("document.documentElement.getAttribute('data-charts')")).toBe('3')
      for (const id of ['sweep-ttft', 'sweep-e2e', 'sweep-throughput']) expect(await page.locator(`#chart-${id} canvas`).count()).toBe(1)
      expect(problems).toEqual({ errors: [], failedRequests: [], networkRequests: [] })
      const shot = process.env['GAUNTLET_UPDATE_DOCS'] === '1' ? join(ROOT, 'docs', 'img', 'sweep.png') : join(dir, 'sweep.png')
      await page.screenshot({ path: shot, fullPage: true })
      await close()
    } finally {
      await browser.close()
    }
  })
})
