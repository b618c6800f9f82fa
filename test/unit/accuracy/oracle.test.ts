// The mock's naive oracle: right on plain CSV, wrong in the known ways on quoted commas,
// embedded newlines and missing keys; its pieces re-count to the answer's exact tokens.
import { describe, expect, it } from 'vitest'
import { answerPieces } from '../../../adapters/mock/oracle-pieces.js'
import { NOT_FOUND_ANSWER, oracleAnswer } from '../../../adapters/mock/oracle.js'
import { questionMessages } from '../../../load/files/prompt.js'
import { countTokens } from '../../../core/tokens.js'
import type { Table } from '../../../load/files/types.js'

const table: Table = {
  source: 't.csv',
  encoding: 'utf-8',
  columns: ['id', 'name', 'city', 'note'],
  rows: [
    ['1', 'Ann', 'Oslo', 'ok'],
    ['2', 'Bo', 'Rome, Lazio', 'ok'],
    ['3', 'Cy', 'Paris', 'two\nlines'],
    ['4', 'Di', 'Bern', 'ok'],
  ],
}
const ask = (question: string): string | undefined => oracleAnswer((questionMessages(table, 0, 4, question)[1] as { content: string }).content)

describe('oracleAnswer', () => {
  it('reads plain rows right', () => {
    expect(ask('What is the "city" of the row whose "id" is "1"?')).toBe('Oslo')
    expect(ask('What is the "note" of the row whose "id" is "4"?')).toBe('ok')
  })

  it('breaks on a quoted comma and an embedded newline, as designed', () => {
    expect(ask('What is the "city" of the row whose "id" is "2"?')).toBe('"Rome')
    expect(ask('What is the "note" of the row whose "id" is "2"?')).toBe(' Lazio"')
    expect(ask('What is the "note" of the row whose "id" is "3"?')).toBe('"two')
    expect(ask('How many data rows does the table have, not counting the header row?')).toBe('5')
  })

  it('hedges when the key or column is missing, and passes on prompts without a table', () => {
    expect(ask('What is the "city" of the row whose "id" is "9"?')).toBe(NOT_FOUND_ANSWER)
    expect(ask('What is the "zip" of the row whose "id" is "1"?')).toMatch(/not sure/)
    expect(oracleAnswer('Write a haiku')).toBeUndefined()
  })
})

describe('answerPieces', () => {
  it('one piece per token; joined they are the answer', () => {
    for (const answer of ['Oslo', 'Zoë Brontë', 'I cannot find that row in the table.', '日本語のテキスト', '🙂 ok']) {
      const pieces = answerPieces(answer, 'o200k_base')
      expect(pieces.join('')).toBe(answer)
      expect(pieces).toHaveLength(countTokens(answer, 'o200k_base'))
    }
  })
})
