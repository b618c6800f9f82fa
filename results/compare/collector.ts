// The comparison's sink: what each target's Samples leave behind as TargetData: the per-request
// values its bootstrap intervals resample, and the counts of the shared group accumulator
// (results/accumulate/group.ts), so sent, errors, abandoned and attempts mean what they mean in
// every summary.
import { addAttempt, addFinal, newGroup, type Group } from '../accumulate/group.js'
import { ERROR_OUTCOMES, malformedKinds, outcomeKey, UNSENT_OUTCOMES } from '../outcomes.js'
import type { Sample, Sink } from '../types.js'


/** Per-request values of one target, compact enough for 100,000s of requests. */
export interface TargetData {
  /** Completed requests (final attempt ok): TTFT and e2e from the scheduled time, ms. */
  ttftMs: number[]
  e2eMs: number[]
  /** Completed requests with ≥ 2 output tokens: (output tokens − 1) / (e2e − TTFT), tokens per second. */
  outputTokensPerS: number[]
  /** One entry per logical request that reached the endpoint: its spend over all its attempts, USD. */
  requestSpendUsd: number[]
  /** Same order as `requestSpendUsd`: 1 when the request completed ok, else 0. */
  requestCompleted: number[]
  /** True when any attempt's spend was unknown (a model without a price). */
  spendUnknown: boolean
  /** Logical requests whose final attempt was sent, and of them errors and abandoned (from the group accumulator). */
  sent: number
  errors: number
  abandoned: number
  /** Attempts sent (from the group accumulator), and of them answered HTTP 429. */
  attempts: number
  rateLimited: number
  /** Malformed-input kind → how the endpoint handled it → final attempts. */
  malformed: Record<string, Record<string, number>>
  /** Questions with an expected answer (results/accuracy/), answered ones by table version. */
  accuracy: { clean: AnswerCounts; dirty: AnswerCounts; wrong: number; wrongUnhedged: number }
}

export interface AnswerCounts {
  answered: number
  correct: number
}

export function emptyTargetData(): TargetData {
  return {
    ttftMs: [],
    e2eMs: [],
    outputTokensPerS: [],
    requestSpendUsd: [],
    requestCompleted: [],
    spendUnknown: false,
    sent: 0,
    errors: 0,
    abandoned: 0,
    attempts: 0,
    rateLimited: 0,
    malformed: {},
    accuracy: { clean: { answered: 0, correct: 0 }, dirty: { answered: 0, correct: 0 }, wrong: 0, wrongUnhedged: 0 },
  }
}

export interface CompareCollector extends Sink {
  data(): TargetData
}

/**
 * A sink that keeps what the comparison needs from each Sample. Attempts of one logical request
 * are summed until its final attempt (the one without `willRetry`) arrives.
 */
export function createCompareCollector(): CompareCollector {
  const data = emptyTargetData()
  const group = newGroup()
  const open = new Map<string, { spendUsd: number; sent: boolean }>()
  return {
    name: 'compare',
    record(sample) {
      addSample(data, group, open, sample)
    },
    data: () => Object.assign(data, { sent: group.sent, errors: group.errors, abandoned: group.abandoned, attempts: group.attempts }),
  }
}

export function collectTargetData(samples: Iterable<Sample>): TargetData {
  const collector = createCompareCollector()
  for (const sample of samples) collector.record(sample)
  return collector.data()
}

function addSample(data: TargetData, group: Group, open: Map<string, { spendUsd: number; sent: boolean }>, sample: Sample): void {
  const unsent = UNSENT_OUTCOMES.has(sample.outcome)
  let request = open.get(sample.requestId)
  if (request === undefined) {
    request = { spendUsd: 0, sent: false }
    open.set(sample.requestId, request)
  }
  addAttempt(group, sample, unsent)
  if (!unsent) {
    request.sent = true
    if (sample.outcome === 'http' && sample.status === 429) data.rateLimited++
  }
  if (sample.spendUsd === null) data.spendUnknown = true
  else if (sample.spendUsd !== undefined) request.spendUsd += sample.spendUsd
  if (sample.willRetry === true) return

  open.delete(sample.requestId)
  addFinal(group, sample, outcomeKey(sample), !unsent, ERROR_OUTCOMES.has(sample.outcome))
  // A request whose earlier attempt was sent keeps its spend even if the retry never went out.
  if (request.sent) {
    data.requestSpendUsd.push(request.spendUsd)
    data.requestCompleted.push(sample.outcome === 'ok' ? 1 : 0)
  }
  if (unsent) return
  if (sample.correct !== undefined) {
    const counts = sample.variant === 'dirty' ? data.accuracy.dirty : data.accuracy.clean
    counts.answered++
    if (sample.correct) counts.correct++
    else {
      data.accuracy.wrong++
      if (sample.hedged !== true) data.accuracy.wrongUnhedged++
    }
  }
  if (sample.outcome === 'ok') {
    if (sample.ttftMs !== undefined) data.ttftMs.push(sample.ttftMs)
    if (sample.e2eMs !== undefined) data.e2eMs.push(sample.e2eMs)
    if (sample.ttftMs !== undefined && sample.e2eMs !== undefined && sample.outputTokens !== undefined && sample.outputTokens >= 2) {
      // The first token arrives at TTFT: the time after it carries the other n − 1 tokens.
      const decodeMs = sample.e2eMs - sample.ttftMs
      if (decodeMs > 0) data.outputTokensPerS.push(((sample.outputTokens - 1) * 1000) / decodeMs)
    }
  }
  if (sample.handling !== undefined) {
    for (const kind of malformedKinds(sample.tags)) {
      const counts = (data.malformed[kind] ??= {})
      counts[sample.handling] = (counts[sample.handling] ?? 0) + 1
    }
  }
}
