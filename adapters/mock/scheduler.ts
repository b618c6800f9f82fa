// The serving simulator: capacity, a bounded queue and one continuous-batching decode loop.
// The loop steps every running sequence together; exact TTFT/ITL requests go to timed-lane.ts.
//
//   submit ─► (overhead) ─► slot free? ─► prefill ─┐   one step timer for all:
//                  │            no ─► queue ──────►│   step = base + perSeq × decoding + perToken × prefill
//                  │                 full ─► reject│   each step end: +1 token per decoding sequence,
//   exact timing ─►└─► timed lane (heap of due times, one timer) ─► tokens at ttft, ttft + itl, …
import { createRandom, type Random } from '../../core/random.js'
import type { Sequence, SequenceCallbacks } from './sequence.js'
import { createTimedLane } from './timed-lane.js'
import { systemMockTimer, type MockTimer } from './timer.js'
import type { MockProfile } from './types.js'

export type { SequenceCallbacks } from './sequence.js'
export { systemMockTimer, type MockTimer } from './timer.js'

export type SequenceTiming = { kind: 'simulated' } | { kind: 'exact'; ttftMs: number; itlMs: number }

export interface SequenceRequest {
  inputTokens: number
  /** Prompt tokens to prefill: fewer than `inputTokens` when part was cached (may be fractional). Default `inputTokens`. */
  prefillTokens?: number
  outputTokens: number
  timing: SequenceTiming
  /** When the request arrived (timer ms); TTFT and overhead count from here. Default: now. */
  arrivedAtMs?: number
  callbacks: SequenceCallbacks
}

export interface SequenceHandle {
  /** The client went away: free the slot or queue place; no more callbacks. */
  cancel(): void
}

export interface SchedulerStats {
  /** Sequences holding a slot (prefill + decode). */
  running: number
  decoding: number
  /** Exact-timing sequences in flight (no slot). */
  timed: number
  queued: number
  /** Submitted, still in their overhead delay. */
  arriving: number
  peakActive: number
  peakQueued: number
  rejectedQueueFull: number
  completed: number
  cancelled: number
  /** Tokens generated so far. */
  tokens: number
  /** Decode steps run. */
  steps: number
}

export interface MockScheduler {
  submit(request: SequenceRequest): SequenceHandle
  stats(): SchedulerStats
  /** Drop every sequence without callbacks and clear the timers. */
  close(): void
}

export interface MockSchedulerOptions {
  profile: Pick<MockProfile, 'capacity' | 'maxQueue' | 'timing'>
  timer?: MockTimer
  random?: Random
}

/** Late timers are caught up (absolute schedule) unless this far behind; then the loop re-anchors. */
const MAX_CATCH_UP_MS = 50

