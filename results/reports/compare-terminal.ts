// The bake-off as text for a terminal or CI log: a side-by-side table with the winner of each
// row marked, then the tally, the method, the workforce assumption, notes and where the runs are.
import type { CompareRow, CompareSection, Comparison, RowDifference, RowUnit } from '../compare/index.js'
import { formatMsValue, formatNumber, table } from './format.js'

const SECTION_TITLES: Record<CompareSection, string> = {
  spend: 'spend',
  latency: 'latency (completed requests)',
  throughput: 'output speed',
  errors: 'errors',
  users: 'users',
  'messy-input': 'messy input (share rejected cleanly with a 4xx)',
  accuracy: 'answer accuracy over your own tables',
}

export const SECTION_ORDER: readonly CompareSection[] = ['spend', 'latency', 'throughput', 'errors', 'users', 'messy-input', 'accuracy']

export function sectionTitle(section: CompareSection): string {
  return SECTION_TITLES[section]
}

/** Dollars with at least three significant digits, however small: $0.000123, $0.0456, $12.30, $1,234. */
export function formatUsdValue(value: number): string {
  const size = Math.abs(value)
  if (size >= 100) return `$${formatNumber(value, 0)}`
  if (size >= 1) return `$${formatNumber(value, 2)}`
  if (size === 0) return '$0'
  const digits = Math.min(9, Math.max(4, 2 - Math.floor(Math.log10(size))))
  return `$${value.toFixed(digits)}`
}

export function formatRowValue(unit: RowUnit, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–'
  switch (unit) {
    case 'usd':
      return formatUsdValue(value)
    case 'ms':
      return `${formatMsValue(value)} ms`
    case 'tokens_per_s':
      return `${formatNumber(value, value >= 100 ? 0 : 1)} tok/s`
    case 'share':
      return `${formatNumber(value * 100, value !== 0 && Math.abs(value) < 0.01 ? 2 : 1)} %`
  }
}

/** A difference (best − other): signed, in the row's unit; shares in percentage points. */
export function formatDelta(unit: RowUnit, value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+∞' : '−∞'
  const sign = value < 0 ? '−' : value > 0 ? '+' : '±'
  const size = Math.abs(value)
  switch (unit) {
    case 'usd':
      return `${sign}${formatUsdValue(size)}`
    case 'ms':
      return `${sign}${formatMsValue(size)} ms`
    case 'tokens_per_s':
      return `${sign}${formatNumber(size, size >= 100 ? 0 : 1)} tok/s`
    case 'share':
      return `${sign}${formatNumber(size * 100, size !== 0 && size < 0.01 ? 2 : 1)} pp`
  }
}

/** `−120 ms (−150 ms … −98 ms)`, or with names `A −120 ms vs B (…)`; the interval's level is in the column header. */
export function formatDifference(unit: RowUnit, difference: RowDifference, withNames: boolean): string {
  const ci = `${formatDelta(unit, difference.low)} … ${formatDelta(unit, difference.high)}`
  return withNames
    ? `${difference.target} ${formatDelta(unit, difference.difference)} vs ${difference.against} (${ci})`
    : `${formatDelta(unit, difference.difference)} (${ci})`
}

export function verdictText(row: CompareRow): string {
  switch (row.verdict.kind) {
    case 'winner':
      return row.verdict.target
    case 'tie':
      return `tie (${row.verdict.targets.join(' = ')})`
    case 'none':
      return 'no verdict'
  }
}

/** True when this target's value is the row's winner, or among the tied best. */
export function isMarked(row: CompareRow, label: string): 'win' | 'tie' | undefined {
  if (row.verdict.kind === 'winner') return row.verdict.target === label ? 'win' : undefined
  if (row.verdict.kind === 'tie' && row.verdict.targets.includes(label)) return 'tie'
  return undefined
}

/** Requests in the traffic: from its header, else the most any target had come due (generated traffic). */
export function trafficRequests(comparison: Comparison): number | null {
  if (comparison.traffic.requests !== null) return comparison.traffic.requests
  const due = comparison.targets.map((target) => target.requests.scheduled)
  return due.length === 0 ? null : Math.max(...due)
}

