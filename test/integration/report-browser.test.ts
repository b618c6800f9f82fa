// The HTML report in real headless Chromium: loads from file:// with no console errors and no
// network requests, draws every chart (coloured pixels on each canvas), keeps its tables
// without JavaScript, and saves a screenshot to test/output/report.png. The JUnit XML is
// checked with the browser's own XML parser.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildCharts } from '../../results/reports/html-charts.js'
import { writeHtmlReport } from '../../results/reports/html.js'
import { renderJunit } from '../../results/reports/junit.js'
import { browserSuiteTitle, CHARTS_DRAWN, chromiumForSuite, colouredPixels, openFile, SCREENSHOT_DIR, useBrowserSuite } from '../helpers/browser.js'
import { peakHourSummary, tinySummary } from '../unit/reports/summaries.js'

const peakHour = peakHourSummary()
const tiny = tinySummary()
const available = chromiumForSuite('report browser tests')

describe.skipIf(!available)(browserSuiteTitle('HTML report in headless Chromium', available), () => {
  const suite = useBrowserSuite('gauntlet-report-')

  it('loads the peak-hour report with no errors or requests, draws every chart, and saves a screenshot', async () => {
    const path = await writeHtmlReport(peakHour, join(suite.dir, 'peak-hour'))
    const { page, problems, close } = await openFile(suite.browser, path)
    try {
      await page.waitForFunction(CHARTS_DRAWN, undefined, { timeout: 10_000 })
      const expected = buildCharts(peakHour).charts.map((chart) => chart.id)
      expect(expected).toEqual(['ttft', 'e2e', 'rate', 'outcomes', 'spend', 'users', 'distribution'])
      for (const id of expected) {
        const canvas = page.locator(`#chart-${id} canvas`)
        expect(await canvas.count(), `chart ${id} has one canvas`).toBe(1)
        const box = await canvas.boundingBox()
        expect(box?.width ?? 0, `chart ${id} width`).toBeGreaterThan(300)
        expect(await colouredPixels(page, id), `coloured pixels drawn in chart ${id}`).toBeGreaterThan(500)
      }
      // Spend by task: one bar per task, each with a width.
      const widths = await page.locator('svg.bars rect.bar').evaluateAll((rects) => rects.map((rect) => Number(rect.getAttribute('width'))))
      expect(widths).toHaveLength(Object.keys(peakHour.tasks).length)
      for (const width of widths) expect(width).toBeGreaterThan(0)
      await expect.poll(() => page.locator('#verdict .verdict-headline').textContent()).toContain('Failed: 4 of 6')

      // Hovering the stacked chart: the legend shows each layer's own count, not the running sum.
      const over = page.locator('#chart-outcomes .u-over')
      const overBox = await over.boundingBox()
      if (overBox === null) throw new Error('no plot area')
      await over.hover({ position: { x: overBox.width * 0.42, y: overBox.height / 2 } })
      const legend = await page.locator('#chart-outcomes .u-legend .u-series').evaluateAll((rows) =>
        rows.map((row) => [row.querySelector('.u-label')?.textContent ?? '', row.querySelector('.u-value')?.textContent ?? '']),
      )
      const minute = Number.parseFloat(legend[0]?.[1] ?? 'NaN')
      expect(minute).toBeGreaterThan(20)
      const bucket = peakHour.timeseries.buckets[Math.floor(minute)]
      const shown = Object.fromEntries(legend.slice(1))
      expect(shown['ok']).toBe(`${bucket?.ok.toLocaleString('en-US')}`)
      expect(shown['abandoned by user']).toBe(`${bucket?.abandoned.toLocaleString('en-US')}`)
      expect(shown['lost demand (user quit)']).toBe(`${bucket?.lost_demand.toLocaleString('en-US')}`)
      await page.mouse.move(0, 0)
      await mkdir(SCREENSHOT_DIR, { recursive: true })
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'report.png'), fullPage: true })
      expect(problems).toEqual({ errors: [], failedRequests: [], networkRequests: [] })
    } finally {
      await close()
    }
  })

  it('keeps the verdict and every table readable without JavaScript', async () => {
    const path = await writeHtmlReport(peakHour, join(suite.dir, 'no-js'))
    const { page, problems, close } = await openFile(suite.browser, path, { javaScriptEnabled: false })
    try {
      expect(await page.locator('#verdict').innerText()).toContain('Failed')
      for (const id of ['summary', 'thresholds', 'latency', 'tasks', 'phases', 'malformed', 'outcomes', 'notes', 'run']) {
        expect(await page.locator(`#${id}`).isVisible(), `section ${id} visible`).toBe(true)
      }
      expect(await page.locator('#thresholds tbody tr').count()).toBe(peakHour.thresholds.length)
      expect(await page.locator('.chart-fallback').first().isVisible()).toBe(true)
      expect(await page.locator('svg.bars rect.bar').count()).toBe(Object.keys(peakHour.tasks).length)
      expect(problems).toEqual({ errors: [], failedRequests: [], networkRequests: [] })
    } finally {
      await close()
    }
  })

  it('draws the one-bucket report without phases or thresholds', async () => {
    const path = await writeHtmlReport(tiny, join(suite.dir, 'tiny'))
    const { page, problems, close } = await openFile(suite.browser, path, { width: 800 })
    try {
      await page.waitForFunction(CHARTS_DRAWN, undefined, { timeout: 10_000 })
      const ids = buildCharts(tiny).charts.map((chart) => chart.id)
      expect(await page.locator('.uplot').count()).toBe(ids.length)
      for (const id of ids) {
        expect(await colouredPixels(page, id), `coloured pixels drawn in chart ${id}`).toBeGreaterThan(100)
      }
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'report-tiny.png'), fullPage: true })
      expect(problems).toEqual({ errors: [], failedRequests: [], networkRequests: [] })
    } finally {
      await close()
    }
  })

  it('parses the JUnit XML with the browser XML parser', async () => {
    const xml = renderJunit([
      { name: 'peak-hour <A&B>', summary: peakHour, cases: [{ name: 'phase "recovery" \u0001 met its SLO', pass: false, message: 'p95 > 2s ]]> <x>' }] },
      { name: 'smoke', summary: tiny },
    ])
    const context = await suite.browser.newContext({ javaScriptEnabled: true })
    try {
      const page = await context.newPage()
      const result = await page.evaluate(`((text) => {
        const xml = new DOMParser().parseFromString(text, 'application/xml')
        const error = xml.getElementsByTagName('parsererror')[0]
        return {
          error: error === undefined ? null : error.textContent,
          suites: xml.getElementsByTagName('testsuite').length,
          cases: xml.getElementsByTagName('testcase').length,
          failures: xml.getElementsByTagName('failure').length,
          firstSuite: xml.getElementsByTagName('testsuite')[0].getAttribute('name'),
          lastCase: [...xml.getElementsByTagName('testcase')].find((node) => node.getAttribute('classname').endsWith('.checks')).getAttribute('name'),
        }
      })(${JSON.stringify(xml)})`)
      expect(result).toEqual({
        error: null,
        suites: 2,
        cases: peakHour.thresholds.length + 1,
        failures: peakHour.thresholds.filter((row) => !row.pass).length + 1,
        firstSuite: 'peak-hour <A&B>',
        lastCase: 'phase "recovery" \uFFFD met its SLO',
      })
    } finally {
      await context.close()
    }
  })
})
