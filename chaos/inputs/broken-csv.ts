// broken-csv: a spreadsheet export as it really arrives: ragged rows, stray quotes, a block with
// the wrong delimiter, merged cells flattened to blanks, and the header repeated mid-file.
import type { Random } from '../../core/random.js'
import { finishMutation, resolveMessages, updateLastUser } from './messages.js'
import { ORDER_COLUMNS, csvLine, orderValues, randomOrders } from './records.js'
import { appendBlock, pickDistinct } from './text.js'
import type { InputMutator } from './types.js'

export type CsvDefect = 'ragged-rows' | 'stray-quotes' | 'wrong-delimiter' | 'merged-cells' | 'repeated-header'

export const CSV_DEFECTS: readonly CsvDefect[] = ['ragged-rows', 'stray-quotes', 'wrong-delimiter', 'merged-cells', 'repeated-header']

const CUSTOMER = ORDER_COLUMNS.indexOf('customer')
const CITY = ORDER_COLUMNS.indexOf('city')
const AMOUNT = ORDER_COLUMNS.indexOf('amount')

interface Row {
  values: string[]
  delimiter: ',' | ';'
  strayQuote?: boolean
}

/** A broken export of `rowCount` orders with the given defects. Deterministic for `random`. */
export function brokenCsv(random: Random, rowCount: number, defects: readonly CsvDefect[]): string {
  const rows: Row[] = randomOrders(random, rowCount).map((order) => ({ values: orderValues(order), delimiter: ',' }))
  const has = (defect: CsvDefect): boolean => defects.includes(defect)
  if (has('merged-cells')) {
    // A customer cell merged over the rows below it: only the first row keeps the value.
    const start = random.int(rows.length - 3)
    const span = 2 + random.int(2)
    for (let i = start + 1; i <= start + span && i < rows.length; i++) {
      const row = rows[i] as Row
      row.values[CUSTOMER] = ''
      if (random.chance(0.5)) row.values[CITY] = ''
    }
  }
  if (has('wrong-delimiter')) {
    // Rows pasted from a continental-European export: semicolons and decimal commas.
    const start = random.int(rows.length - 2)
    const span = 2 + random.int(3)
    for (let i = start; i < start + span && i < rows.length; i++) {
      const row = rows[i] as Row
      row.delimiter = ';'
      row.values[AMOUNT] = (row.values[AMOUNT] ?? '').replace('.', ',')
    }
  }
  if (has('ragged-rows')) {
    for (const row of pickDistinct(rows, 1 + random.int(3), random)) {
      if (random.chance(0.5)) row.values.splice(row.values.length - 1 - random.int(2))
      else row.values.push(random.pick(['see email', 'TBC', '', 'dup?']))
    }
  }
  if (has('stray-quotes')) {
    for (const row of pickDistinct(rows, 1 + random.int(2), random)) row.strayQuote = true
  }
  const lines = rows.map((row) => {
    const line = csvLine(row.values, row.delimiter)
    if (row.strayQuote !== true) return line
    // An opening quote that never closes, as when a cell held `12" pipe` or a pasted "quote.
    const cut = line.indexOf(row.delimiter) + 1
    return `${line.slice(0, cut)}"${line.slice(cut)}`
  })
  const header = csvLine(ORDER_COLUMNS)
  if (has('repeated-header')) lines.splice(1 + random.int(lines.length - 1), 0, header)
  return [header, ...lines].join('\n')
}

export function createBrokenCsvMutator(): InputMutator {
  return {
    kind: 'broken-csv',
    description: 'a broken spreadsheet export: ragged rows, stray quotes, wrong delimiter, flattened merged cells, header repeated mid-file',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      const defects = pickDistinct(CSV_DEFECTS, 2 + random.int(CSV_DEFECTS.length - 1), random)
      const csv = brokenCsv(random, 10 + random.int(7), defects)
      updateLastUser(messages, (content) => appendBlock(content, `Export from the shared drive (orders.csv):\n${csv}`))
      return finishMutation(request, 'broken-csv', messages, context)
    },
  }
}
