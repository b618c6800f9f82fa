// What the run's thread and its worker threads say to each other (structured-clone data only).
//
//   run thread                                 worker i (load/workers/worker.ts)
//     new Worker(entry, { workerData })  ──►     run(options): opens its share, estimates, warms up
//                                        ◄──     ready                (from options.runStart)
//     (all ready) start { epochMs }      ──►     sleeps to the shared start, then sends
//                                        ◄──     progress, samples    (every 250 ms / 100 ms)
//     abort (Ctrl-C, the run's signal)   ──►     in-flight requests aborted, partial summary
//                                        ◄──     done | failed        then the thread ends
import type { Sample } from '../../results/types.js'
import type { RunOptions, RunProgress } from '../run.js'

/** The parts of RunOptions that cross to a worker: plain data, no functions, no objects with state. */
export type WorkerRunOptions = Omit<
  RunOptions,
  'signal' | 'onProgress' | 'log' | 'confirm' | 'sinks' | 'clock' | 'adapter' | 'runStart' | 'chaos' | 'workers'
>

export interface WorkerInput {
  /** 1-based: the user share this worker runs. */
  index: number
  count: number
  options: WorkerRunOptions
  /** Hand every sample back to the run's thread (the caller gave sinks of its own). */
  forwardSamples: boolean
}

export type ToWorker = { type: 'start'; epochMs: number } | { type: 'abort' }

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'samples'; samples: Sample[] }
  | { type: 'done'; interrupted: boolean }
  | { type: 'failed'; message: string; code: string | undefined; user: boolean }

/** Epoch ms on a monotonic base, comparable across the threads of one process. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now()
}
