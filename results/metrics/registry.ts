// A run's Prometheus registry (private, never the global one) and how a Sample or a progress
// tick moves its series. Shared by the live /metrics sink and `gauntlet export --format prom`.
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { outcomeKey, UNSENT_OUTCOMES } from '../outcomes.js'
import type { Sample } from '../types.js'
import { ITL_BUCKETS_SECONDS, LAG_BUCKETS_SECONDS, LATENCY_BUCKETS_SECONDS, METRIC_NAMES } from './names.js'

/** Labels on every series: the run's name and `adapter:model` (never a URL). */
export interface SeriesLabels {
  run: string
  target: string
}

export interface RunMetrics {
  readonly registry: Registry
  /** Puts a run's plain counters and histograms at zero, so a scrape shows them before the first request. */
  open(labels: SeriesLabels): void
  /**
   * Counts one attempt as the summary does: requests and abandonment by final attempt, attempts
   * by send, tokens and spend by every attempt, TTFT/e2e of completed requests, lag of first sends.
   */
  observe(sample: Sample, labels: SeriesLabels): void
  /** Live gauges from the run's progress. */
  progress(figures: { elapsedMs: number; inFlight: number }, labels: SeriesLabels): void
  /** The exposition text (Prometheus 0.0.4). */
  text(): Promise<string>
}

const BASE = ['run', 'target'] as const

export function createRunMetrics(): RunMetrics {
  const registry = new Registry()
  const registers = [registry]
  const requests = new Counter({ name: METRIC_NAMES.requests, help: 'Logical requests by final outcome (http_<status> for HTTP failures)', labelNames: [...BASE, 'outcome'], registers })
  const attempts = new Counter({ name: METRIC_NAMES.attempts, help: 'Attempts sent to the endpoint (retries included), by outcome', labelNames: [...BASE, 'outcome'], registers })
  const abandoned = new Counter({ name: METRIC_NAMES.abandoned, help: 'Requests the simulated user gave up on, by patience that ran out (ttft, e2e)', labelNames: [...BASE, 'reason'], registers })
  const inputTokens = new Counter({ name: METRIC_NAMES.inputTokens, help: 'Input tokens of every attempt (server-reported or estimated)', labelNames: BASE, registers })
  const outputTokens = new Counter({ name: METRIC_NAMES.outputTokens, help: 'Output tokens of every attempt (server-reported or estimated)', labelNames: BASE, registers })
  const spend = new Counter({ name: METRIC_NAMES.spend, help: 'USD spent on tokens, every attempt (unpriced attempts excluded: see gauntlet_unpriced_attempts_total)', labelNames: BASE, registers })
  const unpriced = new Counter({ name: METRIC_NAMES.unpriced, help: 'Attempts whose model has no price: spend is then incomplete', labelNames: BASE, registers })
  const ttft = new Histogram({ name: METRIC_NAMES.ttft, help: 'Time to first token from the scheduled time, completed requests', labelNames: BASE, buckets: LATENCY_BUCKETS_SECONDS, registers })
  const e2e = new Histogram({ name: METRIC_NAMES.e2e, help: 'End-to-end latency from the scheduled time, completed requests', labelNames: BASE, buckets: LATENCY_BUCKETS_SECONDS, registers })
  const itl = new Histogram({ name: METRIC_NAMES.itl, help: 'Gaps between streamed content chunks', labelNames: BASE, buckets: ITL_BUCKETS_SECONDS, registers })
  const lag = new Histogram({ name: METRIC_NAMES.scheduleLag, help: 'Sent minus scheduled time of first attempts (the client running late)', labelNames: BASE, buckets: LAG_BUCKETS_SECONDS, registers })
  const inFlight = new Gauge({ name: METRIC_NAMES.inFlight, help: 'Requests in flight', labelNames: BASE, registers })
  const elapsed = new Gauge({ name: METRIC_NAMES.elapsed, help: 'Seconds since the run started', labelNames: BASE, registers })
  const phase = new Gauge({ name: METRIC_NAMES.phase, help: 'The chaos phase of the latest scheduled request (value 1)', labelNames: [...BASE, 'phase'], registers })
  // Samples arrive in end order: the phase shown is that of the latest scheduled time seen.
  const phaseOf = new Map<string, { atMs: number; name: string }>()

  const setPhase = (sample: Sample, labels: SeriesLabels): void => {
    if (sample.phase === undefined) return
    const key = `${labels.run}\u0000${labels.target}`
    const current = phaseOf.get(key)
    if (current !== undefined && current.atMs > sample.scheduledAtMs) return
    if (current?.name !== sample.phase) {
      if (current !== undefined) phase.remove({ ...labels, phase: current.name })
      phase.set({ ...labels, phase: sample.phase }, 1)
    }
    phaseOf.set(key, { atMs: sample.scheduledAtMs, name: sample.phase })
  }

  return {
    registry,
    open(labels) {
      for (const counter of [inputTokens, outputTokens, spend, unpriced]) counter.inc(labels, 0)
      for (const histogram of [ttft, e2e, itl, lag]) histogram.zero(labels)
      inFlight.set(labels, 0)
      elapsed.set(labels, 0)
    },
    observe(sample, labels) {
      const unsent = UNSENT_OUTCOMES.has(sample.outcome)
      const key = outcomeKey(sample)
      if (!unsent) attempts.inc({ ...labels, outcome: key })
      inputTokens.inc(labels, sample.inputTokens ?? 0)
      outputTokens.inc(labels, sample.outputTokens ?? 0)
      if (sample.spendUsd === null) unpriced.inc(labels)
      else if (sample.spendUsd !== undefined && sample.spendUsd > 0) spend.inc(labels, sample.spendUsd)
      if (sample.itlMs !== undefined) for (const gap of sample.itlMs) itl.observe(labels, gap / 1000)
      if (!unsent && sample.attempt === 1 && sample.scheduleLagMs !== undefined) lag.observe(labels, Math.max(0, sample.scheduleLagMs) / 1000)
      setPhase(sample, labels)
      if (sample.willRetry === true) return
      requests.inc({ ...labels, outcome: key })
      if (sample.outcome === 'abandoned') abandoned.inc({ ...labels, reason: sample.abandonReason ?? 'unknown' })
      if (sample.outcome === 'ok') {
        if (sample.ttftMs !== undefined) ttft.observe(labels, sample.ttftMs / 1000)
        if (sample.e2eMs !== undefined) e2e.observe(labels, sample.e2eMs / 1000)
      }
    },
    progress(figures, labels) {
      inFlight.set(labels, figures.inFlight)
      elapsed.set(labels, figures.elapsedMs / 1000)
    },
    text: () => registry.metrics(),
  }
}
