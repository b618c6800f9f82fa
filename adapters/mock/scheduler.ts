// The serving simulator: capacity, a bounded queue, and one continuous-batching decode loop that
// steps every running sequence together; plus a timed lane for exact TTFT/ITL requests.
//
//   submit ─► (overhead) ─► slot free? ─► prefill ─┐   one step timer for all:
//                  │            no ─► queue ──────►│   step = base + perSeq × decoding + perToken × prefill
//                  │                 full ─► reject│   each step end: +1 token per decoding sequence,
//   exact timing ─►└─► timed lane (heap of due times, one timer) ─► tokens at ttft, ttft + itl, …
import { createRandom, type Random } from '../../core/random.js'
import type { MockProfile } from './types.js'

/** Timer seam: real timers in the server, a virtual clock in unit tests. */
export interface MockTimer {
  /** Monotonic ms. */
  now(): number
  set(callback: () => void, delayMs: number): unknown
  clear(handle: unknown): void
}

type SystemHandle = { immediate: ReturnType<typeof setImmediate> } | { timeout: ReturnType<typeof setTimeout> }

/** Real timers; a zero delay runs on the next turn of the event loop (setTimeout would wait ≥ 1 ms). */
export const systemMockTimer: MockTimer = {
  now: () => performance.now(),
  set: (callback, delayMs): SystemHandle =>
    delayMs <= 0 ? { immediate: setImmediate(callback) } : { timeout: setTimeout(callback, delayMs) },
  clear: (handle) => {
    const system = handle as SystemHandle
    if ('immediate' in system) clearImmediate(system.immediate)
    else clearTimeout(system.timeout)
  },
}

export interface SequenceCallbacks {
  /** A slot was granted (streaming answers send their headers now). `queueMs`: time spent queued. */
  onStart(queueMs: number): void
  /** Token `index` (0-based) is generated now. Returning `false` stops the sequence (no `onEnd`). */
  onToken(index: number): boolean | void
  /** Every token was generated. */
  onEnd(): void
  /** The queue was full: no slot, nothing generated. */
  onReject(): void
}

export type SequenceTiming = { kind: 'simulated' } | { kind: 'exact'; ttftMs: number; itlMs: number }

