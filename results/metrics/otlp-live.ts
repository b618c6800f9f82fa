// `--otlp` for one run: the sink the CLI adds to the run, and its close, which pushes the final
// figures and says in one line how many exports went out and how many failed.
import type { OtlpOptions } from './otlp-flags.js'
import { createOtlpSink, type OtlpSink } from './otlp-sink.js'
import type { ExportTally } from './otlp-exporter.js'

export interface OtlpPush {
  readonly sink: OtlpSink
  /** Final flush (bounded), then the end line. Never throws. */
  close(): Promise<void>
}

export function describeOtlpTally(shownUrl: string, tally: ExportTally): string {
  const exports = `${tally.exports} export${tally.exports === 1 ? '' : 's'}`
  return `otlp: ${exports} to ${shownUrl}, ${tally.failed} failed`
}

export function startOtlpPush(options: OtlpOptions, log: (line: string) => void): OtlpPush {
  let started = false
  const sink = createOtlpSink({ ...options, warn: log })
  const start = sink.start?.bind(sink)
  sink.start = async (run) => {
    started = true
    log(`otlp: pushing metrics to ${options.shownUrl} every ${options.intervalMs} ms`)
    await start?.(run)
  }
  return {
    sink,
    async close() {
      const tally = await sink.close()
      // A run stopped by bad input never started: it pushed nothing and says nothing.
      if (started) log(describeOtlpTally(options.shownUrl, tally))
    },
  }
}
