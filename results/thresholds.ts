// k6-like pass/fail thresholds: "ttft_ms.p95<2000" parsed, evaluated against a run, tabled, and translated for k6.
//
//   threshold := METRIC [ "." STAT ] OP NUMBER        e.g. ttft_ms.p95 < 2000, error_rate<0.01
//             |  STAT "(" METRIC ")" OP NUMBER         e.g. p99(e2e_ms) < 15000
//   latency METRIC needs a STAT; a scalar METRIC takes none.
import { UserError } from '../core/errors.js'

export const LATENCY_METRICS = [
  'ttft_ms',
  'ttft_service_ms',
  'itl_ms',
  'tpot_ms',
  'e2e_ms',
  'e2e_service_ms',
  'schedule_lag_ms',
] as const

export const SCALAR_METRICS = [
  'error_rate',
  'abandon_rate',
  'drop_rate',
  'spend_usd',
  'spend_per_1k_usd',
  'goodput_rps',
  'throughput_rps',
  'output_tokens_per_s',
  'retry_amplification',
  'users_quit',
] as const

export const LATENCY_STATS = ['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean', 'min'] as const

export const THRESHOLD_OPERATORS = ['<', '<=', '>', '>=', '=='] as const

export type LatencyMetric = (typeof LATENCY_METRICS)[number]
export type ScalarMetric = (typeof SCALAR_METRICS)[number]
export type ThresholdMetric = LatencyMetric | ScalarMetric
export type LatencyStat = (typeof LATENCY_STATS)[number]
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number]

export interface Threshold {
  metric: ThresholdMetric
  /** Present exactly for latency metrics. */
  stat?: LatencyStat
  op: ThresholdOperator
  value: number
  /** The expression as the user wrote it (trimmed). */
  text: string
}

const LATENCY_SET: ReadonlySet<string> = new Set(LATENCY_METRICS)
const SCALAR_SET: ReadonlySet<string> = new Set(SCALAR_METRICS)
const STAT_SET: ReadonlySet<string> = new Set(LATENCY_STATS)
/** k6 spellings accepted as statistics. */
const STAT_ALIASES: Record<string, LatencyStat> = { avg: 'mean', med: 'p50', 'p(50)': 'p50', 'p(90)': 'p90', 'p(95)': 'p95', 'p(99)': 'p99', 'p(99.9)': 'p999' }

const NUMBER_PATTERN = /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i

const METRIC_LIST =
  `latency metrics (need .${LATENCY_STATS.join('/.')}): ${LATENCY_METRICS.join(', ')}; ` +
  `scalar metrics (no statistic): ${SCALAR_METRICS.join(', ')}`

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length] as number
}

function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const option of options) {
    const distance = editDistance(word, option)
    if (distance < bestDistance) {
      best = option
      bestDistance = distance
    }
  }
  return best
}

/**
 * Parses one threshold. `source` names where it came from for the error message
 * (default `--threshold`; e.g. `gauntlet.config.ts thresholds[2]`). Throws `THRESHOLD_INVALID`.
 */
