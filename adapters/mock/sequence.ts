// One request inside the serving simulator: its callbacks and the record both lanes keep for it.

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

export type SequenceState = 'arriving' | 'queued' | 'prefill' | 'decode' | 'timed' | 'done'

/** One record for both lanes: a sequence keeps one shape whichever lane serves it. */
export interface Sequence {
  state: SequenceState
  inputTokens: number
  /** Prompt tokens the prefill pays for (cached ones weighted down). */
  prefillTokens: number
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
