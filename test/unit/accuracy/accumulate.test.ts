// The summary's accuracy section from known Samples: clean vs dirty, paired drops per kind and
// source, confident-wrong share, spend per correct answer.
import { describe, expect, it } from 'vitest'
import { createAccuracyAccumulator } from '../../../results/accuracy/accumulate.js'
import type { Sample } from '../../../results/types.js'

function sample(id: string, variant: 'clean' | 'dirty', correct: boolean, extra: Partial<Sample> = {}): Sample {
  return {
    requestId: `${id}-${variant}`,
    attempt: 1,
    userId: 'u',
    task: 'table-qa',
    outcome: 'ok',
    scheduledAtMs: 0,
    questionId: id,
    variant,
    source: variant === 'clean' ? 't/clean.csv' : 't/dirty.csv',
    correct,
    hedged: false,
    spendUsd: 0.001,
    ...extra,
  }
}

describe('createAccuracyAccumulator', () => {
  it('is absent without questions', () => {
    const accumulator = createAccuracyAccumulator()
    accumulator.add({ requestId: 'r', attempt: 1, userId: 'u', task: 'chat', outcome: 'ok', scheduledAtMs: 0 })
    expect(accumulator.summary()).toBeUndefined()
  })

  it('pairs dirty answers with their clean twins', () => {
    const accumulator = createAccuracyAccumulator()
    const samples = [
      sample('q1', 'clean', true),
      sample('q1', 'dirty', false, { tags: ['malformed:typos'], hedged: true }),
      sample('q2', 'clean', true),
      sample('q2', 'dirty', true, { tags: ['malformed:typos', 'malformed:mojibake'] }),
      sample('q3', 'clean', false),
      sample('q3', 'dirty', false, { tags: ['malformed:mojibake'] }),
      // A retried attempt costs but does not count; a failed request is a question not answered.
      sample('q4', 'clean', false, { willRetry: true, outcome: 'http', correct: undefined }),
      sample('q4', 'clean', false, { outcome: 'http', correct: undefined }),
    ]
    for (const item of samples) accumulator.add(item)
    const summary = accumulator.summary()
    expect(summary?.overall).toEqual({ questions: 7, answered: 6, correct: 3, hedged: 1, accuracy: 0.5 })
    expect(summary?.clean.accuracy).toBeCloseTo(2 / 3, 6)
    expect(summary?.dirty.accuracy).toBeCloseTo(1 / 3, 6)
    expect(summary?.drop).toBeCloseTo(1 / 3, 5)
    expect(summary?.by_kind['typos']).toMatchObject({ answered: 2, accuracy: 0.5, clean_accuracy: 1, drop: 0.5 })
    expect(summary?.by_kind['mojibake']).toMatchObject({ answered: 2, accuracy: 0.5, clean_accuracy: 0.5, drop: 0 })
    expect(summary?.by_source['t/dirty.csv']).toMatchObject({ answered: 3, clean_accuracy: 0.666667 })
    expect(summary?.by_source['t/clean.csv']).not.toHaveProperty('drop')
    // Wrong: q1 dirty (hedged), q3 clean, q3 dirty -> 2 confident of 3.
    expect(summary?.confident_wrong).toBe(2)
    expect(summary?.confident_wrong_share).toBeCloseTo(2 / 3, 6)
    expect(summary?.spend_usd).toBeCloseTo(0.008, 9)
    expect(summary?.spend_per_correct_usd).toBeCloseTo(0.008 / 3, 9)
  })

  it('unpriced spend stays unknown', () => {
    const accumulator = createAccuracyAccumulator()
    accumulator.add(sample('q1', 'clean', true, { spendUsd: null }))
    expect(accumulator.summary()).toMatchObject({ spend_usd: 'unknown', spend_per_correct_usd: 'unknown' })
  })
})
