// The scorer: normalisation (case, NFC, numbers, dates), answer extraction, hedge detection.
import { describe, expect, it } from 'vitest'
import { isHedged } from '../../../results/accuracy/hedge.js'
import { canonicalValue, extractAnswer, normaliseDate, normaliseNumber } from '../../../results/accuracy/normalise.js'
import { scoreAnswer } from '../../../results/accuracy/score.js'

describe('normalise', () => {
  it.each([
    ['2024-03-05', '2024-03-05'],
    ['2024/3/5', '2024-03-05'],
    ['3/5/2024', '2024-03-05'],
    ['3/5/24', '2024-03-05'],
    ['25/12/2023', '2023-12-25'],
    ['05.03.2024', '2024-03-05'],
    ['5 March 2024', '2024-03-05'],
    ['5 Mar 2024', '2024-03-05'],
    ['March 5, 2024', '2024-03-05'],
    ['2024-03-05T10:00:00Z', '2024-03-05'],
  ])('date %s -> %s', (text, iso) => {
    expect(normaliseDate(text)).toBe(iso)
  })

  it.each(['2024-02-31', '13/13/2024', 'March', '12', 'Widget 2024'])('not a date: %s', (text) => {
    expect(normaliseDate(text)).toBeUndefined()
  })

  it.each([
    ['1,234.50', '1234.5'],
    ['1234.50', '1234.5'],
    ['-3', '-3'],
    ['.5', '0.5'],
    ['$ 12', '12'],
    ['1e3', '1000'],
  ])('number %s -> %s', (text, canonical) => {
    expect(normaliseNumber(text)).toBe(canonical)
  })

  it.each(['1,23', '12 oz', '0.05%', '1.2.3', '', 'N/A'])('not a number: %s', (text) => {
    expect(normaliseNumber(text)).toBeUndefined()
  })

  it('text: trim, collapse spaces, case and NFC', () => {
    expect(canonicalValue('  Café   Müller ')).toBe(canonicalValue('CAFE\u0301 müller'))
    expect(canonicalValue('Gizmö')).not.toBe(canonicalValue('GizmÃ¶'))
  })

  it.each([
    ['Answer: 42', '42'],
    ['"Berlin, Mitte"', 'Berlin, Mitte'],
    ['`abc`', 'abc'],
    ['Widget.', 'Widget'],
    ['12.', '12.'],
    ['\n\n  Oslo\nbecause row 3', 'Oslo'],
  ])('extractAnswer(%j) = %j', (reply, answer) => {
    expect(extractAnswer(reply)).toBe(answer)
  })
})

describe('isHedged', () => {
  it.each([
    'I cannot find that row in the table.',
    "I'm not sure: the table has no such column.",
    "I don't know.",
    'There is no such row.',
    'The value is not present in the table.',
    'I think it is 42',
    "Sorry, I can't help with that.",
    'It is unclear which row you mean.',
  ])('hedged: %s', (reply) => {
    expect(isHedged(reply)).toBe(true)
  })

  it.each(['42', 'Berlin, Mitte', 'N/A', 'Not applicable', 'Unknown Pleasures'])('not hedged: %s', (reply) => {
    expect(isHedged(reply)).toBe(false)
  })
})

describe('scoreAnswer', () => {
  const expected = (answer: string, match: 'text' | 'number' | 'date' = 'text') => ({ answer, match, questionId: 'q1' })

  it('numbers and dates match in any common format; text by case and NFC', () => {
    expect(scoreAnswer('1,234.50', expected('1234.5', 'number'))).toMatchObject({ correct: true, detail: 'match' })
    expect(scoreAnswer('31 December 2023', expected('2023-12-31', 'date'))).toMatchObject({ correct: true })
    expect(scoreAnswer('widget', expected('Widget'))).toMatchObject({ correct: true })
  })

  it('a wrong answer is a mismatch, an unsure one hedged, none empty', () => {
    expect(scoreAnswer('"1', expected('1234.50', 'number'))).toEqual({ correct: false, hedged: false, detail: 'mismatch', answer: '"1' })
    expect(scoreAnswer('I cannot find that row in the table.', expected('10'))).toMatchObject({ correct: false, hedged: true, detail: 'hedged' })
    expect(scoreAnswer('', expected('x'))).toMatchObject({ correct: false, hedged: false, detail: 'empty' })
  })

  it('a right answer is never marked hedged', () => {
    expect(scoreAnswer('42 I think', expected('42'))).toMatchObject({ correct: false, hedged: true })
    expect(scoreAnswer('42', expected('42'))).toMatchObject({ correct: true, hedged: false })
  })
})
