// Process exit codes: the only place errors become numbers (k6 and Toxiproxy use the same idea).
export const EXIT_OK = 0
export const EXIT_BUG = 1
export const EXIT_USAGE = 2
export const EXIT_THRESHOLDS_FAILED = 99
/** A run file (records.jsonl, summary.json, ...) could not be written; the summary was kept (sysexits EX_IOERR). */
export const EXIT_WRITE_FAILED = 74
export const EXIT_INTERRUPTED = 130

/** How a command reports its exit code to `main` (bin/gauntlet.ts), which alone exits. */
export type SetExitCode = (code: number) => void
