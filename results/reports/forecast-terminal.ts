// The workforce forecast as text: one table with the pilot next to the enterprise, then the
// task profile it rests on and the assumptions.
import { conversationForecastLines } from '../conversations/forecast-lines.js'
import type { ForecastDocument, ScenarioForecast } from '../forecast.js'
import { formatLoad } from '../sweep.js'
import { formatMsValue, formatNumber, formatPercent, formatUsd, table } from './format.js'

function usd(value: number | null): string {
  if (value === null) return 'unknown'
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toPrecision(2)}`
  return formatUsd(value, Math.abs(value) >= 100 ? 0 : 2)
}

function rate(value: number): string {
  return value >= 10 ? formatNumber(value, 1) : value >= 0.1 ? formatNumber(value, 2) : value.toPrecision(2)
}

function scenarioTitle(scenario: ScenarioForecast): string {
  return scenario.adoption === 1
    ? `${scenario.label} (${formatNumber(scenario.employees)} users)`
    : `${scenario.label} (${formatNumber(scenario.employees)} × ${formatPercent(scenario.adoption, 0)})`
}

export function renderForecastTerminal(document: ForecastDocument, options: { outPath?: string } = {}): string {
  const lines: string[] = []
  const scenarios = document.scenarios
  const priced = document.pricedAs === null ? 'unpriced' : `priced as ${document.pricedAs}${document.priceTableAsOf === null ? '' : ` (prices as of ${document.priceTableAsOf})`}`
  lines.push(
    `Forecast from run ${document.run.runId} (${document.run.target}, ${formatNumber(document.profile.completed)} completed requests), ${priced}: ${usd(document.perRequestUsd)} per request`,
  )
  lines.push('')
  const row = (label: string, pick: (scenario: ScenarioForecast) => string): string[] => [label, ...scenarios.map(pick)]
  const rows: string[][] = [['', ...scenarios.map(scenarioTitle)]]
  rows.push(row('active users', (s) => formatNumber(s.activeUsers)))
  rows.push(row('requests per working day', (s) => formatNumber(s.requestsPerDay)))
  rows.push(row(`requests per month (${document.assumptions.workingDaysPerMonth} days)`, (s) => formatNumber(s.requestsPerMonth)))
  rows.push(row('spend per working day', (s) => usd(s.perDayUsd)))
  rows.push(row('spend per month', (s) => usd(s.perMonthUsd)))
  rows.push(row('spend per year', (s) => usd(s.perYearUsd)))
  rows.push(row('busiest hour’s share of a day', (s) => formatPercent(s.peakHourShare)))
  rows.push(row('peak-hour requests per hour', (s) => formatNumber(s.peakRequestsPerHour)))
  rows.push(row('peak-hour rate (req/s)', (s) => rate(s.peakRatePerSecond)))
  rows.push(row('concurrent streams at peak', (s) => (s.concurrentStreams === null ? '–' : s.concurrentStreams < 1 ? s.concurrentStreams.toPrecision(2) : formatNumber(s.concurrentStreams, s.concurrentStreams < 10 ? 1 : 0))))
  if (document.sweep !== null) {
    rows.push(row('TTFT p95 at peak (ms)', (s) => formatMsValue(s.latencyAtPeak?.ttftP95Ms ?? null)))
    rows.push(row('e2e p95 at peak (ms)', (s) => formatMsValue(s.latencyAtPeak?.e2eP95Ms ?? null)))
    rows.push(row('sweep’s SLO-meeting rate ÷ peak rate', (s) => (s.latencyAtPeak?.headroom === null || s.latencyAtPeak === null ? '–' : `×${s.latencyAtPeak.headroom.toFixed(1)}`)))
  }
  lines.push(table(rows, ['l', ...scenarios.map(() => 'r' as const)]))
  lines.push('')
  if (document.sweep !== null) {
    lines.push(`Latency at the peak rate, from the sweep of ${document.sweep.target} (${document.sweep.dir}):`)
    for (const scenario of scenarios) lines.push(`  ${scenario.label}: ${rate(scenario.peakRatePerSecond)} req/s — ${scenario.latencyAtPeak?.note ?? 'no sweep'}`)
    if (document.sweep.knee !== null) lines.push(`  the sweep's knee is at ${formatLoad(document.sweep.knee)} ${document.sweep.mode === 'rate' ? 'req/s' : 'users'}`)
    lines.push('')
  } else {
    lines.push('Latency at the peak rate: no sweep given (run `gauntlet sweep` and pass --sweep DIR).')
    lines.push('')
  }
  lines.push('Task profile (means per completed request, from the run)')
  const profileRows = [['task', 'share', 'input tokens', 'output tokens', '$ / request']]
  for (const task of document.profile.rows) {
    profileRows.push([task.name, formatPercent(task.share), formatNumber(task.meanInputTokens, 0), formatNumber(task.meanOutputTokens, 0), usd(task.perRequestUsd)])
  }
  lines.push(table(profileRows).replace(/^/gm, '  '))
  lines.push('')
  if (document.conversations !== undefined) lines.push(...conversationForecastLines(document.conversations, usd))
  lines.push('Assumptions')
  lines.push(`  - ${formatNumber(document.assumptions.queriesPerDay)} queries per active user per working day, ${document.assumptions.workingDaysPerMonth} working days a month, 12 months a year; weekends not counted`)
  lines.push(`  - peak hour: ${document.assumptions.peakModel}`)
  lines.push(`  - concurrent streams: ${document.assumptions.streamTime}`)
  if (document.runSpendPerRequestUsd !== null && document.runSpendPerRequestUsd !== 'unknown') {
    lines.push(`  - the run itself spent ${usd(document.runSpendPerRequestUsd)} per request sent (retries, errors and abandoned answers included); the forecast prices completed answers only`)
  }
  for (const note of document.notes) lines.push(`  - ${note}`)
  if (options.outPath !== undefined) lines.push('', `written: ${options.outPath}`)
  return lines.join('\n')
}