export function parseThreshold(text: string, source = '--threshold'): Threshold {
  const trimmed = text.trim()
  function fail(problem: string, fix: string): never {
    throw new UserError('THRESHOLD_INVALID', `${source} ${JSON.stringify(trimmed)}: ${problem}; fix: ${fix}`)
  }
  const example = 'write METRIC[.STAT] OP NUMBER, e.g. ttft_ms.p95<2000 or error_rate<0.01'
  if (trimmed.length === 0) fail('the threshold is empty', example)

  // STAT(METRIC) rest  |  METRIC[.STAT] rest
  const called = /^([a-z][a-z0-9]*)\(\s*([a-z_][a-z0-9_]*)\s*\)\s*(.*)$/i.exec(trimmed)
  const dotted = /^([a-z_][a-z0-9_]*)(?:\.(p\(\d+(?:\.\d+)?\)|[a-z0-9_]+))?\s*(.*)$/i.exec(trimmed)
  if (called === null && dotted === null) fail('it does not start with a metric name', `${example} (${METRIC_LIST})`)
  const metricText = (called !== null ? called[2] : dotted?.[1]) ?? ''
  const statText = called !== null ? called[1] : dotted?.[2]
  const rest = (called !== null ? called[3] : dotted?.[3]) ?? ''

  const metric = metricText.toLowerCase()
  if (!LATENCY_SET.has(metric) && !SCALAR_SET.has(metric)) {
    const guess = closest(metric, [...LATENCY_METRICS, ...SCALAR_METRICS])
    fail(`unknown metric "${metricText}"${guess === undefined ? '' : ` (did you mean ${guess}?)`}`, `use one of the ${METRIC_LIST}`)
  }

  let stat: LatencyStat | undefined
  if (LATENCY_SET.has(metric)) {
    if (statText === undefined) {
      const written = rest.length > 0 ? rest.replace(/\s+/g, '') : '<2000'
      fail(`${metric} is a latency metric and needs a statistic`, `write e.g. ${metric}.p95${written} (statistics: ${LATENCY_STATS.join(', ')})`)
    }
    const lower = statText.toLowerCase()
    stat = STAT_SET.has(lower) ? (lower as LatencyStat) : STAT_ALIASES[lower]
    if (stat === undefined) {
      const guess = closest(lower, LATENCY_STATS)
      fail(`unknown statistic "${statText}"${guess === undefined ? '' : ` (did you mean ${guess}?)`}`, `use one of ${LATENCY_STATS.join(', ')}`)
    }
  } else if (statText !== undefined) {
    fail(`${metric} is a single number and takes no statistic (got ".${statText}")`, `write e.g. ${metric}${rest.replace(/\s+/g, '') || '<0.01'}`)
  }

  const operator = /^(<=|>=|==|<|>)\s*(.*)$/.exec(rest)
  if (operator === null) {
    const found = /^[=!<>]+/.exec(rest)?.[0]
    const subject = `${metricText}${statText === undefined ? '' : `.${statText}`}`
    fail(
      found === undefined ? `expected an operator after ${subject}, got ${rest.length > 0 ? JSON.stringify(rest) : 'nothing'}` : `unknown operator "${found}"`,
      `use one of ${THRESHOLD_OPERATORS.join(' ')}`,
    )
  }
  const op = operator[1] as ThresholdOperator
  const valueText = (operator[2] ?? '').trim()
  if (!NUMBER_PATTERN.test(valueText)) {
    fail(
      `expected a number after "${op}", got ${valueText.length > 0 ? JSON.stringify(valueText) : 'nothing'}`,
      "give a plain number in the metric's unit (ms for *_ms, a fraction 0..1 for *_rate, USD for spend_*), e.g. 2000 or 0.05",
    )
  }
  const value = Number(valueText)
  if (!Number.isFinite(value)) fail(`the number ${valueText} is out of range`, 'give a finite number')

  return { metric: metric as ThresholdMetric, ...(stat === undefined ? {} : { stat }), op, value, text: trimmed }
}

/** Parses several thresholds and reports every bad one at once. */
export function parseThresholds(texts: readonly string[], source = '--threshold'): Threshold[] {
  const thresholds: Threshold[] = []
  const problems: string[] = []
  texts.forEach((text, index) => {
    try {
      thresholds.push(parseThreshold(text, texts.length > 1 && source !== '--threshold' ? `${source}[${index}]` : source))
    } catch (error) {
      if (!(error instanceof UserError)) throw error
      problems.push(error.message)
    }
  })
  if (problems.length > 0) throw new UserError('THRESHOLD_INVALID', problems.join(' | '))
  return thresholds
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** The run's value for a metric (and statistic); null/undefined when it has none. */
export type ThresholdLookup = (metric: string, stat?: string) => number | null | undefined

export interface ThresholdResult {
  text: string
  actual: number | null
  pass: boolean
  reason?: string
}

function compare(actual: number, op: ThresholdOperator, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value
    case '<=':
      return actual <= value
    case '>':
      return actual > value
    case '>=':
      return actual >= value
    case '==':
      return actual === value
  }
}

function missingReason(threshold: Threshold): string {
  if (threshold.metric === 'spend_usd' || threshold.metric === 'spend_per_1k_usd') {
    return 'spend is unknown (the model is not in the price table; pass a pricing table to price it)'
  }
  if (LATENCY_SET.has(threshold.metric)) return `no ${threshold.metric} samples in this run`
  return `${threshold.metric} has no value in this run`
}

