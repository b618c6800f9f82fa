// What a benchmark section is: an id (for `BENCH=`), a goal, a `run` that measures and returns
// rows, and the process roles it forks.
import type { SectionResult } from './report.js'

export interface BenchContext {
  /** Rounds per figure (≥ 3 unless told otherwise). */
  rounds: number
  /** Multiplies every duration and request count (1 = the full run; `--quick` uses less). */
  scale: number
  /** A progress line on stderr. */
  log(line: string): void
}

export type SectionOutcome = Omit<SectionResult, 'id' | 'title' | 'ranAt' | 'durationS' | 'machine' | 'goal' | 'rounds'>

export interface Section {
  id: string
  title: string
  goal: string
  /** Rounds this section always runs, whatever ROUNDS says (a long single run). */
  fixedRounds?: number
  /** Roles this section forks (`--role NAME JSON`), by name. */
  roles: Record<string, (options: never) => Promise<void>>
  run(context: BenchContext): Promise<SectionOutcome>
}

/** The command that reproduces a section. */
export function sectionCommand(id: string): string {
  return `make bench BENCH=${id}`
}