export interface SequenceRequest {
  inputTokens: number
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

type State = 'arriving' | 'queued' | 'prefill' | 'decode' | 'timed' | 'done'

interface Sequence {
  state: State
  inputTokens: number
  outputTokens: number
  emitted: number
  callbacks: SequenceCallbacks
  arrivedAtMs: number
  queuedAtMs: number
  arrivalTimer: unknown
  prefillLeft: number
  prefillThisStep: number
  prefillStep: number
  decodeSlot: number
  dueAtMs: number
  itlMs: number
  heapSlot: number
}

/** Late timers are caught up (absolute schedule) unless this far behind; then the loop re-anchors. */
const MAX_CATCH_UP_MS = 50
/** Timers have millisecond resolution: a sequence this close to due is served now. */
const DUE_TOLERANCE_MS = 0.5

export function createMockScheduler(options: MockSchedulerOptions): MockScheduler {
  const { capacity, maxQueue, timing } = options.profile
  const timer = options.timer ?? systemMockTimer
  const overheadRandom = (options.random ?? createRandom(1)).fork('overhead')

  let running = 0
  let timed = 0
  let arriving = 0
  let queuedCount = 0
  const queue: Sequence[] = []
  let queueHead = 0
  let prefilling: Sequence[] = []
  const decoding: Sequence[] = []
  const heap: Sequence[] = []

  const arrivingSet = new Set<Sequence>()
  let stepTimer: unknown
  /** True while a step's tokens are handed out: admissions wait for the step to be rescheduled. */
  let finishing = false
  let stepId = 0
  let stepEndAtMs = 0
  let timedTimer: unknown
  let timedTimerAtMs = Infinity
  let closed = false

  const stats = { peakActive: 0, peakQueued: 0, rejectedQueueFull: 0, completed: 0, cancelled: 0, tokens: 0, steps: 0 }

  const notePeaks = (): void => {
    if (running + timed > stats.peakActive) stats.peakActive = running + timed
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
    sequence.prefillLeft = sequence.inputTokens
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

  const heapSwap = (i: number, j: number): void => {
    const a = heap[i] as Sequence
    const b = heap[j] as Sequence
    heap[i] = b
    heap[j] = a
    b.heapSlot = i
    a.heapSlot = j
  }
  const siftUp = (index: number): void => {
    let i = index
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((heap[parent] as Sequence).dueAtMs <= (heap[i] as Sequence).dueAtMs) break
      heapSwap(i, parent)
      i = parent
    }
  }
  const siftDown = (index: number): void => {
    let i = index
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < heap.length && (heap[left] as Sequence).dueAtMs < (heap[smallest] as Sequence).dueAtMs) smallest = left
      if (right < heap.length && (heap[right] as Sequence).dueAtMs < (heap[smallest] as Sequence).dueAtMs) smallest = right
      if (smallest === i) return
      heapSwap(i, smallest)
      i = smallest
    }
  }
  const heapRemove = (sequence: Sequence): void => {
    const index = sequence.heapSlot
    // Instant answers never enter the heap.
    if (index < 0 || heap[index] !== sequence) return
    sequence.heapSlot = -1
    const last = heap.pop()
    if (last === undefined || last === sequence) return
    heap[index] = last
    last.heapSlot = index
    siftDown(index)
    siftUp(last.heapSlot)
  }

  const armTimed = (): void => {
    const top = heap[0]
    if (top === undefined || closed) return
    if (timedTimer !== undefined) {
      if (timedTimerAtMs <= top.dueAtMs) return
      timer.clear(timedTimer)
    }
    timedTimerAtMs = top.dueAtMs
    timedTimer = timer.set(runTimed, Math.max(0, top.dueAtMs - timer.now()))
  }

  const finishTimed = (sequence: Sequence): void => {
    sequence.state = 'done'
    timed--
    stats.completed++
    sequence.callbacks.onEnd()
  }

  const runTimed = (): void => {
    timedTimer = undefined
    timedTimerAtMs = Infinity
    if (closed) return
    const now = timer.now()
    for (;;) {
      const sequence = heap[0]
      if (sequence === undefined || sequence.dueAtMs > now + DUE_TOLERANCE_MS) break
      if (sequence.emitted >= sequence.outputTokens) {
        heapRemove(sequence)
        finishTimed(sequence)
        continue
      }
      emit(sequence)
      if (sequence.state !== 'timed') continue // cancelled by its own callback; already removed
      if (sequence.emitted >= sequence.outputTokens) {
        heapRemove(sequence)
        finishTimed(sequence)
      } else {
        // Absolute schedule: a late timer catches up instead of stretching the whole answer.
        sequence.dueAtMs += sequence.itlMs
        siftDown(sequence.heapSlot)
      }
    }
    armTimed()
  }

  const submitTimed = (sequence: Sequence, ttftMs: number, itlMs: number): void => {
    sequence.state = 'timed'
    sequence.itlMs = itlMs
    timed++
    notePeaks()
    sequence.callbacks.onStart(0)
    if (sequence.state !== 'timed') return
    const now = timer.now()
    if (ttftMs <= 0 && itlMs <= 0 && sequence.arrivedAtMs <= now) {
      // Instant: the whole answer now, no timer at all.
      while (sequence.state === 'timed' && sequence.emitted < sequence.outputTokens) emit(sequence)
      if (sequence.state === 'timed') finishTimed(sequence)
      return
    }
    sequence.dueAtMs = sequence.arrivedAtMs + ttftMs
    sequence.heapSlot = heap.length
    heap.push(sequence)
    siftUp(sequence.heapSlot)
    armTimed()
  }

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
        heapRemove(sequence)
        timed--
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
        submitTimed(sequence, request.timing.ttftMs, request.timing.itlMs)
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
      timed,
      queued: queuedCount,
      arriving,
      ...stats,
    }),
    close() {
      closed = true
      if (stepTimer !== undefined) timer.clear(stepTimer)
      if (timedTimer !== undefined) timer.clear(timedTimer)
      stepTimer = undefined
      timedTimer = undefined
      for (const sequence of arrivingSet) timer.clear(sequence.arrivalTimer)
      for (const sequence of [...arrivingSet, ...queue.slice(queueHead), ...prefilling, ...decoding, ...heap]) {
        sequence.state = 'done'
      }
      arrivingSet.clear()
      queue.length = 0
      prefilling = []
      decoding.length = 0
      heap.length = 0
    },
  }
}
