// dirty-table: an extraction task over rows of a real dirty table (Raha/Baran benchmarks: typos,
// placeholders, mixed units, sources that disagree), embedded as CSV, with a JSON Schema the
// answer must match (`responseSchema`, checked by validate-answer.ts).
import tables from './data/dirty-tables.json' with { type: 'json' }
import { finishMutation, resolveMessages, updateLastUser } from './messages.js'
import { csvLine } from './records.js'
import type { InputMutator } from './types.js'

export type DirtyTableName = 'hospital' | 'flights' | 'beers' | 'rayyan'

export const DIRTY_TABLE_NAMES: readonly DirtyTableName[] = ['hospital', 'flights', 'beers', 'rayyan']

interface DirtyTable {
  columns: string[]
  rows: string[][]
}

const TABLES = tables as Record<DirtyTableName, DirtyTable>

const nullable = (type: string): { type: string[] } => ({ type: [type, 'null'] })

function arrayOf(key: string, properties: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      [key]: { type: 'array', items: { type: 'object', properties, required: Object.keys(properties) } },
    },
    required: [key],
  }
}

interface TableTask {
  label: string
  schema: Record<string, unknown>
  hints: string
}

/** What each table is, the schema to extract into, and how to normalise its mess. */
export const TABLE_TASKS: Readonly<Record<DirtyTableName, TableTask>> = {
  hospital: {
    label: 'hospital quality-measures',
    schema: arrayOf('hospitals', {
      providerNumber: { type: 'string' },
      name: { type: 'string' },
      city: { type: 'string' },
      state: { type: 'string' },
      zipCode: { type: 'string' },
      phone: { type: 'string' },
      emergencyService: { type: 'boolean' },
      measureCode: { type: 'string' },
      scorePercent: nullable('number'),
    }),
    hints: 'One object per row. emergencyService is true for "yes". scorePercent is Score without the % sign, null when missing or "empty". Fix obvious typos in names and cities.',
  },
  flights: {
    label: 'flight-status (several websites report the same flight)',
    schema: arrayOf('flights', {
      flight: { type: 'string' },
      source: { type: 'string' },
      scheduledDeparture: nullable('string'),
      actualDeparture: nullable('string'),
      scheduledArrival: nullable('string'),
      actualArrival: nullable('string'),
    }),
    hints: 'One object per row. Times as 24-hour HH:MM, null when empty.',
  },
  beers: {
    label: 'craft-beer catalogue',
    schema: arrayOf('beers', {
      id: { type: 'integer' },
      name: { type: 'string' },
      style: { type: 'string' },
      ounces: { type: 'number' },
      abvPercent: nullable('number'),
      ibu: nullable('integer'),
      brewery: { type: 'string' },
      city: { type: 'string' },
      state: { type: 'string' },
    }),
    hints: 'One object per row. ounces as a number (12.0 oz → 12). abvPercent as a percentage (0.05 → 5). ibu null when N/A. state as the two-letter code.',
  },
  rayyan: {
    label: 'bibliographic (systematic review)',
    schema: arrayOf('articles', {
      id: { type: 'string' },
      title: { type: 'string' },
      language: { type: 'string', enum: ['eng', 'chi', 'fre', 'ger', 'kor', 'pol', 'spa', 'unknown'] },
      journal: nullable('string'),
      issn: nullable('string'),
      volume: nullable('string'),
      publishedOn: nullable('string'),
      authors: { type: 'array', items: { type: 'string' } },
    }),
    hints: 'One object per row. language as the three-letter code, "unknown" when missing. publishedOn as YYYY-MM-DD. authors as a list of names.',
  },
}

/** Rows `start`…`start + count` of a table as RFC 4180 CSV with its header. */
export function tableCsv(name: DirtyTableName, start: number, count: number): string {
  const table = TABLES[name]
  return [csvLine(table.columns), ...table.rows.slice(start, start + count).map((row) => csvLine(row))].join('\n')
}

export function tableRowCount(name: DirtyTableName): number {
  return TABLES[name].rows.length
}

export function createDirtyTableMutator(options: { dirtyTableRows?: number } = {}): InputMutator {
  const wanted = options.dirtyTableRows ?? 20
  return {
    kind: 'dirty-table',
    description: 'an extraction task over real dirty table rows (hospital, flights, beers, rayyan) as CSV, answer as JSON with a schema',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      const name = random.pick(DIRTY_TABLE_NAMES)
      const task = TABLE_TASKS[name]
      const count = Math.min(wanted, tableRowCount(name))
      const start = random.int(tableRowCount(name) - count + 1)
      const prompt = [
        `Extract every row of this ${task.label} export into JSON.`,
        'Reply with the JSON object only, matching this JSON Schema:',
        JSON.stringify(task.schema),
        task.hints,
        '',
        tableCsv(name, start, count),
      ].join('\n')
      // The extraction replaces the user's question; the system prompt stays.
      updateLastUser(messages, () => prompt)
      const mutated = finishMutation(request, 'dirty-table', messages, context)
      // Room for the answer: about 80 tokens per row, so a short limit does not look like a bad answer.
      return {
        ...mutated,
        responseSchema: task.schema,
        maxOutputTokens: Math.max(request.maxOutputTokens, count * 80 + 200),
      }
    },
  }
}
