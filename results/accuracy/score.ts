// Scores one reply against its expected answer: exact match after normalisation, plus a hedge flag.
//
//   reply ─► extractAnswer ─► canonicalValue ─┐
//                                              ├─ equal? ─► correct
//   expected.answer ─────────► canonicalValue ─┘
//   reply ─► isHedged ─► hedged
import type { ExpectedAnswer } from '../../core/traffic-types.js'
import { isHedged } from './hedge.js'
import { canonicalValue, extractAnswer } from './normalise.js'

/** How a reply was judged: `match` (same canonical value), `mismatch`, `hedged` (wrong and hedged), `empty`. */
export type ScoreDetail = 'match' | 'mismatch' | 'hedged' | 'empty'

export interface AnswerScore {
  correct: boolean
  hedged: boolean
  detail: ScoreDetail
  /** The answer part of the reply (at most 120 characters), for the records. */
  answer: string
}

const ANSWER_CHARS = 120

export function scoreAnswer(reply: string, expected: ExpectedAnswer): AnswerScore {
  const answer = extractAnswer(reply)
  const correct = answer !== '' && canonicalValue(answer) === canonicalValue(expected.answer)
  const hedged = !correct && isHedged(reply)
  const detail: ScoreDetail = correct ? 'match' : hedged ? 'hedged' : answer === '' ? 'empty' : 'mismatch'
  return { correct, hedged, detail, answer: answer.length > ANSWER_CHARS ? `${answer.slice(0, ANSWER_CHARS - 1)}…` : answer }
}
