// A finished run's summary: its notes (time limit, grace cut-off, resume, spend cap), the client's
// health, the thresholds judged, and the run folder written (summary.json, histograms.json, reports).
import { displayUrl } from '../adapters/http.js'
import { formatDuration } from '../core/format.js'
import { judgeClientHealth } from '../results/client-health.js'
import { writeRunFiles } from '../results/run-files.js'
import { summaryMetric } from '../results/summary-metrics.js'
import { evaluateThresholds } from '../results/thresholds.js'
import type { PreparedRun, RunEnd } from './run-lifecycle.js'
import type { RunResult } from './run.js'

export async function finishRun(prepared: PreparedRun, end: RunEnd): Promise<RunResult> {
  const { options, settings, plan, endpoint, outputs, plannedMs } = prepared
  const { clock } = settings
  const { checkpoint } = plan
  const { adapter, pricedAs, price } = endpoint
  const { aggregator, recorder, recordsGuard, outDir } = outputs
  const { durationMs, timedOut, cutOff, graceMs, shiftMs, resumed, budget } = end
  const interrupted = end.runSignal.aborted && !cutOff
  const notes = [...recorder.problems, ...recordsGuard.notes()]
  if (timedOut) notes.push(`stopped sending at the --max-duration of ${formatDuration(options.maxDurationMs ?? 0)}; requests due later were not sent`)
  if (cutOff) notes.push(`requests still in flight ${formatDuration(graceMs)} after the --max-duration were cut: 'interrupted' with errorCode RUN_GRACE_EXPIRED`)
  if (checkpoint !== undefined && resumed !== undefined) {
    const gapS = Math.max(0, (clock.wallNow() - durationMs - Date.parse(checkpoint.startedAt)) / 1000)
    notes.push(
      `resumed from ${checkpoint.dir}: ${checkpoint.doneIds.size} requests recorded before the stop, this part picked up at ${formatDuration(shiftMs)} of run time` +
        ` after a wall-clock gap of about ${gapS.toFixed(0)} s, which the time axis leaves out` +
        (resumed.cutDuringRetry > 0 ? `; ${resumed.cutDuringRetry} requests were waiting to retry at the stop, their last attempt stands` : '') +
        '; requests in flight at the stop left no record and were sent again' +
        (checkpoint.tornLines > 0 ? '; a last line cut by the stop was dropped' : ''),
    )
  }
  if (budget.stopped) notes.push(`the spend cap of $${options.maxSpendUsd} stopped new sends; unsent requests are 'budget-stopped'`)
  const summary = aggregator.finish({
    runId: outputs.runId,
    name: outputs.name,
    partial: interrupted || timedOut || recordsGuard.failure !== undefined,
    startedAt: outputs.startedAtWall.toISOString(),
    endedAt: new Date(clock.wallNow()).toISOString(),
    durationMs,
    plannedDurationMs: plannedMs,
    target: { label: options.target, adapter: adapter.name, model: adapter.model, baseUrl: displayUrl(adapter.baseUrl), pricedAs: price === undefined ? null : pricedAs },
    traffic: plan.traffic.describe(),
    usersQuit: end.patience.usersQuit,
    notes,
  })
  const lag = summary.latency.schedule_lag_ms
  summary.client = judgeClientHealth(end.selfCheck.stop({ scheduleLagP99Ms: plan.plannedSchedule.lagMeasured ? lag.p99 : null }))
  summary.notes.push(...summary.client.warnings)
  summary.thresholds = evaluateThresholds(settings.thresholds, (metric, stat) => summaryMetric(summary, metric, stat))
  const thresholdsPassed = summary.thresholds.every((row) => row.pass)
  const writeFailures = [...(recordsGuard.failure === undefined ? [] : [recordsGuard.failure]), ...(outDir === null ? [] : await writeRunFiles(outDir, summary, aggregator.histograms(), settings.log))]
  return { summary, outDir, thresholdsPassed, interrupted, ...(writeFailures.length > 0 ? { writeFailures } : {}) }
}
