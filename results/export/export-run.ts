// `gauntlet export`: a run folder -> csv, jsonl or prom files in DIR/export (or --out), each
// written atomically so a failed export leaves no file that looks whole.
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { UserError } from '../../core/errors.js'
import { runExposition } from './prom.js'
import { recordsCsv } from './records-csv.js'
import { recordsJsonl } from './records-jsonl.js'
import { readRunFolder } from './run-folder.js'
import { summaryCsvFiles } from './summary-csv.js'

export const EXPORT_FORMATS = ['csv', 'jsonl', 'prom'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export function parseExportFormat(text: string): ExportFormat {
  const format = EXPORT_FORMATS.find((name) => name === text.trim().toLowerCase())
  if (format === undefined) throw new UserError('USAGE_INVALID', `--format '${text}' is not ${EXPORT_FORMATS.join(', ')}; e.g. --format csv`)
  return format
}

/** Writes the export and returns the paths written. */
export async function exportRun(options: { dir: string; format: ExportFormat; outDir?: string }): Promise<string[]> {
  const dir = resolve(options.dir)
  const folder = await readRunFolder(dir)
  const outDir = resolve(options.outDir ?? join(dir, 'export'))
  const files: Record<string, string> =
    options.format === 'csv'
      ? { 'records.csv': recordsCsv(folder.samples), ...summaryCsvFiles(folder.summary) }
      : options.format === 'jsonl'
        ? { 'records.jsonl': recordsJsonl(folder.samples) }
        : { 'metrics.prom': await runExposition(folder.samples, folder.summary) }
  await mkdir(outDir, { recursive: true })
  const written: string[] = []
  for (const [name, text] of Object.entries(files)) {
    const path = join(outDir, name)
    await writeFileAtomic(path, text)
    written.push(path)
  }
  return written
}
