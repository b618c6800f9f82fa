// Fans each Sample out to every Sink; a sink that throws is reported once and skipped after,
// so one broken sink never stops a run or loses the others' records.
import type { RunInfo, Sample, Sink } from './types.js'

export interface Recorder {
  start(run: RunInfo): Promise<void>
  record(sample: Sample): void
  stop(): Promise<void>
  /** Problems sinks reported (one line each). */
  readonly problems: string[]
}

export function createRecorder(sinks: readonly Sink[]): Recorder {
  const broken = new Set<Sink>()
  const problems: string[] = []
  const fail = (sink: Sink, error: unknown): void => {
    broken.add(sink)
    problems.push(`sink '${sink.name}' failed and was switched off: ${error instanceof Error ? error.message : String(error)}`)
  }
  return {
    problems,
    async start(run) {
      for (const sink of sinks) {
        try {
          await sink.start?.(run)
        } catch (error) {
          fail(sink, error)
        }
      }
    },
    record(sample) {
      for (const sink of sinks) {
        if (broken.has(sink)) continue
        try {
          sink.record(sample)
        } catch (error) {
          fail(sink, error)
        }
      }
    },
    async stop() {
      for (const sink of sinks) {
        try {
          await sink.stop?.()
        } catch (error) {
          // A sink already switched off is still stopped (its file closed) but reported once only.
          if (!broken.has(sink)) fail(sink, error)
        }
      }
    },
  }
}