export function createMockScheduler(options: MockSchedulerOptions): MockScheduler {
  const { capacity, maxQueue, timing } = options.profile
  const timer = options.timer ?? systemMockTimer
  const overheadRandom = (options.random ?? createRandom(1)).fork('overhead')

  let running = 0
  let arriving = 0
  let queuedCount = 0
  const queue: Sequence[] = []
  let queueHead = 0
  let prefilling: Sequence[] = []
  const decoding: Sequence[] = []

  const arrivingSet = new Set<Sequence>()
  let stepTimer: unknown
  /** True while a step's tokens are handed out: admissions wait for the step to be rescheduled. */
  let finishing = false
  let stepId = 0
  let stepEndAtMs = 0
  let closed = false

  const stats = { peakActive: 0, peakQueued: 0, rejectedQueueFull: 0, completed: 0, cancelled: 0, tokens: 0, steps: 0 }

  const notePeaks = (): void => {
    const active = running + timedLane.size()
    if (active > stats.peakActive) stats.peakActive = active
    if (queuedCount > stats.peakQueued) stats.peakQueued = queuedCount
  }

  const emit = (sequence: Sequence): void => {
    const index = sequence.emitted
    sequence.emitted++
    stats.tokens++
    if (sequence.callbacks.onToken(index) === false) cancel(sequence)
  }

  // ---- simulated lane -------------------------------------------------------------------------

  const arrive = (sequence: Sequence): void => {
    arriving--
    arrivingSet.delete(sequence)
    if (running < capacity) {
      admit(sequence)
    } else if (queuedCount < maxQueue) {
      sequence.state = 'queued'
      sequence.queuedAtMs = timer.now()
      queue.push(sequence)
      queuedCount++
      notePeaks()
    } else {
      sequence.state = 'done'
      stats.rejectedQueueFull++
      sequence.callbacks.onReject()
    }
  }

  const admit = (sequence: Sequence): void => {
    const queueMs = sequence.state === 'queued' ? timer.now() - sequence.queuedAtMs : 0
    sequence.state = 'prefill'
    sequence.prefillLeft = sequence.prefillTokens
    running++
    notePeaks()
    prefilling.push(sequence)
    sequence.callbacks.onStart(queueMs)
    if (stepTimer === undefined && !finishing && !closed) {
      // An idle loop starts on the next turn, so requests arriving together share the first step.
      stepTimer = timer.set(() => {
        stepTimer = undefined
        if (!closed && running > 0) startStep(timer.now())
      }, 0)
    }
  }

  const admitFromQueue = (): void => {
    while (running < capacity && queuedCount > 0) {
      const next = queue[queueHead]
      queueHead++
      if (next === undefined || next.state !== 'queued') continue
      queuedCount--
      admit(next)
    }
    if (queueHead > 1024 && queueHead * 2 > queue.length) {
      queue.splice(0, queueHead)
      queueHead = 0
    }
  }

  const startStep = (startAtMs: number): void => {
    stepId++
    stats.steps++
    if (prefilling.some((sequence) => sequence.state !== 'prefill')) {
      prefilling = prefilling.filter((sequence) => sequence.state === 'prefill')
    }
    // Chunked prefill: the oldest admitted prompts first, up to the step's token budget.
    let budget = timing.maxPrefillTokensPerStep
    let prefillTokens = 0
    for (const sequence of prefilling) {
      if (budget <= 0) break
      const take = Math.min(sequence.prefillLeft, budget)
      sequence.prefillThisStep = take
      sequence.prefillStep = stepId
      budget -= take
      prefillTokens += take
    }
    const stepMs =
      timing.decodeBaseMs + timing.decodeMsPerSequence * decoding.length + timing.prefillMsPerToken * prefillTokens
    stepEndAtMs = startAtMs + stepMs
    stepTimer = timer.set(finishStep, Math.max(0, stepEndAtMs - timer.now()))
  }

  const finish = (sequence: Sequence): void => {
    sequence.state = 'done'
    running--
    stats.completed++
    sequence.callbacks.onEnd()
  }

  const removeDecoding = (sequence: Sequence): void => {
    const last = decoding.pop()
    if (last !== undefined && last !== sequence) {
      decoding[sequence.decodeSlot] = last
      last.decodeSlot = sequence.decodeSlot
    }
  }

  const finishStep = (): void => {
    stepTimer = undefined
    if (closed) return
    const finishedStep = stepId
    finishing = true
    // Snapshots: callbacks may cancel sequences (a client reset) while we iterate.
    for (const sequence of decoding.slice()) {
      if (sequence.state !== 'decode') continue
      emit(sequence)
      if (sequence.state === 'decode' && sequence.emitted >= sequence.outputTokens) {
        removeDecoding(sequence)
        finish(sequence)
      }
    }
    for (const sequence of prefilling.slice()) {
      if (sequence.state !== 'prefill' || sequence.prefillStep !== finishedStep) continue
      sequence.prefillLeft -= sequence.prefillThisStep
      sequence.prefillThisStep = 0
      if (sequence.prefillLeft > 0) continue
      // Prefill done: the step that finishes it yields the first token (TTFT).
      if (sequence.outputTokens === 0) {
        finish(sequence)
        continue
      }
      sequence.state = 'decode'
      sequence.decodeSlot = decoding.length
      decoding.push(sequence)
      emit(sequence)
      if (sequence.state === 'decode' && sequence.emitted >= sequence.outputTokens) {
        removeDecoding(sequence)
        finish(sequence)
      }
    }
    admitFromQueue()
    finishing = false
    if (running > 0 && stepTimer === undefined && !closed) {
      const now = timer.now()
      startStep(now - stepEndAtMs > MAX_CATCH_UP_MS ? now : stepEndAtMs)
    }
  }

  // ---- timed lane (exact TTFT / ITL) -----------------------------------------------------------

  const timedLane = createTimedLane({
    timer,
    emit,
    onEnter: notePeaks,
    onFinish: () => {
      stats.completed++
    },
  })

  // ---- public ----------------------------------------------------------------------------------

  const cancel = (sequence: Sequence): void => {
    switch (sequence.state) {
      case 'done':
        return
      case 'arriving':
        timer.clear(sequence.arrivalTimer)
        arrivingSet.delete(sequence)
        arriving--
        break
      case 'queued':
        queuedCount--
        break
      case 'prefill':
        running--
        break
      case 'decode':
        removeDecoding(sequence)
        running--
        break
      case 'timed':
        timedLane.remove(sequence)
        break
    }
    const freedSlot = sequence.state === 'prefill' || sequence.state === 'decode'
    sequence.state = 'done'
    stats.cancelled++
    if (freedSlot) admitFromQueue()
  }

  return {
    submit(request) {
      const now = timer.now()
      const sequence: Sequence = {
        state: 'arriving',
        inputTokens: Math.max(0, request.inputTokens),
        prefillTokens: Math.max(0, request.prefillTokens ?? request.inputTokens),
        outputTokens: Math.max(0, request.outputTokens),
        emitted: 0,
        callbacks: request.callbacks,
        arrivedAtMs: request.arrivedAtMs ?? now,
        queuedAtMs: 0,
        arrivalTimer: undefined,
        prefillLeft: 0,
        prefillThisStep: 0,
        prefillStep: -1,
        decodeSlot: -1,
        dueAtMs: 0,
        itlMs: 0,
        heapSlot: -1,
      }
      const handle: SequenceHandle = { cancel: () => cancel(sequence) }
      if (closed) return handle
      if (request.timing.kind === 'exact') {
        timedLane.submit(sequence, request.timing.ttftMs, request.timing.itlMs)
        return handle
      }
      arriving++
      arrivingSet.add(sequence)
      const overheadMs =
        timing.overheadMs <= 0
          ? 0
          : timing.overheadJitter > 0
            ? overheadRandom.lognormal(timing.overheadMs, timing.overheadJitter)
            : timing.overheadMs
      const delayMs = sequence.arrivedAtMs + overheadMs - now
      if (delayMs <= 0) {
        arrive(sequence)
      } else {
        sequence.arrivalTimer = timer.set(() => {
          if (sequence.state === 'arriving' && !closed) arrive(sequence)
        }, delayMs)
      }
      return handle
    },
    stats: () => ({
      running,
      decoding: decoding.length,
      timed: timedLane.size(),
      queued: queuedCount,
      arriving,
      ...stats,
    }),
    close() {
      closed = true
      if (stepTimer !== undefined) timer.clear(stepTimer)
      stepTimer = undefined
      timedLane.close()
      for (const sequence of arrivingSet) timer.clear(sequence.arrivalTimer)
      for (const sequence of [...arrivingSet, ...queue.slice(queueHead), ...prefilling, ...decoding]) {
        sequence.state = 'done'
      }
      arrivingSet.clear()
      queue.length = 0
      prefilling = []
      decoding.length = 0
    },
  }
}
