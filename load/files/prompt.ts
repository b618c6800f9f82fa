// One question over a slice of a table -> the chat messages: the slice as RFC 4180 CSV in a
// fenced block (csv-stringify quotes what needs quoting), then the question.
import { stringify } from 'csv-stringify/sync'
import type { ChatMessage } from '../../core/messages.js'
import type { Table } from './types.js'

export const TABLE_QA_SYSTEM =
  'You answer questions about the table in the user message. Reply with the value only, exactly as it is written in the table. ' +
  'If the table does not hold the answer, say that you cannot find it.'

/** The slice as CSV text, header first, LF line endings, no final newline. */
export function sliceCsv(table: Table, start: number, end: number): string {
  return stringify([table.columns, ...table.rows.slice(start, end)], { record_delimiter: 'unix' }).replace(/\n$/u, '')
}

export function questionMessages(table: Table, start: number, end: number, question: string): ChatMessage[] {
  const rows = end - start
  return [
    { role: 'system', content: TABLE_QA_SYSTEM },
    {
      role: 'user',
      content: `Table from ${table.source} (CSV, ${rows} row${rows === 1 ? '' : 's'}):\n\`\`\`csv\n${sliceCsv(table, start, end)}\n\`\`\`\n\nQuestion: ${question}`,
    },
  ]
}