export function renderCompareTerminal(comparison: Comparison, options: { outDir?: string | null } = {}): string {
  const { targets, rows } = comparison
  const labels = targets.map((target) => target.label)
  const confidence = comparison.method.confidence
  const lines: string[] = []
  const requests = trafficRequests(comparison)
  lines.push(
    `vendor comparison: ${labels.join(' vs ')} — the same traffic (${comparison.traffic.source}${requests === null ? '' : `, ${formatNumber(requests)} requests`}), ${comparison.mode}`,
  )
  const failing = targets.filter((target) => target.thresholds.failed > 0)
  if (targets.some((target) => target.thresholds.total > 0)) {
    lines.push(
      failing.length === 0
        ? 'thresholds: every target passed'
        : `thresholds FAILED: ${failing.map((target) => `${target.label} (${target.thresholds.failed} of ${target.thresholds.total})`).join(', ')}`,
    )
  }
  lines.push('')
  const header = ['', ...labels, 'winner', `difference, best vs other (${Math.round(confidence * 100)} % CI)`]
  const tableRows: string[][] = [header]
  for (const section of SECTION_ORDER) {
    const inSection = rows.filter((row) => row.section === section)
    if (inSection.length === 0) continue
    tableRows.push([sectionTitle(section), ...labels.map(() => ''), '', ''])
    for (const row of inSection) {
      const cells = labels.map((label, index) => {
        const mark = isMarked(row, label)
        return `${formatRowValue(row.unit, row.values[index] ?? null)}${mark === 'win' ? ' ✓' : mark === 'tie' ? ' =' : '  '}`
      })
      const differences =
        row.verdict.kind === 'none' ? [row.verdict.reason] : row.differences.map((d) => formatDifference(row.unit, d, labels.length > 2))
      tableRows.push([`  ${row.label}`, ...cells, verdictText(row), differences[0] ?? ''])
      // With three or more targets, one line per pair keeps the table narrow enough to read.
      for (const more of differences.slice(1)) tableRows.push(['', ...labels.map(() => ''), '', more])
    }
  }
  lines.push(table(tableRows, ['l', ...labels.map(() => 'r' as const), 'l', 'l']))
  lines.push('(✓ winner, = tied within noise)')
  const malformed = rows.filter((row) => row.section === 'messy-input' && row.details !== undefined)
  if (malformed.length > 0) {
    lines.push('')
    lines.push('messy input, how each target handled it:')
    const handling: string[][] = []
    for (const row of malformed) {
      labels.forEach((label, index) => handling.push([index === 0 ? `  ${row.label.replace(/^messy input: /, '')}` : '', label, row.details?.[index] ?? '–']))
    }
    lines.push(table(handling, ['l', 'l', 'l']))
  }
  lines.push('')
  const tally = labels.map((label) => `${label} ${comparison.wins[label] ?? 0}`).join(', ')
  lines.push(`rows won: ${tally}; ${comparison.ties} tied; ${comparison.undecided} without a verdict`)
  lines.push(`method: ${comparison.method.summary} Seed ${comparison.method.seed}.`)
  const w = comparison.workforce
  lines.push(
    `monthly projection: ${formatNumber(w.employees)} employees × ${formatNumber(w.adoption * 100, 0)} % adoption × ${formatNumber(w.queriesPerDay)} queries a day × ${formatNumber(w.workingDaysPerMonth)} working days = ${formatNumber(w.requestsPerMonth)} requests a month (change with --employees-forecast, --adoption, --queries-per-day, --working-days)`,
  )
  if (comparison.mode === 'concurrent') {
    lines.push(`mode: concurrent — every target got each request at the same moment, so the client sent ${targets.length}× the traffic's load`)
  } else {
    lines.push('mode: sequential — one target after another; time-of-day effects on the endpoints differ between them')
  }
  for (const warning of comparison.warnings) lines.push(`WARNING: ${warning}`)
  for (const note of comparison.notes) lines.push(`note: ${note}`)
  if (options.outDir !== undefined && options.outDir !== null) {
    lines.push('')
    lines.push(`results in ${options.outDir}/ (compare.json, compare.html)`)
    for (const target of targets) {
      if (target.folder !== null) lines.push(`  ${target.label}: ${target.folder}/ (report.html, summary.json, records.jsonl)`)
    }
  }
  return lines.join('\n')
}
