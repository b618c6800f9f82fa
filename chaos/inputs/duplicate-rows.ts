// duplicate-rows: rows repeated in a table, as after a double import or a copy-paste twice; a
// table already in the prompt gets its own rows repeated, otherwise an order export is attached.
import type { Random } from '../../core/random.js'
import { finishMutation, resolveMessages, updateLastUser } from './messages.js'
import { ORDER_COLUMNS, csvLine, orderValues, randomOrders } from './records.js'
import { appendBlock } from './text.js'
import type { InputMutator } from './types.js'

const DELIMITERS = [',', ';', '|', '\t'] as const

function countOf(line: string, delimiter: string): number {
  return line.split(delimiter).length - 1
}

/** The first run of at least 3 lines sharing a delimiter count (a pasted table): [start, end). */
export function findTable(lines: readonly string[]): [number, number] | undefined {
  for (let start = 0; start < lines.length; start++) {
    for (const delimiter of DELIMITERS) {
      const fields = countOf(lines[start] as string, delimiter)
      if (fields === 0) continue
      let end = start + 1
      while (end < lines.length && countOf(lines[end] as string, delimiter) === fields) end++
      if (end - start >= 3) return [start, end]
    }
  }
  return undefined
}

/** Copies of 1–3 data rows (row 0 is the header) inserted after a later row of the same table. */
export function duplicateRows(rows: readonly string[], random: Random): string[] {
  const out = [...rows]
  const copies = 1 + random.int(3)
  for (let i = 0; i < copies; i++) {
    const source = 1 + random.int(out.length - 1)
    const target = source + random.int(out.length - source)
    out.splice(target + 1, 0, out[source] as string)
  }
  return out
}

export function createDuplicateRowsMutator(): InputMutator {
  return {
    kind: 'duplicate-rows',
    description: 'table rows repeated (double import); a near-duplicate with a changed status',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      updateLastUser(messages, (content) => {
        const lines = content.split('\n')
        const table = findTable(lines)
        if (table !== undefined) {
          const [start, end] = table
          return [...lines.slice(0, start), ...duplicateRows(lines.slice(start, end), random), ...lines.slice(end)].join('\n')
        }
        const orders = randomOrders(random, 6 + random.int(7))
        const rows = [ORDER_COLUMNS.join(','), ...orders.map((order) => csvLine(orderValues(order)))]
        const withDuplicates = duplicateRows(rows, random)
        if (random.chance(0.5)) {
          const original = orders[random.int(orders.length)]
          if (original !== undefined) withDuplicates.push(csvLine(orderValues({ ...original, status: 'paid', amount: original.amount.replace('.', ',') })))
        }
        return appendBlock(content, `Orders export (two imports merged):\n${withDuplicates.join('\n')}`)
      })
      return finishMutation(request, 'duplicate-rows', messages, context)
    },
  }
}
