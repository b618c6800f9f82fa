// The comparison's terminal table and HTML page: winners marked, values formatted in their
// units, the method stated, labels escaped, links relative, nothing loaded from the network.
import { describe, expect, it } from 'vitest'
import { buildComparison, collectTargetData, type Comparison } from '../../../results/compare/index.js'
import { compareCharts, renderCompareHtml } from '../../../results/reports/compare-html.js'
import { formatDelta, formatRowValue, formatUsdValue, renderCompareTerminal } from '../../../results/reports/compare-terminal.js'
import type { Sample } from '../../../results/types.js'
import { tinySummary } from '../reports/summaries.js'

function okSamples(prefix: string, count: number, ttftMs: number, spendUsd: number): Sample[] {
  return Array.from({ length: count }, (_, i) => ({
    requestId: `${prefix}${i}`,
    attempt: 1,
    userId: 'u',
    task: 'chat',
    outcome: 'ok' as const,
    scheduledAtMs: 0,
    ttftMs: ttftMs + i,
    e2eMs: ttftMs + i + 500,
    outputTokens: 26,
    spendUsd,
  }))
}

function comparisonOf(labels: [string, string]): Comparison {
  const inputs = labels.map((label, index) => {
    const summary = tinySummary()
    summary.target = { ...summary.target, label, pricedAs: 'gpt-4o-mini' }
    if (index === 1) summary.thresholds = [{ text: 'ttft_ms.p95<300', actual: 640, pass: false }]
    const samples = index === 0 ? okSamples('a', 50, 100, 0.0002) : okSamples('b', 50, 600, 0.0002)
    return { label, summary, data: collectTargetData(samples), folder: `targets/${index === 0 ? 'first' : 'second'}` }
  })
  return buildComparison(inputs, { seed: 1, mode: 'concurrent', createdAt: '2025-03-04T05:06:07.000Z' })
}

describe('value formatting', () => {
  it('keeps about three significant digits of dollars, and signs differences', () => {
    expect(formatUsdValue(0.000123)).toBe('$0.000123')
    expect(formatUsdValue(0.0456)).toBe('$0.0456')
    expect(formatUsdValue(12.3)).toBe('$12.30')
    expect(formatUsdValue(2_339.4)).toBe('$2,339')
    expect(formatRowValue('share', 0.0042)).toBe('0.42 %')
    expect(formatRowValue('share', 0.25)).toBe('25.0 %')
    expect(formatRowValue('ms', 1234.5)).toBe('1,235 ms')
    expect(formatRowValue('ms', null)).toBe('–')
    expect(formatDelta('ms', -500)).toBe('−500 ms')
    expect(formatDelta('share', 0.125)).toBe('+12.5 pp')
    expect(formatDelta('usd', 0)).toBe('±$0')
  })
})

describe('terminal table', () => {
  const text = renderCompareTerminal(comparisonOf(['fast', 'slow']), { outDir: '/tmp/out' })

  it('puts the targets side by side with the winner marked and the difference with its interval', () => {
    const ttft = text.split('\n').find((line) => line.trim().startsWith('TTFT p50'))
    expect(ttft).toMatch(/TTFT p50\s+124 ms ✓\s+624 ms\s+fast\s+−500 ms \(−\d+ ms … −\d+ ms\)/)
    const spend = text.split('\n').find((line) => line.trim().startsWith('spend per 1k requests'))
    expect(spend).toMatch(/\$0\.2000 =\s+\$0\.2000 =\s+tie \(fast = slow\)/)
    expect(text).toMatch(/^vendor comparison: fast vs slow/)
    expect(text).toMatch(/thresholds FAILED: slow \(1 of 1\)/)
    expect(text).toMatch(/rows won: fast \d+, slow 0; \d+ tied; 0 without a verdict/)
    expect(text).toMatch(/method: Each row names a winner only when a seeded bootstrap 95 % confidence interval/)
    expect(text).toMatch(/10,000 employees × 75 % adoption × 30 queries a day × 21 working days = 4,725,000 requests a month/)
    expect(text).toMatch(/so the client sent 2× the traffic's load/)
    expect(text).toMatch(/fast: targets\/first\/ \(report\.html/)
  })
})

describe('HTML page', () => {
  it('is self-contained: a CSP that forbids the network, uPlot inlined, no external URLs', () => {
    const html = renderCompareHtml(comparisonOf(['fast', 'slow']))
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`)
    expect(html).toMatch(/uPlot/)
    expect(html).not.toMatch(/<script[^>]+src=/)
    expect(html).not.toMatch(/<link[^>]+href=/)
    expect(html).toContain('<a href="targets/first/report.html">fast’s own report</a>')
    expect(html).toMatch(/data-row="ttft_ms.p50" data-verdict="winner"/)
    expect(html).toMatch(/<td class="value win" title="n = 50">124 ms<span class="mark" title="winner">✓<\/span><\/td>/)
    expect(html).toContain('1 of 1 thresholds failed')
    expect(html).toContain('How to read this')
  })

  it('escapes target labels everywhere, including inside the embedded JSON', () => {
    const html = renderCompareHtml(comparisonOf(['<img src=x onerror=alert(1)>', 'b"&']))
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).not.toMatch(/<\/script><img/)
    const json = /<script type="application\/json" id="gauntlet-comparison">(.*?)<\/script>/s.exec(html)?.[1] ?? ''
    expect((JSON.parse(json) as Comparison).targets[0]?.label).toBe('<img src=x onerror=alert(1)>')
  })

  it('charts each target’s TTFT and e2e percentiles from its raw requests', () => {
    const charts = compareCharts(comparisonOf(['fast', 'slow']))
    expect(charts.charts.map((chart) => chart.id)).toEqual(['compare-ttft', 'compare-e2e'])
    const ttft = charts.charts[0]
    expect(ttft?.series.map((s) => s.label)).toEqual(['fast', 'slow'])
    // 50 values 100..149: min 100, p50 124 (25th), p90 144, p95 147, p99 149, p99.9 149, max 149.
    expect(ttft?.series[0]?.values).toEqual([100, 124, 144, 147, 149, 149, 149])
    expect(ttft?.x).toEqual([1, 2, 10, 20, 100, 1000, 10_000])
  })
})
