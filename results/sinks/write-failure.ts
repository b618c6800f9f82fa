// A results file that could not be written (disk full, I/O error, no permission): the errno in
// words and the fix, for the one stderr line and the summary's note. What was measured is kept
// in memory either way; this only says which file lost it.

export type ResultFile = 'records' | 'histograms' | 'summary'

export interface WriteFailure {
  file: ResultFile
  path: string
  /** errno code, e.g. ENOSPC; `EUNKNOWN` for an error without one. */
  code: string
  /** What the OS said, without the code: `no space left on device, write`. */
  message: string
}

export function writeFailureOf(file: ResultFile, path: string, error: unknown): WriteFailure {
  const errno = (error as NodeJS.ErrnoException | undefined)?.code
  const code = typeof errno === 'string' ? errno : 'EUNKNOWN'
  // Node's messages repeat the code first (`ENOSPC: no space left on device, write`).
  const message = (error instanceof Error ? error.message : String(error)).replace(`${code}: `, '')
  return { file, path, code, message }
}

/** What the user can do about it, by errno. */
export function writeFailureFix(code: string): string {
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') return 'free disk space or give another --out'
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'make the folder writable or give another --out'
  return 'check the disk or give another --out'
}

/** `cannot write DIR/records.jsonl: ENOSPC (no space left on device, write); free disk space or give another --out`. */
export function formatWriteFailure(failure: WriteFailure): string {
  return `cannot write ${failure.path}: ${failure.code} (${failure.message}); ${writeFailureFix(failure.code)}`
}
