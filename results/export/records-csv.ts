// records.csv: one row per attempt, the Sample fields as columns in results/SCHEMA.md order;
// lists (tags, faults, itlMs) joined with ';', an unpriced spend written `unknown` as in summary.json.
import { stringify } from 'csv-stringify/sync'
import type { Sample } from '../types.js'

export const RECORD_COLUMNS = [
  'requestId', 'attempt', 'willRetry', 'userId', 'task', 'tags', 'phase', 'faults', 'outcome', 'status', 'errorCode',
  'errorMessage', 'vendorType', 'scheduledAtMs', 'sentAtMs', 'headersAtMs', 'firstTokenAtMs', 'endAtMs', 'scheduleLagMs',
  'ttftMs', 'e2eMs', 'ttftServiceMs', 'e2eServiceMs', 'tpotMs', 'itlMs', 'chunks', 'inputTokens', 'cachedInputTokens',
  'cacheWriteInputTokens', 'outputTokens', 'reasoningTokens', 'tokensEstimated', 'spendUsd', 'uncachedSpendUsd', 'conversationId', 'turn', 'agent', 'finishReason', 'abandonReason', 'answerValid',
  'handling', 'target', 'questionId', 'variant', 'source', 'correct', 'hedged', 'scoreDetail', 'answerText',
] as const satisfies readonly (keyof Sample)[]

// A Sample field missing from the columns fails to compile here.
type MissingColumn = Exclude<keyof Sample, (typeof RECORD_COLUMNS)[number]>
const everyField: [MissingColumn] extends [never] ? true : MissingColumn = true
void everyField

export function cellOf(value: unknown, column: string): string {
  if (value === undefined) return ''
  if (value === null) return column === 'spendUsd' ? 'unknown' : ''
  if (Array.isArray(value)) return value.join(';')
  return String(value)
}

export function recordsCsv(samples: readonly Sample[]): string {
  const rows = samples.map((sample) => RECORD_COLUMNS.map((column) => cellOf(sample[column], column)))
  return stringify(rows, { header: true, columns: [...RECORD_COLUMNS] })
}
