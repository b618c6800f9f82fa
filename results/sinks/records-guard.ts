// Watches a run's records.jsonl: its first write error (ENOSPC, EIO, EACCES, ...) is reported in
// one line, stops new sends and becomes the summary's note. The in-memory aggregation has every
// sample regardless, so the summary still counts everything measured.
import { formatWriteFailure, writeFailureOf, type WriteFailure } from './write-failure.js'

export interface RecordsGuard {
  readonly failure: WriteFailure | undefined
  /** The jsonl sink's `onFailure`. */
  fail(error: Error): void
  /** Calls `stop` when the failure arrives, or at once if it already has. */
  onFailure(stop: () => void): void
  /** The summary's notes: none, or the one saying what records.jsonl lacks. */
  notes(): string[]
}

export function createRecordsGuard(path: string, log: (line: string) => void): RecordsGuard {
  let failure: WriteFailure | undefined
  let stop: (() => void) | undefined
  return {
    get failure() {
      return failure
    },
    fail(error) {
      if (failure !== undefined) return
      failure = writeFailureOf('records', path, error)
      log(`gauntlet: ${formatWriteFailure(failure)}; stopping new sends, the summary is kept from memory`)
      stop?.()
    },
    onFailure(callback) {
      stop = callback
      if (failure !== undefined) callback()
    },
    notes() {
      if (failure === undefined) return []
      return [
        `records.jsonl could not be written (${failure.code}: ${failure.message}): new sends were stopped; records.jsonl lacks the records from the error on, this summary counts every request measured (kept in memory)`,
      ]
    },
  }
}
