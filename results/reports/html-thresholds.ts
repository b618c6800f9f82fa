// A threshold result in words: what the rule measures, its limit and the actual value in the
// metric's unit. Shared by the HTML report's tables and the JUnit failure messages.
import { UserError } from '../../core/errors.js'
import type { ThresholdResult } from '../summary.js'
import { parseThreshold, type Threshold } from '../thresholds.js'
import { formatMsValue, formatNumber, formatPercent, formatUsd } from './format.js'

const METRIC_WORDS: Record<string, string> = {
  ttft_ms: 'time to first token',
  ttft_service_ms: 'time to first token from send',
  itl_ms: 'gap between tokens',
  tpot_ms: 'time per output token',
  e2e_ms: 'time to full answer',
  e2e_service_ms: 'time to full answer from send',
  schedule_lag_ms: 'client send lag',
  error_rate: 'share of sent requests that failed',
  abandon_rate: 'share of sent requests users gave up on',
  drop_rate: 'share of due requests dropped unsent',
  spend_usd: 'total spend',
  spend_per_1k_usd: 'spend per 1,000 requests',
  goodput_rps: 'requests per second within the SLO',
  throughput_rps: 'completed requests per second',
  output_tokens_per_s: 'output tokens per second',
  retry_amplification: 'attempts per request (retries)',
  users_quit: 'simulated users who quit',
}

const STAT_WORDS: Record<string, string> = {
  p50: 'median',
  p90: '90th percentile',
  p95: '95th percentile',
  p99: '99th percentile',
  p999: '99.9th percentile',
  max: 'slowest',
  min: 'fastest',
  mean: 'mean',
}

const OPERATOR_WORDS: Record<string, string> = { '<': 'below', '<=': 'at most', '>': 'above', '>=': 'at least', '==': 'exactly' }

export interface ThresholdWords {
  /** Plain words, e.g. `95th percentile time to first token below 2,000 ms`; the rule text when unparsable. */
  meaning: string
  /** `< 2,000 ms`; empty when the rule cannot be parsed. */
  limit: string
  /** The actual value in the metric's unit; `–` when the run has none. */
  actual: string
}

function parsed(text: string): Threshold | undefined {
  try {
    return parseThreshold(text)
  } catch (error) {
    // A rule this build cannot parse (older or newer syntax) is still shown, as written.
    if (error instanceof UserError) return undefined
    throw error
  }
}

export function formatMetricValue(metric: string, value: number | null): string {
  if (value === null) return '–'
  if (metric.endsWith('_ms')) return `${formatMsValue(value)} ms`
  if (metric.endsWith('_rate')) return formatPercent(value, 2)
  if (metric.endsWith('_usd')) return formatUsd(value)
  if (metric === 'retry_amplification') return `×${formatNumber(value, 2)}`
  return formatNumber(value, Number.isInteger(value) ? 0 : 2)
}

export function describeThreshold(result: ThresholdResult): ThresholdWords {
  const threshold = parsed(result.text)
  if (threshold === undefined) {
    return { meaning: result.text, limit: '', actual: result.actual === null ? '–' : formatNumber(result.actual, Number.isInteger(result.actual) ? 0 : 4) }
  }
  const limit = `${threshold.op} ${formatMetricValue(threshold.metric, threshold.value)}`
  const what = METRIC_WORDS[threshold.metric] ?? threshold.metric
  const stat = threshold.stat === undefined ? '' : `${STAT_WORDS[threshold.stat] ?? threshold.stat} `
  return {
    meaning: `${stat}${what} ${OPERATOR_WORDS[threshold.op] ?? threshold.op} ${formatMetricValue(threshold.metric, threshold.value)}`,
    limit,
    actual: formatMetricValue(threshold.metric, result.actual),
  }
}
