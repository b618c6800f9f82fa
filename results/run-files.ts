// Writes a run's histograms.json and summary.json at the end. A write error is reported in one
// line, noted in the summary and returned, never thrown: the caller prints a summary that could
// not be written (bin/commands/run.ts), so nothing measured is lost to a full disk.
import { join } from 'node:path'
import { writeFileAtomic } from '../core/atomic-write.js'
import { formatWriteFailure, writeFailureOf, type ResultFile, type WriteFailure } from './sinks/write-failure.js'
import type { Summary } from './summary.js'

export async function writeRunFiles(outDir: string, summary: Summary, histograms: unknown, log: (line: string) => void): Promise<WriteFailure[]> {
  const failures: WriteFailure[] = []
  const write = async (file: ResultFile, name: string, text: () => string, lost: string): Promise<void> => {
    const path = join(outDir, name)
    try {
      await writeFileAtomic(path, text())
    } catch (error) {
      const failure = writeFailureOf(file, path, error)
      failures.push(failure)
      log(`gauntlet: ${formatWriteFailure(failure)}; ${lost}`)
      summary.notes.push(`${name} could not be written (${failure.code}: ${failure.message}); ${lost}`)
    }
  }
  await write('histograms', 'histograms.json', () => `${JSON.stringify({ unit: 'us', histograms })}\n`, 'the summary keeps the percentiles, not the histograms to merge')
  await write('summary', 'summary.json', () => `${JSON.stringify(summary, null, 2)}\n`, '`gauntlet run` prints the summary JSON to stdout instead: save it')
  return failures
}
