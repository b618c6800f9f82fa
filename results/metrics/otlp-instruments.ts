// How a Sample or a progress tick moves a run's OpenTelemetry instruments, counted as the summary
// counts (and as registry.ts does for Prometheus): requests by final attempt, tokens and spend by
// every attempt, latencies of completed requests, lag of first sends.
import { ValueType, type Counter, type Gauge, type Histogram, type Meter } from '@opentelemetry/api'
import { outcomeKey, UNSENT_OUTCOMES } from '../outcomes.js'
import type { Sample } from '../types.js'
import { errorTypeOf, type OtlpAttributes } from './otlp-attributes.js'
import { OTLP_ATTRIBUTES as A, OTLP_METRICS as M, type OtlpMetricSpec } from './otlp-names.js'

export interface OtlpInstruments {
  /** Gauges at zero, so the first export shows the run before its first request. */
  open(base: OtlpAttributes): void
  observe(sample: Sample, base: OtlpAttributes): void
  progress(figures: { elapsedMs: number; inFlight: number }, base: OtlpAttributes): void
}

export function createOtlpInstruments(meter: Meter): OtlpInstruments {
  const options = (metric: OtlpMetricSpec) => ({ unit: metric.unit, description: metric.description, valueType: metric.integer === true ? ValueType.INT : ValueType.DOUBLE })
  const counter = (metric: OtlpMetricSpec): Counter => meter.createCounter(metric.name, options(metric))
  const gauge = (metric: OtlpMetricSpec): Gauge => meter.createGauge(metric.name, options(metric))
  const histogram = (metric: OtlpMetricSpec): Histogram =>
    meter.createHistogram(metric.name, { ...options(metric), advice: { explicitBucketBoundaries: [...(metric.buckets ?? [])] } })
  const duration = histogram(M.duration)
  const tokens = histogram(M.tokens)
  const ttft = histogram(M.ttft)
  const tpot = histogram(M.tpot)
  const itl = histogram(M.itl)
  const requests = counter(M.requests)
  const attempts = counter(M.attempts)
  const abandoned = counter(M.abandoned)
  const spend = counter(M.spend)
  const unpriced = counter(M.unpriced)
  const lag = histogram(M.scheduleLag)
  const active = gauge(M.active)
  const elapsed = gauge(M.elapsed)
  const phase = gauge(M.phase)
  // Samples arrive in end order: the phase shown is that of the latest scheduled time seen.
  const phaseOf = new Map<string, { atMs: number; name: string }>()

  const setPhase = (sample: Sample, base: OtlpAttributes): void => {
    if (sample.phase === undefined) return
    const key = `${base[A.provider] ?? ''}\u0000${base[A.model] ?? ''}`
    const shownPhase = phaseOf.get(key)
    if (shownPhase !== undefined && shownPhase.atMs > sample.scheduledAtMs) return
    if (shownPhase?.name !== sample.phase) {
      // A gauge keeps its last value per attribute set: the phase left goes to 0.
      if (shownPhase !== undefined) phase.record(0, { ...base, [A.phase]: shownPhase.name })
      phase.record(1, { ...base, [A.phase]: sample.phase })
    }
    phaseOf.set(key, { atMs: sample.scheduledAtMs, name: sample.phase })
  }

  return {
    open(base) {
      active.record(0, base)
      elapsed.record(0, base)
      spend.add(0, base)
    },
    observe(sample, base) {
      const unsent = UNSENT_OUTCOMES.has(sample.outcome)
      const outcome = outcomeKey(sample)
      if (!unsent) attempts.add(1, { ...base, [A.outcome]: outcome })
      // The convention: no usage point when the count is not known.
      if (sample.inputTokens !== undefined) tokens.record(sample.inputTokens, { ...base, [A.tokenType]: 'input' })
      if (sample.outputTokens !== undefined) tokens.record(sample.outputTokens, { ...base, [A.tokenType]: 'output' })
      if (sample.spendUsd === null) unpriced.add(1, base)
      else if (sample.spendUsd !== undefined && sample.spendUsd > 0) spend.add(sample.spendUsd, base)
      if (sample.itlMs !== undefined) for (const gap of sample.itlMs) itl.record(gap / 1000, base)
      if (!unsent && sample.attempt === 1 && sample.scheduleLagMs !== undefined) lag.record(Math.max(0, sample.scheduleLagMs) / 1000, base)
      setPhase(sample, base)
      if (sample.willRetry === true) return
      requests.add(1, { ...base, [A.outcome]: outcome })
      if (sample.outcome === 'abandoned') abandoned.add(1, { ...base, [A.abandonReason]: sample.abandonReason ?? 'unknown' })
      if (!unsent && sample.e2eMs !== undefined) {
        const errorType = errorTypeOf(sample)
        duration.record(sample.e2eMs / 1000, errorType === undefined ? base : { ...base, [A.errorType]: errorType })
      }
      if (sample.outcome === 'ok') {
        if (sample.ttftMs !== undefined) ttft.record(sample.ttftMs / 1000, base)
        if (sample.tpotMs !== undefined) tpot.record(sample.tpotMs / 1000, base)
      }
    },
    progress(figures, base) {
      active.record(figures.inFlight, base)
      elapsed.record(figures.elapsedMs / 1000, base)
    },
  }
}
