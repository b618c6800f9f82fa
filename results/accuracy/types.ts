// The summary's `accuracy` section: how often answers over the user's own tables were right,
// on clean versus dirty versions of the same questions (documented in results/SCHEMA.md).
import type { Usd } from '../summary.js'

export interface AccuracyGroup {
  /** Logical requests that carried an expected answer. */
  questions: number
  /** Of those, answered (final outcome ok) and scored. */
  answered: number
  correct: number
  /** Wrong answers that said they were unsure, could not find it, or refused. */
  hedged: number
  /** correct ÷ answered; null when nothing was answered. */
  accuracy: number | null
}

/** A dirty group beside the clean answers to the very same questions. */
export interface PairedGroup extends AccuracyGroup {
  /** Accuracy of the clean versions of this group's questions; null without clean twins. */
  clean_accuracy: number | null
  /** clean_accuracy − accuracy (positive: the mess cost accuracy). */
  drop: number | null
}

export interface AccuracySummary {
  overall: AccuracyGroup
  clean: AccuracyGroup
  /** With the accuracy of the clean twins of the same questions (`clean_accuracy`) and the paired `drop`. */
  dirty: PairedGroup
  /** clean.accuracy − dirty.accuracy (every clean question, paired or not). */
  drop: number | null
  /** Dirty questions by malformed-input kind (`malformed:<kind>` tags), paired with their clean twins. */
  by_kind: Record<string, PairedGroup>
  /** By source file; a dirty file is paired with the clean twins of its questions. */
  by_source: Record<string, AccuracyGroup | PairedGroup>
  /** Answered wrong without any hedge. */
  confident_wrong: number
  /** confident_wrong ÷ wrong answers; null when none was wrong. */
  confident_wrong_share: number | null
  /** Spend of every attempt of these requests. */
  spend_usd: Usd
  /** spend_usd ÷ correct; null when none was correct. */
  spend_per_correct_usd: Usd | null
}
