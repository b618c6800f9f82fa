// The custom k6 metrics of the exported scripts, named like gauntlet's own (see K6_METRICS).
// Times are milliseconds; Trends are created with isTime so k6 prints them as durations.
import { Counter, Rate, Trend } from 'k6/metrics'
import { K6_METRICS } from './plan.js'

export const metrics = {
  requests: new Counter(K6_METRICS.requests),
  e2e: new Trend(K6_METRICS.e2e, true),
  e2eService: new Trend(K6_METRICS.e2eService, true),
  ttft: new Trend(K6_METRICS.ttft, true),
  ttftService: new Trend(K6_METRICS.ttftService, true),
  tpot: new Trend(K6_METRICS.tpot, true),
  scheduleLag: new Trend(K6_METRICS.scheduleLag, true),
  inputTokens: new Counter(K6_METRICS.inputTokens),
  cachedInputTokens: new Counter(K6_METRICS.cachedInputTokens),
  outputTokens: new Counter(K6_METRICS.outputTokens),
  spendUsd: new Counter(K6_METRICS.spendUsd),
  errors: new Rate(K6_METRICS.errors),
  abandoned: new Rate(K6_METRICS.abandoned),
  /** Answers whose spend could not be computed (model unpriced or usage not reported). */
  unpriced: new Counter(K6_METRICS.unpriced),
}
