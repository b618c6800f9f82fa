// Live metrics for one run: the registry, its sink and the /metrics server started together,
// and closed together once the run is over (after an optional linger for a last scrape).
import { setTimeout as sleep } from 'node:timers/promises'
import type { LiveMetricsOptions } from './flags.js'
import { createPrometheusSink, type PrometheusSink } from './prometheus-sink.js'
import { createRunMetrics } from './registry.js'
import { startMetricsServer } from './server.js'

export interface LiveMetrics {
  readonly sink: PrometheusSink
  readonly url: string
  /** Lingers `lingerMs` when asked (cut short by `signal`), then stops serving. */
  close(options: { linger: boolean; signal?: AbortSignal }): Promise<void>
}

export async function startLiveMetrics(options: LiveMetricsOptions, log: (line: string) => void): Promise<LiveMetrics> {
  const metrics = createRunMetrics()
  // Listening now checks the port before anything else starts; the line is printed only once the
  // run records (after its inputs passed), so a bad input still gives its one line alone.
  const server = await startMetricsServer(metrics, { port: options.port, host: options.host })
  const sink = createPrometheusSink(metrics)
  const start = sink.start?.bind(sink)
  sink.start = async (run) => {
    log(`metrics: ${server.url}`)
    await start?.(run)
  }
  return {
    sink,
    url: server.url,
    async close({ linger, signal }) {
      if (linger && options.lingerMs > 0 && signal?.aborted !== true) {
        log(`metrics: run over, serving the final figures for ${options.lingerMs} ms more`)
        // An abort (Ctrl-C) ends the linger early: nothing to report.
        await sleep(options.lingerMs, undefined, signal === undefined ? {} : { signal }).catch(() => undefined)
      }
      await server.close()
    },
  }
}