/** Checks each threshold; a metric without a value fails, with the reason. */
export function evaluateThresholds(thresholds: readonly Threshold[], lookup: ThresholdLookup): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const actual = lookup(threshold.metric, threshold.stat)
    if (actual === null || actual === undefined || Number.isNaN(actual)) {
      return { text: threshold.text, actual: null, pass: false, reason: missingReason(threshold) }
    }
    return { text: threshold.text, actual, pass: compare(actual, threshold.op, threshold.value) }
  })
}

export function allThresholdsPass(results: readonly ThresholdResult[]): boolean {
  return results.every((result) => result.pass)
}

function formatActual(value: number | null): string {
  if (value === null) return 'n/a'
  if (Number.isInteger(value)) return String(value)
  return String(Number(value.toPrecision(Math.abs(value) >= 1 ? 6 : 4)))
}

/**
 * A plain-text pass/fail table:
 *
 *   status  threshold          actual
 *   PASS    ttft_ms.p95<2000   1234.5
 *   FAIL    spend_usd<50       n/a     spend is unknown (…)
 */
export function formatThresholdTable(results: readonly ThresholdResult[]): string {
  if (results.length === 0) return 'no thresholds'
  const rows = results.map((result) => [result.pass ? 'PASS' : 'FAIL', result.text, formatActual(result.actual), result.reason ?? ''])
  const header = ['status', 'threshold', 'actual', '']
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)))
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ').trimEnd()
  const failed = results.filter((result) => !result.pass).length
  const footer = failed === 0 ? `all ${results.length} thresholds passed` : `${failed} of ${results.length} thresholds failed`
  return [line(header), ...rows.map(line), footer].join('\n')
}

// ---------------------------------------------------------------------------------------------
// k6

/**
 * Our metrics as the k6 scripts' custom metrics: Trends `llm_ttft`, `llm_e2e`, `llm_itl`,
 * `llm_tpot` (ms), Rates `llm_errors`, `llm_abandoned`, Counter `llm_spend_usd`. k6 times a
 * request from its send; its arrival-rate executors drop an iteration rather than start it late,
 * so a send is on schedule and `ttft_ms` and `ttft_service_ms` both map to `llm_ttft`.
 */
const K6_TRENDS: Partial<Record<ThresholdMetric, string>> = {
  ttft_ms: 'llm_ttft',
  ttft_service_ms: 'llm_ttft',
  e2e_ms: 'llm_e2e',
  e2e_service_ms: 'llm_e2e',
  itl_ms: 'llm_itl',
  tpot_ms: 'llm_tpot',
}

const K6_AGGREGATIONS: Record<LatencyStat, string> = {
  p50: 'med',
  p90: 'p(90)',
  p95: 'p(95)',
  p99: 'p(99)',
  p999: 'p(99.9)',
  max: 'max',
  min: 'min',
  mean: 'avg',
}

const K6_SCALARS: Partial<Record<ThresholdMetric, readonly [metric: string, aggregation: string]>> = {
  error_rate: ['llm_errors', 'rate'],
  abandon_rate: ['llm_abandoned', 'rate'],
  spend_usd: ['llm_spend_usd', 'count'],
}

export interface K6Threshold {
  metric: string
  /** k6 threshold syntax, e.g. `p(95)<2000`, `rate<0.01`, `count<50`. */
  expression: string
}

/** The k6 form of a threshold, or undefined when k6 has no metric for it (schedule lag, goodput, …). */
export function thresholdToK6(threshold: Threshold): K6Threshold | undefined {
  const trend = K6_TRENDS[threshold.metric]
  if (trend !== undefined) {
    if (threshold.stat === undefined) return undefined
    return { metric: trend, expression: `${K6_AGGREGATIONS[threshold.stat]}${threshold.op}${threshold.value}` }
  }
  const scalar = K6_SCALARS[threshold.metric]
  if (scalar === undefined) return undefined
  return { metric: scalar[0], expression: `${scalar[1]}${threshold.op}${threshold.value}` }
}

/** k6 `options.thresholds` for the thresholds k6 can express, and the ones it cannot. */
export function thresholdsToK6(thresholds: readonly Threshold[]): { thresholds: Record<string, string[]>; unsupported: Threshold[] } {
  const out: Record<string, string[]> = {}
  const unsupported: Threshold[] = []
  for (const threshold of thresholds) {
    const k6 = thresholdToK6(threshold)
    if (k6 === undefined) unsupported.push(threshold)
    else (out[k6.metric] ??= []).push(k6.expression)
  }
  return { thresholds: out, unsupported }
}
