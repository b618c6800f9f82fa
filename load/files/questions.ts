// A clean table -> the questions to ask about it, each with its ground truth: look-ups ("What is
// the <column> of the row whose <key> is <value>?") and one row count, each over a slice of rows.
// The same plan is asked over the clean and the dirty version, so answers pair up.
import type { ExpectedAnswer } from '../../core/traffic-types.js'
import type { Random } from '../../core/random.js'
import { normaliseDate, normaliseNumber } from '../../results/accuracy/normalise.js'
import { shuffle } from '../../chaos/inputs/text.js'
import type { Table } from './types.js'

export interface QuestionPlan {
  kind: 'lookup' | 'count'
  /** Rows [sliceStart, sliceEnd) of the table are embedded in the prompt. */
  sliceStart: number
  sliceEnd: number
  question: string
  expected: ExpectedAnswer
  /** Look-ups: the row asked about. */
  row?: number
}

/** A value the question can quote and a naive reader can still match: no quotes, delimiters or line breaks. */
const SIMPLE = /^[^",;\t|\r\n]+$/u

/** The first column whose values are all present, distinct and simple: rows are looked up by it. */
export function keyColumnOf(table: Table): number | undefined {
  for (let column = 0; column < table.columns.length; column++) {
    const seen = new Set<string>()
    let ok = SIMPLE.test(table.columns[column] as string)
    for (const row of table.rows) {
      const value = (row[column] ?? '').trim()
      if (value === '' || !SIMPLE.test(value) || seen.has(value)) {
        ok = false
        break
      }
      seen.add(value)
    }
    if (ok) return column
  }
  return undefined
}

export function matchOf(answer: string): ExpectedAnswer['match'] {
  if (normaliseDate(answer) !== undefined) return 'date'
  if (normaliseNumber(answer) !== undefined) return 'number'
  return 'text'
}

function sliceAround(row: number, size: number, total: number, random: Random): [number, number] {
  if (total <= size) return [0, total]
  const start = Math.min(Math.max(0, row - random.int(size)), total - size)
  return [start, start + size]
}

/**
 * `count` questions for `table` (look-ups, then one row count when count ≥ 2), over slices of
 * at most `maxRows` rows. `idPrefix` makes the question ids (`<prefix>-q1` …).
 */
export function planQuestions(table: Table, count: number, maxRows: number, random: Random, idPrefix: string): QuestionPlan[] {
  const plans: QuestionPlan[] = []
  const total = table.rows.length
  const key = keyColumnOf(table)
  const lookups = key === undefined ? 0 : count >= 2 ? count - 1 : count
  const keyName = key === undefined ? '' : (table.columns[key] as string)
  const rowOrder = shuffle(table.rows.map((_, index) => index), random)
  const columnOrder = shuffle(table.columns.map((_, index) => index).filter((index) => index !== key && SIMPLE.test(table.columns[index] as string)), random)
  let columnCursor = 0
  for (const row of rowOrder) {
    if (plans.length >= lookups || key === undefined || columnOrder.length === 0) break
    const cells = table.rows[row] as string[]
    // The next column (round robin, for variety) whose cell in this row is not empty.
    let column: number | undefined
    for (let tries = 0; tries < columnOrder.length && column === undefined; tries++) {
      const candidate = columnOrder[(columnCursor + tries) % columnOrder.length] as number
      if ((cells[candidate] ?? '').trim() !== '') {
        column = candidate
        columnCursor = (columnCursor + tries + 1) % columnOrder.length
      }
    }
    if (column === undefined) continue
    const answer = (cells[column] as string).trim()
    const [sliceStart, sliceEnd] = sliceAround(row, maxRows, total, random)
    plans.push({
      kind: 'lookup',
      sliceStart,
      sliceEnd,
      row,
      question: `What is the "${table.columns[column]}" of the row whose "${keyName}" is "${(cells[key] as string).trim()}"?`,
      expected: { answer, match: matchOf(answer), questionId: `${idPrefix}-q${plans.length + 1}` },
    })
  }
  if (plans.length < count) {
    const [sliceStart, sliceEnd] = sliceAround(random.int(total), maxRows, total, random)
    plans.push({
      kind: 'count',
      sliceStart,
      sliceEnd,
      question: 'How many data rows does the table have, not counting the header row?',
      expected: { answer: String(sliceEnd - sliceStart), match: 'number', questionId: `${idPrefix}-q${plans.length + 1}` },
    })
  }
  return plans
}
