// The live outputs a run or drill can feed while it runs: the Prometheus endpoint
// (`--metrics-port`) and the OTLP push (`--otlp`). Each is loaded only when asked (prom-client,
// the OpenTelemetry SDK), adds its sink and progress hook to the run, and is closed at the end.
import type { Command } from 'commander'
import type { RunProgress } from '../load/run.js'
import { parseMetricsFlags, type MetricsFlags } from '../results/metrics/flags.js'
import type { LiveMetrics } from '../results/metrics/live.js'
import { parseOtlpFlags, type OtlpFlags } from '../results/metrics/otlp-flags.js'
import type { OtlpPush } from '../results/metrics/otlp-live.js'
import type { Sink } from '../results/types.js'
import { collect } from './cli-helpers.js'

export type LiveOutputFlags = MetricsFlags & OtlpFlags

/** Adds the live-output flags to a command. */
export function addLiveOutputOptions(command: Command): Command {
  return command
    .option('--metrics-port <port>', 'serve live Prometheus metrics on http://HOST:PORT/metrics (0: a free port, printed)')
    .option('--metrics-host <host>', 'with --metrics-port: address to listen on (default 127.0.0.1)')
    .option('--metrics-linger <time>', 'with --metrics-port: keep serving the final figures this long after the run, e.g. 15s (default 0)')
    .option('--otlp <url>', 'push live OpenTelemetry metrics (OTLP/HTTP JSON) to a collector, e.g. http://127.0.0.1:4318/v1/metrics')
    .option('--otlp-interval <time>', 'with --otlp: export every this long, e.g. 200ms (default 5s)')
    .option('--otlp-header <name=value>', 'with --otlp: HTTP header for the collector (auth), repeatable; values are never printed', collect)
}

/** What the outputs need from the run's options: its sinks and progress hook. */
export interface LiveOutputTarget {
  sinks?: Sink[]
  onProgress?: (progress: RunProgress) => void
}

export interface LiveOutputs {
  /** Final flush and close; `finished`: the run ended normally (the endpoint may linger). */
  close(finished: boolean, signal: AbortSignal): Promise<void>
}

/** Checks the flags (one-line errors) before anything starts; call `start` once the run is about to begin. */
export function prepareLiveOutputs(flags: LiveOutputFlags): { start(target: LiveOutputTarget, log: (line: string) => void): Promise<LiveOutputs> } {
  const metricsOptions = parseMetricsFlags(flags)
  const otlpOptions = parseOtlpFlags(flags)
  return {
    async start(target, log) {
      let metrics: LiveMetrics | undefined
      let otlp: OtlpPush | undefined
      const attach = (sink: Sink & { progress(progress: { elapsedMs: number; inFlight: number }): void }): void => {
        target.sinks = [...(target.sinks ?? []), sink]
        const previous = target.onProgress
        target.onProgress = (progress) => {
          sink.progress(progress)
          previous?.(progress)
        }
      }
      const outputs: LiveOutputs = {
        async close(finished, signal) {
          await otlp?.close()
          await metrics?.close({ linger: finished, signal })
        },
      }
      try {
        if (metricsOptions !== undefined) {
          const { startLiveMetrics } = await import('../results/metrics/live.js')
          metrics = await startLiveMetrics(metricsOptions, log)
          attach(metrics.sink)
        }
        if (otlpOptions !== undefined) {
          const { startOtlpPush } = await import('../results/metrics/otlp-live.js')
          otlp = startOtlpPush(otlpOptions, log)
          attach(otlp.sink)
        }
      } catch (error) {
        await outputs.close(false, new AbortController().signal)
        throw error
      }
      return outputs
    },
  }
}
