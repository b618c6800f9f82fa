// Mooncake-style JSONL traces ({"timestamp": ms, "input_length", "output_length", "hash_ids"?})
// -> traffic requests. Equal timestamps (batched logging) are kept, or with `jitter` spread
// evenly over the gap to the next distinct timestamp, which is deterministic.
import { basename } from 'node:path'
import { z } from 'zod'
import { checkImportOptions, defaultWarn, importHeader, readLines, traceError, traceRequests, TraceTable, type TraceImportOptions } from './trace-common.js'
import type { ImportedTrace } from './trace-azure.js'

const count = (what: string) => z.number({ error: `must be ${what}` }).int({ error: `must be ${what}` }).nonnegative({ error: `must be ${what}` })

const rowSchema = z.looseObject({
  timestamp: z.number({ error: 'must be a number of milliseconds ≥ 0' }).nonnegative({ error: 'must be a number of milliseconds ≥ 0' }),
  input_length: count('a non-negative integer'),
  output_length: count('a non-negative integer'),
  hash_ids: z.array(z.number({ error: 'must be a list of integers' }).int({ error: 'must be a list of integers' }), { error: 'must be a list of integers' }).optional(),
})

export interface MooncakeOptions extends TraceImportOptions {
  /** Spread requests that share a timestamp evenly over the gap to the next timestamp. */
  jitter?: boolean
}

/** Spreads each run of equal times over [t, next distinct time); the last run uses the mean gap. */
export function jitterEqualTimes(times: number[]): number {
  let spread = 0
  const distinct: number[] = []
  for (const [i, time] of times.entries()) if (i === 0 || time !== times[i - 1]) distinct.push(time)
  const meanGap = distinct.length > 1 ? ((distinct[distinct.length - 1] as number) - (distinct[0] as number)) / (distinct.length - 1) : 1
  let i = 0
  while (i < times.length) {
    let j = i + 1
    while (j < times.length && times[j] === times[i]) j++
    const runLength = j - i
    if (runLength > 1) {
      const start = times[i] as number
      const gap = j < times.length ? (times[j] as number) - start : meanGap
      for (let k = 1; k < runLength; k++) times[i + k] = start + (gap * k) / runLength
      spread += runLength - 1
    }
    i = j
  }
  return spread
}

export async function readMooncakeTrace(path: string, options: { jitter?: boolean; warn?: (message: string) => void } = {}): Promise<{ table: TraceTable; jittered: number }> {
  const file = basename(path)
  const table = new TraceTable()
  let sawLine = false
  for await (const { line, number } of readLines(path)) {
    if (line.trim() === '') continue
    sawLine = true
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      throw traceError(file, number, `not valid JSON (${(error as Error).message}); each line must be {"timestamp": ms, "input_length": n, "output_length": n}`)
    }
    const result = rowSchema.safeParse(value)
    if (!result.success) {
      const issue = result.error.issues[0] as z.core.$ZodIssue
      const field = issue.path.map(String).join('.')
      const got = field === '' ? value : (value as Record<string, unknown>)[issue.path[0] as string]
      throw traceError(file, number, field === '' ? `must be a JSON object (got ${JSON.stringify(value)})` : `field '${field}' ${issue.message} (got ${got === undefined ? 'nothing' : JSON.stringify(got)}); fix the line or remove it`)
    }
    table.push(result.data.timestamp, result.data.input_length, result.data.output_length, number, result.data.hash_ids)
  }
  if (!sawLine) throw traceError(file, 1, 'the file is empty; expected one JSON object per line with timestamp, input_length and output_length')
  table.sortByTime(file, options.warn ?? defaultWarn)
  table.rebase()
  const jittered = options.jitter === true ? jitterEqualTimes(table.times) : 0
  return { table, jittered }
}

export async function importMooncakeTrace(path: string, options: MooncakeOptions = {}): Promise<ImportedTrace> {
  checkImportOptions(options)
  const { table, jittered } = await readMooncakeTrace(path, { jitter: options.jitter === true, warn: options.warn ?? defaultWarn })
  const task = options.task ?? 'chat'
  return {
    header: importHeader('mooncake', path, options, task, { rows: table.length, jitter: options.jitter === true, jitteredRows: jittered }),
    rows: table.length,
    requests: { [Symbol.iterator]: () => traceRequests(table.rows(), options, task) },
  }
}
