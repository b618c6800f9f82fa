// Samples -> the summary's `accuracy` section. Only requests with an expected answer count
// (their samples carry `questionId`); the rest of the summary is untouched. Pure, no I/O.
import { round } from '../../core/format.js'
import { malformedKinds } from '../../core/malformed-tags.js'
import type { Sample } from '../types.js'
import type { AccuracyGroup, AccuracySummary, PairedGroup } from './types.js'

interface Tally {
  questions: number
  answered: number
  correct: number
  hedged: number
  /** Question ids of the answered requests, to find their clean twins. */
  answeredIds: string[]
}

export interface AccuracyAccumulator {
  add(sample: Sample): void
  /** Undefined when no request had an expected answer. */
  summary(): AccuracySummary | undefined
}

const newTally = (): Tally => ({ questions: 0, answered: 0, correct: 0, hedged: 0, answeredIds: [] })

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : round(part / whole, 6)
}

function groupOf(tally: Tally): AccuracyGroup {
  return { questions: tally.questions, answered: tally.answered, correct: tally.correct, hedged: tally.hedged, accuracy: share(tally.correct, tally.answered) }
}

export function createAccuracyAccumulator(): AccuracyAccumulator {
  const overall = newTally()
  const clean = newTally()
  const dirty = newTally()
  const byKind = new Map<string, Tally>()
  const bySource = new Map<string, { tally: Tally; dirty: boolean }>()
  /** questionId -> was the clean version answered right. */
  const cleanCorrect = new Map<string, boolean>()
  let spend = 0
  let spendUnknown = false
  let confidentWrong = 0
  let seen = false

  const count = (tally: Tally, sample: Sample, answered: boolean): void => {
    tally.questions++
    if (!answered) return
    tally.answered++
    tally.answeredIds.push(sample.questionId as string)
    if (sample.correct === true) tally.correct++
    if (sample.hedged === true) tally.hedged++
  }

  const paired = (tally: Tally): PairedGroup => {
    let twins = 0
    let twinsCorrect = 0
    for (const id of tally.answeredIds) {
      const twin = cleanCorrect.get(id)
      if (twin === undefined) continue
      twins++
      if (twin) twinsCorrect++
    }
    const group = groupOf(tally)
    const cleanAccuracy = share(twinsCorrect, twins)
    return { ...group, clean_accuracy: cleanAccuracy, drop: cleanAccuracy === null || group.accuracy === null ? null : round(cleanAccuracy - group.accuracy, 6) }
  }

  return {
    add(sample) {
      if (sample.questionId === undefined) return
      seen = true
      if (sample.spendUsd === null) spendUnknown = true
      else if (sample.spendUsd !== undefined) spend += sample.spendUsd
      if (sample.willRetry === true) return
      const answered = sample.outcome === 'ok' && sample.correct !== undefined
      const isDirty = sample.variant === 'dirty'
      count(overall, sample, answered)
      count(isDirty ? dirty : clean, sample, answered)
      if (answered && sample.correct !== true && sample.hedged !== true) confidentWrong++
      if (answered && !isDirty) cleanCorrect.set(sample.questionId, sample.correct === true)
      if (isDirty) {
        for (const kind of malformedKinds(sample.tags)) {
          let tally = byKind.get(kind)
          if (tally === undefined) byKind.set(kind, (tally = newTally()))
          count(tally, sample, answered)
        }
      }
      const source = sample.source ?? '(unknown)'
      let entry = bySource.get(source)
      if (entry === undefined) bySource.set(source, (entry = { tally: newTally(), dirty: isDirty }))
      count(entry.tally, sample, answered)
    },
    summary() {
      if (!seen) return undefined
      const cleanGroup = groupOf(clean)
      const dirtyGroup = groupOf(dirty)
      const wrong = overall.answered - overall.correct
      const spendUsd = spendUnknown ? 'unknown' : round(spend, 9)
      return {
        overall: groupOf(overall),
        clean: cleanGroup,
        dirty: paired(dirty),
        drop: cleanGroup.accuracy === null || dirtyGroup.accuracy === null ? null : round(cleanGroup.accuracy - dirtyGroup.accuracy, 6),
        by_kind: Object.fromEntries([...byKind].sort(([a], [b]) => a.localeCompare(b)).map(([kind, tally]) => [kind, paired(tally)])),
        by_source: Object.fromEntries(
          [...bySource].sort(([a], [b]) => a.localeCompare(b)).map(([source, entry]) => [source, entry.dirty ? paired(entry.tally) : groupOf(entry.tally)]),
        ),
        confident_wrong: confidentWrong,
        confident_wrong_share: share(confidentWrong, wrong),
        spend_usd: spendUsd,
        spend_per_correct_usd: overall.correct === 0 ? null : spendUsd === 'unknown' ? 'unknown' : round(spend / overall.correct, 12),
      }
    },
  }
}

/** `{ accuracy }` for the summary when any request had an expected answer, else nothing. */
export function accuracySection(accumulator: AccuracyAccumulator): { accuracy?: AccuracySummary } {
  const summary = accumulator.summary()
  return summary === undefined ? {} : { accuracy: summary }
}
