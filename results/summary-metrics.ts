// Looks up a threshold metric (`ttft_ms.p95`, `error_rate`, …) in a Summary.
import type { LatencyMetric, Summary } from './summary.js'
import { LATENCY_METRICS } from './summary.js'

const STATS = new Set(['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean', 'min'])

export function summaryMetric(summary: Summary, metric: string, stat?: string): number | null | undefined {
  if ((LATENCY_METRICS as readonly string[]).includes(metric)) {
    if (stat === undefined || !STATS.has(stat)) return undefined
    const stats = summary.latency[metric as LatencyMetric] as unknown as Record<string, number | null>
    return stats[stat] ?? null
  }
  const requests = summary.requests
  const number = (value: number | 'unknown'): number | null => (value === 'unknown' ? null : value)
  switch (metric) {
    case 'error_rate':
      return summary.errors.rate
    case 'abandon_rate':
      return summary.abandonment.rate
    case 'drop_rate':
      return requests.scheduled === 0 ? 0 : (requests.byOutcome['dropped'] ?? 0) / requests.scheduled
    case 'spend_usd':
      return number(summary.spend.usd)
    case 'spend_per_1k_usd':
      return number(summary.spend.per_1k_requests_usd)
    case 'goodput_rps':
      return summary.goodput.requests_per_s
    case 'throughput_rps':
      return summary.throughput.requests_per_s
    case 'output_tokens_per_s':
      return summary.throughput.output_tokens_per_s
    case 'retry_amplification':
      return summary.retries.amplification
    case 'users_quit':
      return summary.abandonment.users_quit
    default:
      return undefined
  }
}
