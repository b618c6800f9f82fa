// The files that hold a run's records, oldest first: closed segments records-0001.jsonl.gz, …
// (written past the rotation size, each starting with the run's header) and records.jsonl, the
// one being written. Every reader of a run folder's records goes through here.
//
//   records.jsonl ──(past --records-max-mb)──► renamed records-000N.jsonl ──gzip──► records-000N.jsonl.gz
//   a crash mid-gzip leaves the plain segment beside a partial .gz: the plain one is read.
import { createReadStream, createWriteStream, existsSync, readdirSync } from 'node:fs'
import { rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'

export const RECORDS_FILE = 'records.jsonl'
const SEGMENT = /^records-(\d{4,})\.jsonl(\.gz)?$/

export function segmentPath(dir: string, number: number, gzip: boolean): string {
  return join(dir, `records-${String(number).padStart(4, '0')}.jsonl${gzip ? '.gz' : ''}`)
}

/** The closed segments of a folder by number: the plain file when it exists (its .gz may be partial), else the .gz. */
function segments(dir: string): { number: number; path: string }[] {
  if (!existsSync(dir)) return []
  const found = new Map<number, { plain: boolean; gz: boolean }>()
  for (const name of readdirSync(dir)) {
    const match = SEGMENT.exec(name)
    if (match === null) continue
    const number = Number(match[1])
    const entry = found.get(number) ?? { plain: false, gz: false }
    if (match[2] === undefined) entry.plain = true
    else entry.gz = true
    found.set(number, entry)
  }
  return [...found]
    .sort(([a], [b]) => a - b)
    .map(([number, entry]) => ({ number, path: segmentPath(dir, number, !entry.plain) }))
}

/** The number the next closed segment takes (resume continues the count). */
export function nextSegmentNumber(dir: string): number {
  return (segments(dir).at(-1)?.number ?? 0) + 1
}

/** Every records file of the folder holding `recordsPath` (its records.jsonl), oldest first; those that exist. */
export function recordFiles(recordsPath: string): string[] {
  const files = segments(dirname(recordsPath)).map((segment) => segment.path)
  if (basename(recordsPath) !== RECORDS_FILE) return existsSync(recordsPath) ? [recordsPath] : []
  return existsSync(recordsPath) ? [...files, recordsPath] : files
}

export interface RecordLine {
  line: string
  file: string
  /** 1-based within its file. */
  lineNumber: number
  /** The run's header line (the first file's first line). */
  header: boolean
}

/**
 * The lines of every records file in order, with the header of the first file only (each closed
 * segment repeats it). Empty lines are skipped. A torn last line is passed on: callers judge it.
 */
export async function* recordLines(recordsPath: string): AsyncGenerator<RecordLine> {
  const files = recordFiles(recordsPath)
  for (const [index, file] of files.entries()) {
    const input = file.endsWith('.gz') ? createReadStream(file).pipe(createGunzip()) : createReadStream(file)
    const lines = createInterface({ input, crlfDelay: Infinity })
    let lineNumber = 0
    for await (const line of lines) {
      lineNumber++
      if (line === '' || (lineNumber === 1 && index > 0)) continue
      yield { line, file, lineNumber, header: index === 0 && lineNumber === 1 }
    }
  }
}

/** Compresses a closed plain segment beside itself, then removes the plain one. */
export async function compressSegment(plainPath: string): Promise<void> {
  const partial = `${plainPath}.gz.partial`
  await pipeline(createReadStream(plainPath), createGzip(), createWriteStream(partial))
  await rename(partial, `${plainPath}.gz`)
  await unlink(plainPath)
}
