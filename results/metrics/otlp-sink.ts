// A Sink pushing a run's live figures to an OpenTelemetry collector over OTLP/HTTP every interval,
// with a bounded final flush at the end. The meter provider is private (never the global one) and
// starts with the run, so its resource carries the run id.
//
//   Sample ──record()──▶ instruments ──every interval──▶ exporter ──POST /v1/metrics──▶ collector
//   progress() ─────────▶ gauges                          (failures counted, warned once)
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics'
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources'
import type { Sink } from '../types.js'
import { runTargetAttributes, targetAttributes, type OtlpAttributes } from './otlp-attributes.js'
import { countExports, createOtlpHttpExporter, type ExportTally } from './otlp-exporter.js'
import type { OtlpOptions } from './otlp-flags.js'
import { createOtlpInstruments, type OtlpInstruments } from './otlp-instruments.js'
import { OTLP_RESOURCE } from './otlp-names.js'

export interface OtlpSink extends Sink {
  /** Call from RunOptions.onProgress. */
  progress(figures: { elapsedMs: number; inFlight: number }): void
  /** Final export, then shutdown; waits at most the export timeout (plus a second), never throws. */
  close(): Promise<ExportTally>
}

export interface OtlpSinkOptions extends OtlpOptions {
  /** Told once, on the first failed export. */
  warn(line: string): void
  /** Tests inject their own exporter; default OTLP/HTTP JSON to `url`. */
  exporter?: PushMetricExporter
}

/** An export may take at most this long (and at most one interval, so exports never pile up). */
export function otlpTimeoutMs(intervalMs: number): number {
  return Math.min(intervalMs, 10_000)
}

export function createOtlpSink(options: OtlpSinkOptions): OtlpSink {
  const timeoutMs = otlpTimeoutMs(options.intervalMs)
  const exporter = countExports(options.exporter ?? createOtlpHttpExporter(options, timeoutMs), (reason) =>
    options.warn(
      `otlp: export to ${options.shownUrl} failed (${reason}); check a collector listens there for OTLP/HTTP (port 4318, path /v1/metrics; 4317 is gRPC) — the run goes on, failures are counted at the end`,
    ),
  )
  let provider: MeterProvider | undefined
  let instruments: OtlpInstruments | undefined
  let base: OtlpAttributes = {}
  const byTarget = new Map<string, OtlpAttributes>()
  const attributesOf = (target: string | undefined): OtlpAttributes => {
    if (target === undefined) return base
    let attributes = byTarget.get(target)
    if (attributes === undefined) {
      attributes = targetAttributes(target)
      byTarget.set(target, attributes)
    }
    return attributes
  }
  return {
    name: 'otlp',
    async start(run) {
      const resource = defaultResource().merge(
        resourceFromAttributes({ 'service.name': OTLP_RESOURCE.serviceName, [OTLP_RESOURCE.runId]: run.runId, [OTLP_RESOURCE.runName]: run.name }),
      )
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: options.intervalMs, exportTimeoutMillis: timeoutMs })
      provider = new MeterProvider({ resource, readers: [reader] })
      instruments = createOtlpInstruments(provider.getMeter('llm-gauntlet'))
      base = runTargetAttributes(run)
      instruments.open(base)
    },
    record(sample) {
      instruments?.observe(sample, attributesOf(sample.target))
    },
    progress(figures) {
      instruments?.progress(figures, base)
    },
    async close() {
      if (provider === undefined) return { ...exporter.tally }
      const current = provider
      provider = undefined
      instruments = undefined
      const before = exporter.tally.exports
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs + 1_000)
      })
      // shutdown() collects and exports once more: the final figures. Its errors are export failures, already counted.
      const settled = await Promise.race([current.shutdown().then(() => 'done' as const, () => 'done' as const), timedOut])
      clearTimeout(timer)
      const { exports, failed, pending } = exporter.tally
      if (settled === 'done') return { exports, failed, pending }
      // Exports still unsettled count as failed; so does a final export that never even started.
      const unstarted = exports === before ? 1 : 0
      return { exports: exports + unstarted, failed: failed + pending + unstarted, pending: 0 }
    },
  }
}
