// The OTLP/HTTP (JSON) metric exporter, wrapped to count exports and failed ones: a collector that
// refuses or fails is reported once, through `onFirstFailure`, and never stops the run.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics'
import type { OtlpOptions } from './otlp-flags.js'

export interface ExportTally {
  /** Exports started. */
  exports: number
  failed: number
  /** Started and not settled yet. */
  pending: number
}

export interface CountingExporter extends PushMetricExporter {
  readonly tally: ExportTally
}

/** `HTTP 500`, `ECONNREFUSED`, or the error's message (never a header: the exporter's errors hold none). */
export function exportFailureReason(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown }
    if (typeof code === 'number') return `HTTP ${code}`
    if (typeof code === 'string' && code !== '') return code
    if (typeof message === 'string' && message !== '') return message.slice(0, 120)
  }
  return 'unknown error'
}

/** Counts every export `inner` settles; the first failure's reason goes to `onFirstFailure`. */
export function countExports(inner: PushMetricExporter, onFirstFailure: (reason: string) => void): CountingExporter {
  const tally: ExportTally = { exports: 0, failed: 0, pending: 0 }
  const exporter: CountingExporter = {
    tally,
    export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void) {
      tally.exports++
      tally.pending++
      inner.export(metrics, (result) => {
        tally.pending--
        if (result.code !== ExportResultCode.SUCCESS) {
          tally.failed++
          if (tally.failed === 1) onFirstFailure(exportFailureReason(result.error))
        }
        resultCallback(result)
      })
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  }
  if (inner.selectAggregationTemporality !== undefined) exporter.selectAggregationTemporality = inner.selectAggregationTemporality.bind(inner)
  if (inner.selectAggregation !== undefined) exporter.selectAggregation = inner.selectAggregation.bind(inner)
  return exporter
}

/** JSON over HTTP: no protobuf or gRPC dependency, and a collector a test can read. */
export function createOtlpHttpExporter(options: OtlpOptions, timeoutMs: number): PushMetricExporter {
  return new OTLPMetricExporter({ url: options.url, headers: options.headers, timeoutMillis: timeoutMs })
}
