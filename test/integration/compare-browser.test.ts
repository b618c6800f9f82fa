// compare.html in real headless Chromium: loads from file:// with no console errors and no
// network requests, draws both latency charts (coloured pixels, one line per target), keeps its
// table and bars without JavaScript, and saves a screenshot to test/output/compare.png.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../core/random.js'
import { buildComparison, collectTargetData, type Comparison } from '../../results/compare/index.js'
import { writeCompareHtml } from '../../results/reports/compare-html.js'
import type { Sample } from '../../results/types.js'
import { browserSuiteTitle, CHARTS_DRAWN, chromiumForSuite, colouredPixels, openFile, SCREENSHOT_DIR, useBrowserSuite } from '../helpers/browser.js'
import { tinySummary } from '../unit/reports/summaries.js'

const available = chromiumForSuite('compare browser tests')

/** A target's requests: lognormal TTFT around `ttftMs`, some errors, some messy input. */
function samples(prefix: string, count: number, ttftMs: number, errorShare: number, cleanShare: number, seed: number): Sample[] {
  const random = createRandom(seed)
  return Array.from({ length: count }, (_, i): Sample => {
    const base = { requestId: `${prefix}${i}`, attempt: 1, userId: `u${i % 30}`, task: 'chat', scheduledAtMs: i * 100 }
    const messy = i % 10 === 0
    if (messy) {
      const clean = random.chance(cleanShare)
      return clean
        ? { ...base, outcome: 'http', status: 400, spendUsd: 0, tags: ['malformed:mojibake'], handling: 'clean-4xx' }
        : { ...base, outcome: 'ok', ttftMs, e2eMs: ttftMs * 4, outputTokens: 120, spendUsd: 0.0004, tags: ['malformed:mojibake'], handling: 'answered' }
    }
    if (random.chance(errorShare)) return { ...base, outcome: 'http', status: 429, spendUsd: 0 }
    const ttft = random.lognormal(ttftMs, 0.4)
    return { ...base, outcome: 'ok', ttftMs: ttft, e2eMs: ttft + random.lognormal(ttftMs * 6, 0.3), outputTokens: 200 + random.int(200), spendUsd: 0.0003 + random.next() * 0.0002 }
  })
}

function comparison(): Comparison {
  const targets: [string, Sample[]][] = [
    ['openai:gpt-4o-mini', samples('a', 400, 350, 0.01, 0.2, 1)],
    ['self-hosted', samples('b', 400, 900, 0.06, 0.9, 2)],
    ['mock:typical-cloud', samples('c', 400, 360, 0.012, 0.2, 3)],
  ]
  return buildComparison(
    targets.map(([label, list], index) => {
      const summary = tinySummary()
      summary.target = { ...summary.target, label, pricedAs: 'gpt-4o-mini' }
      return { label, summary, data: collectTargetData(list), folder: `targets/t${index}` }
    }),
    { seed: 4, createdAt: '2025-06-02T09:00:00.000Z' },
  )
}

describe.skipIf(!available)(browserSuiteTitle('compare.html in headless Chromium', available), () => {
  const suite = useBrowserSuite('gauntlet-compare-html-')

  it('loads with no errors or requests, draws both charts with a line per target, and saves a screenshot', async () => {
    const data = comparison()
    const path = await writeCompareHtml(data, suite.dir)
    const { page, problems, close } = await openFile(suite.browser, path)
    try {
      await page.waitForFunction(CHARTS_DRAWN, undefined, { timeout: 10_000 })
      expect(await page.evaluate("document.documentElement.getAttribute('data-charts')")).toBe('2')
      for (const id of ['compare-ttft', 'compare-e2e']) {
        const canvas = page.locator(`#chart-${id} canvas`)
        expect(await canvas.count(), `chart ${id} has one canvas`).toBe(1)
        expect(await colouredPixels(page, id), `coloured pixels drawn in chart ${id}`).toBeGreaterThan(500)
        const legend = await page.locator(`#chart-${id} .u-legend .u-series .u-label`).allTextContents()
        expect(legend).toEqual(['percentile', ...data.targets.map((t) => t.label)])
      }
      // The rows table: one row per comparison row, winners marked.
      expect(await page.locator('table.compare-table tr[data-row]').count()).toBe(data.rows.length)
      for (const r of data.rows) {
        const shown = await page.locator(`tr[data-row="${r.id}"] td.winner-cell`).textContent()
        const expected = r.verdict.kind === 'winner' ? r.verdict.target : r.verdict.kind === 'tie' ? `tie${r.verdict.targets.join(' = ')}` : 'no verdict'
        expect(shown, r.id).toBe(expected)
      }
      // The self-hosted target is ~2.5× slower: it loses TTFT outright.
      const ttft = data.rows.find((r) => r.id === 'ttft_ms.p50')
      expect(ttft?.verdict.kind === 'winner' ? ttft.verdict.target : ttft?.verdict.kind === 'tie' ? ttft.verdict.targets : []).not.toContain('self-hosted')
      const malformed = page.locator('tr[data-row="malformed.mojibake"]')
      expect(await malformed.getAttribute('data-verdict')).toBe('winner')
      expect(await malformed.locator('td.winner-cell').textContent()).toBe('self-hosted')
      // Bars: three spend rows and three error rows, one bar per target each.
      expect(await page.locator('#bars-spend rect.bar').count()).toBe(9)
      expect(await page.locator('#bars-errors rect.bar').count()).toBe(9)
      const links = await page.locator('.card a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')))
      expect(links).toEqual(['targets/t0/report.html', 'targets/t1/report.html', 'targets/t2/report.html'])
      expect(problems).toEqual({ errors: [], failedRequests: [], networkRequests: [] })
      await mkdir(SCREENSHOT_DIR, { recursive: true })
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'compare.png'), fullPage: true })
    } finally {
      await close()
    }
  })

  it('keeps every figure without JavaScript', async () => {
    const path = await writeCompareHtml(comparison(), join(suite.dir, 'no-js'))
    const { page, problems, close } = await openFile(suite.browser, path, { javaScriptEnabled: false })
    try {
      expect(await page.locator('.chart-fallback').count()).toBe(2)
      expect(await page.locator('table.compare-table td.win').count()).toBeGreaterThan(3)
      expect(await page.locator('svg.compare-bars').count()).toBe(2)
      expect(problems.networkRequests).toEqual([])
    } finally {
      await close()
    }
  })
})
