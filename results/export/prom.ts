// A finished run in Prometheus text exposition: its records fed through the same registry as the
// live /metrics endpoint, so the series and names match; elapsed is the run's duration.
import { createRunMetrics } from '../metrics/registry.js'
import { targetLabelOf } from '../metrics/target-label.js'
import type { Summary } from '../summary.js'
import type { Sample } from '../types.js'

export async function runExposition(samples: readonly Sample[], summary: Summary): Promise<string> {
  const metrics = createRunMetrics()
  const labels = { run: summary.name, target: targetLabelOf(summary.target.label) }
  metrics.open(labels)
  for (const sample of samples) metrics.observe(sample, sample.target === undefined ? labels : { ...labels, target: targetLabelOf(sample.target) })
  metrics.progress({ elapsedMs: summary.durationMs, inFlight: 0 }, labels)
  return metrics.text()
}
