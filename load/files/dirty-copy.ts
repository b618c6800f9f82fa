// A clean table -> a dirtied copy, for `--dirty-rate R` when no dirty file is given: each cell,
// with probability R, gets one malformed-input kind that fits it, using the input mutators'
// own helpers (typos, mixed-dates, mojibake). Records which kinds hit which rows for the tags.
import { formatDate, type DateFormat } from '../../chaos/inputs/mixed-dates.js'
import { utf8AsSingleByte } from '../../chaos/inputs/text.js'
import { addTypos } from '../../chaos/inputs/typos.js'
import type { Random } from '../../core/random.js'
import { normaliseDate } from '../../results/accuracy/normalise.js'
import type { Table } from './types.js'

/** The kinds a cell can get, in the order tried. */
export const CELL_KINDS = ['mixed-dates', 'mojibake', 'typos'] as const
export type CellKind = (typeof CELL_KINDS)[number]

const OTHER_DATE_FORMATS: readonly DateFormat[] = ['dmy-slash', 'mdy-short', 'long-dmy', 'long-mdy', 'dmy-dot']

export interface DirtyCopy {
  table: Table
  /** Row index -> kinds applied to cells of that row. */
  kindsByRow: Map<number, Set<CellKind>>
}

/** The kinds that would change this cell (an ISO date, non-ASCII text, a word of 3+ letters). */
export function kindsFor(cell: string): CellKind[] {
  const kinds: CellKind[] = []
  if (/^\d{4}-\d{2}-\d{2}$/u.test(cell.trim()) && normaliseDate(cell) !== undefined) kinds.push('mixed-dates')
  if (/[^\x00-\x7f]/u.test(cell)) kinds.push('mojibake')
  if (/\p{L}{3,}/u.test(cell)) kinds.push('typos')
  return kinds
}

function dirtyCell(cell: string, kind: CellKind, random: Random): string {
  switch (kind) {
    case 'mixed-dates': {
      const [year, month, day] = cell.trim().split('-').map(Number) as [number, number, number]
      return formatDate(new Date(Date.UTC(year, month - 1, day)), random.pick(OTHER_DATE_FORMATS))
    }
    case 'mojibake':
      return utf8AsSingleByte(cell, random.chance(0.5) ? 'cp1252' : 'latin1')
    case 'typos':
      return addTypos(cell, 0.5, random)
  }
}

/** Dirties a copy of `table` (cells of the key column are left alone, so rows stay findable). */
export function dirtyCopy(table: Table, rate: number, random: Random, keyColumn: number | undefined, source: string): DirtyCopy {
  const kindsByRow = new Map<number, Set<CellKind>>()
  const rows = table.rows.map((row, rowIndex) =>
    row.map((cell, columnIndex) => {
      if (columnIndex === keyColumn || !random.chance(rate)) return cell
      const kinds = kindsFor(cell)
      if (kinds.length === 0) return cell
      const kind = random.pick(kinds)
      const dirtied = dirtyCell(cell, kind, random)
      if (dirtied === cell) return cell
      let set = kindsByRow.get(rowIndex)
      if (set === undefined) kindsByRow.set(rowIndex, (set = new Set()))
      set.add(kind)
      return dirtied
    }),
  )
  return { table: { ...table, source, rows }, kindsByRow }
}
