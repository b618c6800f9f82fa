// `--threshold` expressions (the same ones `gauntlet run` takes) -> k6 thresholds on the exported
// scripts' metrics. results/thresholds.ts does the translation; this adds what only the k6
// export knows: it has separate service-time trends and a schedule-lag trend, no ITL, and no
// TTFT without streaming — a threshold on a metric k6 never fills would pass vacuously.
import { UserError } from '../../core/errors.js'
import { parseThreshold, thresholdToK6, type Threshold } from '../../results/thresholds.js'
import type { K6Threshold } from './export.js'
import { K6_METRICS } from './scripts/lib/plan.js'

/** Metrics the k6 scripts keep apart where results/thresholds.ts folds them together. */
const OWN_TRENDS: Partial<Record<Threshold['metric'], string>> = {
  ttft_service_ms: K6_METRICS.ttftService,
  e2e_service_ms: K6_METRICS.e2eService,
  schedule_lag_ms: K6_METRICS.scheduleLag,
}

export function translateThresholds(texts: readonly string[], options: { stream: boolean; source?: string }): K6Threshold[] {
  const source = options.source ?? '--threshold'
  return texts.map((text) => {
    const threshold = parseThreshold(text, source)
    const fail = (problem: string, fix: string): never => {
      throw new UserError('THRESHOLD_INVALID', `${source} ${JSON.stringify(threshold.text)}: ${problem}; fix: ${fix}`)
    }
    if (threshold.metric === 'itl_ms') fail('the k6 scripts do not measure inter-token latency', 'use tpot_ms with --stream, or run it with `gauntlet run`')
    if (!options.stream && (threshold.metric === 'ttft_ms' || threshold.metric === 'ttft_service_ms' || threshold.metric === 'tpot_ms')) {
      fail(`core k6 buffers bodies, so a non-streaming export never measures ${threshold.metric} and the threshold would pass on no data`, 'export with --stream (needs k6 built with xk6-sse) or drop it')
    }
    const own = OWN_TRENDS[threshold.metric]
    if (own !== undefined && threshold.stat !== undefined) {
      // Same statistic spelling as any other trend: translate as e2e_ms, then rename the metric.
      const asTrend = thresholdToK6({ ...threshold, metric: 'e2e_ms' })
      if (asTrend !== undefined) return { text: threshold.text, metric: own, expression: asTrend.expression }
    }
    const k6 = thresholdToK6(threshold)
    if (k6 === undefined) {
      return fail(`k6 has no metric for ${threshold.metric}`, 'drop it from the k6 export (gauntlet run evaluates it)')
    }
    return { text: threshold.text, metric: k6.metric, expression: k6.expression }
  })
}
