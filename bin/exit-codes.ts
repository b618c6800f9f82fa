// Process exit codes: the only place errors become numbers (k6 and Toxiproxy use the same idea).
export const EXIT_OK = 0
export const EXIT_BUG = 1
export const EXIT_USAGE = 2
export const EXIT_THRESHOLDS_FAILED = 99
export const EXIT_INTERRUPTED = 130
