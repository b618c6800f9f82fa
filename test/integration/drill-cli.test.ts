// `gauntlet drill` end to end through the built CLI: the bundled one-hour drill timeline played
// ×144 faster (25 s) against the embedded mock through the chaos proxy. Checks the verdict and
// exit code agree, phases line up with the traffic, the band and wasted spend equal what the
// records say, the JUnit file, and the HTML page in headless Chromium.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DrillDocument } from '../../results/drill/index.js'
import { readRecords } from '../../results/sinks/jsonl.js'
import type { Summary } from '../../results/summary.js'
import { chromiumAvailable, launchChromium, openFile } from '../helpers/browser.js'
import { runCli, type CliResult } from '../helpers/cli.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

function gauntlet(args: string[], _workDir: string, timeoutMs = 90_000): Promise<CliResult> {
  return runCli(args, { timeoutMs })
}

describe('gauntlet drill against the embedded mock (time-compressed)', () => {
  let dir: string
  let result: CliResult
  let drill: DrillDocument
  let summary: Summary
  const outDir = (): string => join(dir, 'drill-run')

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gauntlet-drill-'))
    result = await gauntlet(
      ['drill', '--mock', 'fast', '--employees', '50000', '--time-scale', '144', '--seed', '3', '--out', outDir(), '--junit', join(dir, 'junit.xml'), '--quiet'],
      dir,
    )
    if (result.code !== 0 && result.code !== 99) throw new Error(`drill exited ${result.code}: ${result.stderr}`)
    drill = JSON.parse(await readFile(join(outDir(), 'drill.json'), 'utf8')) as DrillDocument
    summary = JSON.parse(await readFile(join(outDir(), 'summary.json'), 'utf8')) as Summary
  }, 120_000)

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('leads with the verdict, and exits 99 exactly when it is FAIL', () => {
    const first = result.stdout.split('\n')[0] ?? ''
    expect(first).toBe(drill.verdict.sentence)
    expect(first).toMatch(/^(PASS|DEGRADED|FAIL) — /)
    expect(result.code).toBe(drill.verdict.status === 'FAIL' ? 99 : 0)
    expect(result.stderr).toContain('played ×144 faster in 27.5 s')
  })

  it('judges the six phases of the bundled timeline and the tail; the calm baseline holds and the faults show', () => {
    // The bundled six phases, and a calm tail of a tenth of the drill to see the recovery.
    expect(drill.phases.map((phase) => phase.name)).toEqual(['baseline', 'latency-spike', '429-storm', 'mid-stream-resets', 'outage', 'recovery', 'steady-tail'])
    expect(byWindow('steady-tail')).toEqual([25_000, 27_500])
    const byName = Object.fromEntries(drill.phases.map((phase) => [phase.name, phase]))
    expect(byName['baseline']?.pass).toBe(true)
    expect(byName['429-storm']?.errorRate).toBeGreaterThan(0.25)
    expect(byName['429-storm']?.topProblems[0]?.outcome).toBe('http_429')
    expect(byName['outage']?.pass).toBe(false)
    expect(drill.verdict.status).toBe('DEGRADED')
    // The 429 storm hits 60 % of requests from its first second: seen within two buckets.
    const storm = drill.incidents.find((incident) => incident.phase === '429-storm')
    expect(storm?.detectMs).not.toBeNull()
    expect(storm?.detectMs ?? Infinity).toBeLessThanOrEqual(2 * drill.bucketMs)
    expect(drill.incidents.map((incident) => incident.phase)).toEqual(['latency-spike', '429-storm', 'mid-stream-resets', 'outage'])
  })

  it('phases line up with the traffic: every record carries the phase its scheduled time falls in', async () => {
    expect(byWindow('429-storm')).toEqual([(1200 / 144) * 1000, (1800 / 144) * 1000])
    const { samples } = await readRecords(join(outDir(), 'records.jsonl'))
    expect(samples.length).toBeGreaterThan(50)
    for (const sample of samples) {
      const window = drill.phases.find((phase) => sample.scheduledAtMs >= phase.fromMs && sample.scheduledAtMs < phase.toMs)
      expect(sample.phase, `request ${sample.requestId} at ${sample.scheduledAtMs} ms`).toBe(window?.name)
    }
  })

  it('the band and the wasted spend equal what the summary and the records say', async () => {
    const baseline = summary.phases['baseline']
    expect(drill.band?.ttftP95LimitMs).toBe((baseline?.ttft_ms.p95 ?? NaN) * 1.5)
    expect(drill.band?.errorRateLimit).toBeCloseTo((baseline?.error_rate ?? NaN) + 0.01, 12)
    const { samples } = await readRecords(join(outDir(), 'records.jsonl'))
    // The judged buckets recount the records: final attempts by scheduled time.
    expect(drill.bucketMs).toBeGreaterThanOrEqual(1_000)
    for (const row of drill.buckets) {
      const inBucket = samples.filter((s) => s.willRetry !== true && s.scheduledAtMs >= row.t && s.scheduledAtMs < row.t + drill.bucketMs && !['dropped', 'lost-demand', 'budget-stopped'].includes(s.outcome))
      expect(row.sent, `bucket at ${row.t} ms`).toBe(inBucket.length)
      expect(row.ok).toBe(inBucket.filter((s) => s.outcome === 'ok').length)
      expect(row.abandoned).toBe(inBucket.filter((s) => s.outcome === 'abandoned').length)
    }
    for (const phase of drill.phases) {
      const wasted = samples.filter((s) => s.phase === phase.name && s.outcome !== 'ok').reduce((sum, s) => sum + (s.spendUsd ?? 0), 0)
      expect(phase.wastedUsd, phase.name).toBeCloseTo(wasted, 9)
      expect(phase.requests).toBe(summary.phases[phase.name]?.requests)
    }
  })

  it('writes each phase verdict as a JUnit test case', async () => {
    const xml = await readFile(join(dir, 'junit.xml'), 'utf8')
    for (const phase of drill.phases) expect(xml).toContain(`<testcase name="phase ${phase.name}: SLOs"`)
    const failures = drill.phases.filter((phase) => !phase.pass).length
    expect(xml).toMatch(new RegExp(`<testsuite name="drill" tests="\\d+" failures="${failures}"`))
  })

  it.skipIf(!chromiumAvailable())('drill.html loads in headless Chromium with no errors and draws every chart', async () => {
    const path = join(outDir(), 'drill.html')
    expect(existsSync(join(outDir(), 'report.html'))).toBe(true)
    const browser = await launchChromium()
    try {
      const { page, problems, close } = await openFile(browser, path, { width: 1100 })
      await page.waitForFunction("document.documentElement.getAttribute('data-charts') !== null", undefined, { timeout: 15_000 })
      expect(await page.evaluate("document.documentElement.getAttribute('data-charts')")).toBe('4')
      expect(await page.locator('#verdict .verdict-headline').textContent()).toBe('DEGRADED')
      expect(problems).toEqual({ errors: [], failedRequests: [], networkRequests: [] })
      const shot = process.env['GAUNTLET_UPDATE_DOCS'] === '1' ? join(ROOT, 'docs', 'img', 'drill.png') : join(dir, 'drill.png')
      await page.screenshot({ path: shot, fullPage: true })
      await close()
    } finally {
      await browser.close()
    }
  })

  function byWindow(name: string): [number, number] | undefined {
    const phase = drill.phases.find((p) => p.name === name)
    return phase === undefined ? undefined : [phase.fromMs, phase.toMs]
  }
})
