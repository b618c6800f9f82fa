// One worker thread of a `--workers N` run: its users' share of the traffic through the same
// run(), with its own connections and event loop, its records in its own folder; progress and
// (when asked) samples go back to the run's thread, which merges the folders at the end.
import { setTimeout as sleep } from 'node:timers/promises'
import { parentPort, workerData } from 'node:worker_threads'
import { GauntletError, UserError } from '../../core/errors.js'
import type { Sample } from '../../results/types.js'
import { run } from '../run.js'
import { epochNow, type FromWorker, type ToWorker, type WorkerInput } from './messages.js'

const port = parentPort
if (port === null) throw new Error('load/workers/worker.ts runs only as a worker thread')
const input = workerData as WorkerInput
const post = (message: FromWorker): void => port.postMessage(message)

const controller = new AbortController()
let startAt: ((epochMs: number) => void) | undefined
const started = new Promise<number>((resolve) => {
  startAt = resolve
})
port.on('message', (message: ToWorker) => {
  if (message.type === 'start') startAt?.(message.epochMs)
  else if (message.type === 'abort') {
    controller.abort()
    // Interrupted before the start: start now, so that run() ends at once and reports.
    startAt?.(epochNow())
  }
})

const SAMPLE_BATCH = 500
let batch: Sample[] = []
const flush = (): void => {
  if (batch.length === 0) return
  post({ type: 'samples', samples: batch })
  batch = []
}
const flusher = input.forwardSamples ? setInterval(flush, 100) : undefined

/**
 * Fault injection for the crash path's own test: `GAUNTLET_TEST_CRASH_WORKER=i:ms` throws an
 * uncaught error in worker i, ms after the start, as a bug would (the thread dies mid-run).
 */
function crashIfAsked(): void {
  const match = /^(\d+):(\d+)$/.exec(process.env['GAUNTLET_TEST_CRASH_WORKER'] ?? '')
  if (match === null || Number(match[1]) !== input.index) return
  setTimeout(() => {
    throw new Error(`GAUNTLET_TEST_CRASH_WORKER: worker ${input.index} crashed on purpose`)
  }, Number(match[2]))
}

try {
  const result = await run({
    ...input.options,
    signal: controller.signal,
    // Often enough for the run thread's in-flight gauge (it samples the sum every 250 ms).
    progressIntervalMs: 250,
    onProgress: (progress) => post({ type: 'progress', progress }),
    sinks: input.forwardSamples
      ? [
          {
            name: 'to-run-thread',
            record: (sample) => {
              batch.push(sample)
              if (batch.length >= SAMPLE_BATCH) flush()
            },
            stop: async () => flush(),
          },
        ]
      : [],
    // Every worker starts on the same instant, told by the run's thread once all are ready.
    runStart: async () => {
      post({ type: 'ready' })
      const epochMs = await started
      const waitMs = epochMs - epochNow()
      if (waitMs > 0 && !controller.signal.aborted) await sleep(waitMs)
      crashIfAsked()
      return epochMs - performance.timeOrigin
    },
  })
  flush()
  post({ type: 'done', interrupted: result.interrupted })
} catch (error) {
  flush()
  post({
    type: 'failed',
    message: error instanceof Error ? error.message : String(error),
    code: error instanceof GauntletError ? error.code : undefined,
    user: error instanceof UserError,
  })
} finally {
  if (flusher !== undefined) clearInterval(flusher)
  // Nothing more comes from the run's thread: let this one end once its messages are out.
  port.unref()
}
