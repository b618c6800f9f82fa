// A worker that crashed leaves records.jsonl (and its rotated segments) but no summary: rebuild its summary.json and
// histograms.json from the records on disk (a torn last line is skipped), so that the merge counts
// them. Its histograms hold what records carry: no inter-token gaps unless --keep-itl.
import { join } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { createAggregator, type FinishInfo } from '../../results/aggregate.js'
import type { Slo } from '../../results/summary.js'
import { recordFiles, recordLines } from '../../results/sinks/record-files.js'
import type { Sample } from '../../results/types.js'

export interface RecoverOptions {
  bucketMs: number
  slo: Slo
  phases: { name: string; fromMs: number; toMs: number }[]
  finish: Omit<FinishInfo, 'partial'>
}

/** Writes summary.json and histograms.json for `dir` from its records; false when it has none. */
export async function recoverRunFolder(dir: string, options: RecoverOptions): Promise<boolean> {
  const path = join(dir, 'records.jsonl')
  if (recordFiles(path).length === 0) return false
  const aggregator = createAggregator({ bucketMs: options.bucketMs, slo: options.slo, phases: options.phases })
  for await (const { line, header } of recordLines(path)) {
    if (header) continue
    try {
      aggregator.add(JSON.parse(line) as Sample)
    } catch {
      // The thread died mid-write: a torn last line; everything before it counts.
    }
  }
  const summary = aggregator.finish({ ...options.finish, partial: true })
  await writeFileAtomic(join(dir, 'histograms.json'), `${JSON.stringify({ unit: 'us', histograms: aggregator.histograms() })}\n`)
  await writeFileAtomic(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`)
  return true
}
