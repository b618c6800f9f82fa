// The serving simulator's exact-timing lane: forced TTFT/ITL sequences on a heap of due times.
// One timer serves the heap; these sequences hold no slot and never queue.
//
//   submit ─► instant (ttft = itl = 0)? ─► every token now
//          └► heap by due time ─► one timer at the earliest ─► tokens at ttft, ttft + itl, …
import type { Sequence } from './sequence.js'
import type { MockTimer } from './timer.js'

/** Timers have millisecond resolution: a sequence this close to due is served now. */
const DUE_TOLERANCE_MS = 0.5

export interface TimedLaneOptions {
  timer: MockTimer
  /** Hands the sequence its next token; the callback may cancel it (state no longer `timed`). */
  emit(sequence: Sequence): void
  /** A sequence entered the lane (the scheduler notes its peaks). */
  onEnter(): void
  /** A sequence generated every token, just before its `onEnd`. */
  onFinish(): void
}

export interface TimedLane {
  /** Sequences in the lane now. */
  size(): number
  submit(sequence: Sequence, ttftMs: number, itlMs: number): void
  /** Drop a sequence that is still `timed` (cancelled); the caller marks it done. */
  remove(sequence: Sequence): void
  /** Mark every waiting sequence done, without callbacks, and clear the timer. */
  close(): void
}

export function createTimedLane(options: TimedLaneOptions): TimedLane {
  const { timer, emit, onEnter, onFinish } = options
  const heap: Sequence[] = []
  let timed = 0
  let timedTimer: unknown
  let timedTimerAtMs = Infinity
  let closed = false

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
    onFinish()
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

  return {
    size: () => timed,
    submit(sequence, ttftMs, itlMs) {
      sequence.state = 'timed'
      sequence.itlMs = itlMs
      timed++
      onEnter()
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
    },
    remove(sequence) {
      heapRemove(sequence)
      timed--
    },
    close() {
      closed = true
      if (timedTimer !== undefined) timer.clear(timedTimer)
      timedTimer = undefined
      for (const sequence of heap) sequence.state = 'done'
      heap.length = 0
    },
  }
}
