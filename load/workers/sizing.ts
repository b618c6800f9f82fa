// How many worker threads a run uses: `--workers N` checked, `auto` sized from the traffic estimate
// (peak concurrent streams and streamed chunks per second against what one worker handles; the
// figures and how they were measured are in load/workers/README.md). Pure but for the core count.
import { availableParallelism } from 'node:os'
import { UserError } from '../../core/errors.js'
import type { ScheduleSpec } from '../schedules/types.js'
import type { TrafficEstimate } from '../traffic-source.js'

/**
 * Concurrent streams one worker holds with a healthy event loop (verdict ok): measured roughly on
 * the project's 2-core machine against the exact mock in its own process (load/workers/README.md).
 */
export const STREAMS_PER_WORKER = 1_000
/** Streamed chunks (≈ output tokens) per second one worker parses with a healthy loop (same runs). */
export const CHUNKS_PER_SECOND_PER_WORKER = 6_000
/** Assumed stream shape when sizing, as a typical cloud endpoint: first token after 1 s, then 50 tokens/s. */
export const ASSUMED_TTFT_MS = 1_000
export const ASSUMED_MS_PER_TOKEN = 20

export interface WorkerCount {
  count: number
  requested: number | 'auto'
  /** What was decided and why, for the run's log (absent when nothing needs saying). */
  note?: string
}

export interface SizingInput {
  estimate: TrafficEstimate
  schedule: ScheduleSpec
  /** Replay compression of the offsets (open model). */
  timeScale: number
  /** The embedded mock or the chaos proxy runs in this process: its event loop needs a core. */
  inProcessServers: boolean
  /** Default `availableParallelism()`; injectable for tests. */
  cores?: number
}

export interface LoadFigures {
  peakStreams: number
  peakChunksPerSecond: number
}

/**
 * The peak load the traffic asks of the client, before any endpoint answers: concurrent streams
 * by Little's law (requests due within one assumed stream duration) and chunks per second (that
 * rate × mean output tokens). A closed model has exactly its users in flight.
 */
export function estimateLoad(input: Pick<SizingInput, 'estimate' | 'schedule' | 'timeScale'>, stream = true): LoadFigures {
  const { estimate, schedule } = input
  const meanTokens = estimate.requests === 0 ? 0 : estimate.outputTokens / estimate.requests
  const durationS = (ASSUMED_TTFT_MS + meanTokens * ASSUMED_MS_PER_TOKEN) / 1000
  let streams: number
  if (schedule.type === 'closed') streams = Math.min(schedule.users, estimate.requests)
  else if (schedule.type === 'ramping') {
    streams = Math.max(schedule.startRatePerSecond, ...schedule.stages.map((stage) => stage.targetRatePerSecond)) * durationS
  } else {
    // Requests whose offsets fall in any window of one stream duration (run time), from the
    // estimate's per-second counts (traffic time).
    const windowSeconds = durationS * input.timeScale
    const buckets = estimate.perSecond
    if (windowSeconds < 1) streams = Math.max(0, ...buckets) * windowSeconds
    else {
      const k = Math.round(windowSeconds)
      let sum = 0
      let best = 0
      for (let i = 0; i < buckets.length; i++) {
        sum += buckets[i] as number
        if (i >= k) sum -= buckets[i - k] as number
        if (sum > best) best = sum
      }
      streams = best
    }
  }
  const ratePerSecond = durationS === 0 ? 0 : streams / durationS
  return { peakStreams: Math.round(streams), peakChunksPerSecond: stream ? Math.round(ratePerSecond * meanTokens) : 0 }
}

/** Resolves `RunOptions.workers` (default 1) for a run whose traffic and schedule are known. */
export function resolveWorkerCount(
  options: { workers?: number | 'auto'; adapter?: unknown; clock?: unknown; stream?: boolean },
  input: SizingInput,
): WorkerCount {
  const requested = options.workers ?? 1
  // An adapter object or an injected clock lives in this thread: it cannot be handed to another.
  const inThreadOnly = options.adapter !== undefined ? 'an adapter object' : options.clock !== undefined ? 'an injected clock' : undefined
  if (requested === 'auto') {
    if (inThreadOnly !== undefined) return { count: 1, requested, note: `workers: auto → 1 (the run was given ${inThreadOnly}, which cannot cross threads)` }
    const cores = input.cores ?? availableParallelism()
    const cap = Math.max(1, cores - (input.inProcessServers ? 1 : 0))
    const load = estimateLoad(input, options.stream ?? true)
    const needed = Math.max(1, Math.ceil(load.peakStreams / STREAMS_PER_WORKER), Math.ceil(load.peakChunksPerSecond / CHUNKS_PER_SECOND_PER_WORKER))
    let count = Math.min(needed, cap)
    if (input.schedule.type === 'closed') count = Math.min(count, input.schedule.users)
    const why =
      `peak ~${load.peakStreams.toLocaleString('en-US')} streams and ~${load.peakChunksPerSecond.toLocaleString('en-US')} chunks/s; ` +
      `one worker takes ~${STREAMS_PER_WORKER.toLocaleString('en-US')} streams or ~${CHUNKS_PER_SECOND_PER_WORKER.toLocaleString('en-US')} chunks/s; ` +
      `at most ${cap} on ${cores} cores${input.inProcessServers ? ' (one is left to the in-process mock/proxy)' : ''}`
    return { count, requested, note: `workers: auto → ${count} (${why})` }
  }
  if (!Number.isSafeInteger(requested) || requested < 1 || requested > 256) {
    throw new UserError('USAGE_INVALID', `--workers '${String(requested)}' must be a whole number from 1 to 256 or 'auto'; e.g. --workers 2`)
  }
  if (requested === 1) return { count: 1, requested }
  if (inThreadOnly !== undefined) {
    throw new UserError('USAGE_INVALID', `workers: ${requested} cannot be used with ${inThreadOnly} (it lives in one thread); pass a target spec instead, or workers: 1`)
  }
  if (input.schedule.type === 'closed' && input.schedule.users < requested) {
    return { count: input.schedule.users, requested, note: `workers: ${requested} → ${input.schedule.users} (a closed model of ${input.schedule.users} users gives each worker at least one)` }
  }
  return { count: requested, requested }
}
