// The HTML report as text: self-contained (nothing to fetch), data embedded as JSON that
// round-trips, hostile names escaped, verdict first, tables for every part of the summary.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderHtmlReport, writeHtmlReport } from '../../../results/reports/html.js'
import { buildCharts } from '../../../results/reports/html-charts.js'
import { escapeHtml, jsonForScript } from '../../../results/reports/html-escape.js'
import { displayUrl } from '../../../core/url.js'
import type { Summary } from '../../../results/summary.js'
import { peakHourSummary, tinySummary } from './summaries.js'

/** The text of `<script type="application/json" id=…>`, found by plain string search. */
function embeddedJson(html: string, id: string): unknown {
  const open = `<script type="application/json" id="${id}">`
  const start = html.indexOf(open)
  if (start === -1) throw new Error(`no ${id} block`)
  const end = html.indexOf('</script>', start)
  return JSON.parse(html.slice(start + open.length, end))
}

function count(text: string, needle: string): number {
  let found = 0
  for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + needle.length)) found++
  return found
}

/** Renames a task everywhere it appears in a summary. */
function renameTask(summary: Summary, from: string, to: string): void {
  const group = summary.tasks[from]
  const spend = summary.spend.per_task[from]
  if (group === undefined || spend === undefined) throw new Error(`no task ${from}`)
  delete summary.tasks[from]
  delete summary.spend.per_task[from]
  summary.tasks[to] = group
  summary.spend.per_task[to] = spend
}

const HOSTILE = '</script><script>alert("x")</script><!-- <b>&amp;'

