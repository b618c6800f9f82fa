// Azure LLM inference trace (CSV: TIMESTAMP,ContextTokens,GeneratedTokens) -> traffic requests.
// Timestamps carry 7 fractional digits (100 ns); offsets are their exact differences from the
// earliest row, kept to the microsecond. Rows out of order are sorted, with a warning.
import { basename } from 'node:path'
import type { TrafficHeader, TrafficRequest } from '../../core/traffic-types.js'
import { checkImportOptions, defaultWarn, importHeader, readLines, traceError, traceRequests, TraceTable, type TraceImportOptions } from './trace-common.js'

export interface ImportedTrace {
  header: Omit<TrafficHeader, 'requestCount' | 'spanMs'>
  /** Rows read from the file (before any window or limit). */
  rows: number
  requests: Iterable<TrafficRequest>
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/
const COLUMNS = ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'] as const

/** Epoch milliseconds (integer) and the sub-millisecond rest in 100 ns ticks (0–9999). */
export function parseAzureTimestamp(text: string): { ms: number; ticks: number } | undefined {
  const match = TIMESTAMP.exec(text)
  if (match === null) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const fraction = (match[7] ?? '').padEnd(7, '0')
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  const check = new Date(ms)
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined
  return { ms: ms + Number(fraction.slice(0, 3)), ticks: Number(fraction.slice(3)) }
}

function parseCount(file: string, line: number, column: string, text: string): number {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) {
    throw traceError(file, line, `field '${column}' must be a non-negative integer (got ${JSON.stringify(text)}); fix the row or remove it`)
  }
  return Number(trimmed)
}

/** Reads and checks the whole CSV (traces are at most a few million rows), then sorts it. */
export async function readAzureTrace(path: string, warn: (message: string) => void = defaultWarn): Promise<TraceTable> {
  const file = basename(path)
  const table = new TraceTable()
  let columns: number[] | undefined
  let fieldCount = 0
  let base: { ms: number; ticks: number } | undefined
  for await (const { line, number } of readLines(path)) {
    if (columns === undefined) {
      if (line.trim() === '') continue
      const names = line.split(',').map((name) => name.trim())
      columns = COLUMNS.map((column) => names.findIndex((name) => name.toLowerCase() === column.toLowerCase()))
      const missing = COLUMNS.filter((_, i) => columns?.[i] === -1)
      if (missing.length > 0) {
        throw traceError(file, number, `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (got header ${JSON.stringify(line)}); an Azure trace starts with TIMESTAMP,ContextTokens,GeneratedTokens`)
      }
      fieldCount = names.length
      continue
    }
    if (line.trim() === '') continue
    const fields = line.split(',')
    if (fields.length !== fieldCount) {
      throw traceError(file, number, `expected ${fieldCount} comma-separated fields, got ${fields.length} (${JSON.stringify(line.length > 80 ? `${line.slice(0, 77)}...` : line)}); fix the row or remove it`)
    }
    const [timeColumn, inputColumn, outputColumn] = columns as [number, number, number]
    const stamp = (fields[timeColumn] as string).trim()
    const time = parseAzureTimestamp(stamp)
    if (time === undefined) {
      throw traceError(file, number, `field 'TIMESTAMP' must be a date and time like 2023-11-16 18:15:46.6805900 (got ${JSON.stringify(stamp)}); fix the row or remove it`)
    }
    base ??= time
    const timeMs = time.ms - base.ms + (time.ticks - base.ticks) / 10_000
    table.push(timeMs, parseCount(file, number, 'ContextTokens', fields[inputColumn] as string), parseCount(file, number, 'GeneratedTokens', fields[outputColumn] as string), number)
  }
  if (columns === undefined) throw traceError(file, 1, 'the file is empty; expected a CSV header TIMESTAMP,ContextTokens,GeneratedTokens and one row per request')
  if (table.length === 0) throw traceError(file, 2, 'no rows after the header; the trace holds no requests')
  table.sortByTime(file, warn)
  table.rebase()
  return table
}

/** Azure trace -> traffic. The task defaults to `code-assist` for the code trace, else `chat`. */
export async function importAzureTrace(path: string, options: TraceImportOptions = {}): Promise<ImportedTrace> {
  checkImportOptions(options)
  const table = await readAzureTrace(path, options.warn ?? defaultWarn)
  const task = options.task ?? (/code/i.test(basename(path)) ? 'code-assist' : 'chat')
  return {
    header: importHeader('azure', path, options, task, { rows: table.length }),
    rows: table.length,
    requests: { [Symbol.iterator]: () => traceRequests(table.rows(), options, task) },
  }
}
