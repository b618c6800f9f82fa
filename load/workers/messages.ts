// What the run's thread and its worker threads say to each other (structured-clone data only).
import type { Sample } from '../../results/types.js'
import type { RunOptions, RunProgress } from '../run.js'

/** The parts of RunOptions that cross to a worker: plain data, no functions, no objects with state. */
export type WorkerRunOptions = Omit<
  RunOptions,
  'signal' | 'onProgress' | 'log' | 'confirm' | 'sinks' | 'clock' | 'adapter' | 'runStart' | 'chaos' | 'workers'
>

export interface WorkerInput {
  index: number
  count: number
  options: WorkerRunOptions
  /** Hand every sample back to the run's thread (the caller gave sinks of its own). */
  forwardSamples: boolean
}

export type ToWorker = { type: 'start'; epochMs: number } | { type: 'abort' } | { type: 'stop-sending' }

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'samples'; samples: Sample[] }
  | { type: 'done'; interrupted: boolean }
  | { type: 'failed'; message: string }

/** Wall-clock epoch ms on a monotonic base, comparable across the threads of one process. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now()
}
