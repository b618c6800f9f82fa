// A Sink feeding a run's Prometheus registry as Samples arrive, plus the progress hook for the
// live gauges (in flight, elapsed). Labels come from the run: its name and `adapter:model`.
import type { RunInfo, Sample, Sink } from '../types.js'
import type { RunMetrics, SeriesLabels } from './registry.js'
import { targetLabelOf } from './target-label.js'

export interface PrometheusSink extends Sink {
  /** Call from RunOptions.onProgress. */
  progress(figures: { elapsedMs: number; inFlight: number }): void
}

/** The run's `target` label from its config (`config.target.label`), without any base URL. */
export function runTargetLabel(run: Pick<RunInfo, 'config'>): string {
  const target = run.config['target']
  const label = typeof target === 'object' && target !== null ? (target as { label?: unknown }).label : undefined
  return typeof label === 'string' ? targetLabelOf(label) : 'unknown'
}

export function createPrometheusSink(metrics: RunMetrics): PrometheusSink {
  let labels: SeriesLabels | undefined
  const labelsOf = (sample: Sample, base: SeriesLabels): SeriesLabels =>
    sample.target === undefined ? base : { run: base.run, target: targetLabelOf(sample.target) }
  return {
    name: 'prometheus',
    async start(run) {
      labels = { run: run.name, target: runTargetLabel(run) }
      metrics.open(labels)
    },
    record(sample) {
      if (labels === undefined) return
      metrics.observe(sample, labelsOf(sample, labels))
    },
    progress(figures) {
      if (labels !== undefined) metrics.progress(figures, labels)
    },
  }
}