describe('renderHtmlReport', () => {
  const peakHour = peakHourSummary()
  const html = renderHtmlReport(peakHour)

  it('references nothing on the network', () => {
    const lower = html.toLowerCase()
    for (const attribute of ['src', 'href', 'action', 'poster', 'srcset', 'formaction']) {
      for (const quote of ['"', "'", '']) {
        for (const scheme of ['http:', 'https:', '//']) {
          expect(count(lower, `${attribute}=${quote}${scheme}`), `${attribute}=${quote}${scheme}`).toBe(0)
        }
      }
    }
    expect(count(lower, '@import')).toBe(0)
    expect(count(lower, 'url(http')).toBe(0)
    expect(count(lower, 'url(//')).toBe(0)
    expect(count(lower, '@font-face')).toBe(0)
    expect(count(lower, '<link')).toBe(0)
    expect(count(lower, '<iframe')).toBe(0)
    expect(count(lower, '<img')).toBe(0)
    // Every <script> is inline.
    expect(count(lower, '<script src')).toBe(0)
    expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src 'none';`)
  })

  it('inlines uPlot and its stylesheet', () => {
    expect(html).toContain('var uPlot=')
    expect(html).toContain('.u-legend')
  })

  it('embeds the summary as JSON that round-trips, and the chart data', () => {
    expect(embeddedJson(html, 'gauntlet-summary')).toEqual(peakHour)
    expect(embeddedJson(html, 'gauntlet-charts')).toEqual(JSON.parse(JSON.stringify(buildCharts(peakHour))))
  })

  it('escapes </script> and <!-- in names, in the JSON and in the tables', () => {
    const summary = peakHourSummary()
    renameTask(summary, 'chat', HOSTILE)
    summary.name = HOSTILE
    summary.notes.push(HOSTILE)
    summary.malformed[HOSTILE] = { answered: 1 }
    const hostile = renderHtmlReport(summary)
    // Four script elements, each closed once; nothing else closes one or opens a comment.
    expect(count(hostile, '<script')).toBe(4)
    expect(count(hostile.toLowerCase(), '</script')).toBe(4)
    expect(count(hostile, '<!--')).toBe(0)
    expect(hostile).not.toContain('<b>&amp;')
    expect(hostile).toContain(escapeHtml(HOSTILE))
    expect(embeddedJson(hostile, 'gauntlet-summary')).toEqual(summary)
  })

  it('jsonForScript keeps the value and removes every <, > and &', () => {
    const value = { a: HOSTILE, b: '\u2028\u2029', c: [1, null, 'x'] }
    const text = jsonForScript(value)
    expect(text).not.toMatch(/[<>&\u2028\u2029]/)
    expect(JSON.parse(text)).toEqual(value)
  })

  it('opens with the verdict: failed thresholds in plain words with actual values', () => {
    expect(html).toContain('data-verdict="fail"')
    const verdictAt = html.indexOf('id="verdict"')
    expect(verdictAt).toBeGreaterThan(-1)
    expect(verdictAt).toBeLessThan(html.indexOf('id="summary"'))
    expect(verdictAt).toBeLessThan(html.indexOf('id="chart-ttft"'))
    expect(html).toContain('Failed: 4 of 6 thresholds not met')
    expect(html).toContain('95th percentile time to first token below 2,000 ms</strong>: was 4,825 ms')
  })

  it('has every table and a chart placeholder with a no-JavaScript fallback for each chart', () => {
    for (const id of ['summary', 'thresholds', 'latency', 'tasks', 'phases', 'malformed', 'outcomes', 'notes', 'run']) {
      expect(html, id).toContain(`<section id="${id}">`)
    }
    for (const chart of buildCharts(peakHour).charts) expect(html).toContain(`<div class="chart-area" id="chart-${chart.id}"><p class="chart-fallback">`)
    expect(html).toContain('<svg class="bars"')
    expect(count(html, '<rect class="bar"')).toBe(4)
    expect(html).toContain('rejected cleanly (4xx)')
    expect(html).toContain('20–30 min')
  })

  it('uses the title option', () => {
    expect(renderHtmlReport(peakHour, { title: 'Monday peak <test>' })).toContain('<title>Monday peak &lt;test&gt;</title>')
  })

  it('says when no thresholds were set, and leaves out empty sections (tiny run)', () => {
    const tiny = renderHtmlReport(tinySummary())
    expect(tiny).toContain('data-verdict="none"')
    expect(tiny).toContain('No pass/fail thresholds were set')
    expect(tiny).not.toContain('<section id="phases">')
    expect(tiny).not.toContain('<section id="malformed">')
  })

  it('passes when every threshold passes, and marks a partial run', () => {
    const summary = peakHourSummary()
    summary.thresholds = summary.thresholds.filter((row) => row.pass)
    summary.partial = true
    const partial = renderHtmlReport(summary)
    expect(partial).toContain('data-verdict="pass"')
    expect(partial).toContain('Passed: all 2 thresholds met')
    expect(partial).toContain('class="partial-marker"')
  })

  it('shows unknown spend as unknown, not as zero', () => {
    const summary = tinySummary()
    summary.spend.usd = 'unknown'
    summary.spend.per_1k_requests_usd = 'unknown'
    summary.spend.per_task['chat'] = 'unknown'
    const unknown = renderHtmlReport(summary)
    expect(unknown).toContain('unknown (model not priced)')
    expect(unknown).toContain('Spend is unknown for part of the run')
    expect(unknown).not.toContain('<rect class="bar"')
  })

  it('renders a run with nothing in it', () => {
    const summary = tinySummary()
    summary.timeseries.buckets = []
    summary.tasks = {}
    summary.spend.per_task = {}
    summary.latency.ttft_ms.count = 0
    summary.latency.e2e_ms.count = 0
    const empty = renderHtmlReport(summary)
    expect(empty).not.toContain('class="chart-area"')
    expect(embeddedJson(empty, 'gauntlet-charts')).toEqual({ timeUnit: 's', phases: [], charts: [] })
  })

  it('shows the endpoint without credentials or query', () => {
    expect(displayUrl('https://user:secret@example.test/v1?api-key=abc#x')).toBe('https://example.test/v1?api-key=redacted')
    expect(displayUrl('not a url')).toBe('not a url')
  })
})

describe('writeHtmlReport', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gauntlet-html-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes outDir/report.html, creating the folder, and returns its path', async () => {
    const summary = tinySummary()
    const path = await writeHtmlReport(summary, join(dir, 'run-1'))
    expect(path).toBe(join(dir, 'run-1', 'report.html'))
    expect(await readFile(path, 'utf8')).toBe(renderHtmlReport(summary))
  })
})
