// Streams one JSON line per attempt to disk as the run goes, after a header line holding the
// schema version and the run's config (without secrets). Writes never block the run. Past the
// rotation size the file is closed as a segment and gzipped beside it (records-writer.ts).
import type { RunInfo, Sample, Sink } from '../types.js'
import { recordFiles, recordLines } from './record-files.js'
import { createRecordsWriter, type RecordsWriter } from './records-writer.js'

export const RECORDS_SCHEMA_VERSION = 1

export interface JsonlSinkOptions {
  path: string
  /** Keep each attempt's inter-token gaps in its record (large). */
  keepItl?: boolean
  /** Continue a file that has its header (`run --resume`): append, no second header. */
  append?: boolean
  /**
   * Told once of a write error (ENOSPC, EIO, ...), as it happens. With it, the sink then drops
   * records and stops quietly (the owner reports the failure); without it, record() and stop() throw.
   */
  onFailure?: (error: Error) => void
  /** Past this many bytes, records.jsonl becomes a gzipped segment and a new one begins; default never. */
  rotateBytes?: number
}

/** The header line of a run's records (newline included). */
export function recordsHeaderLine(run: RunInfo): string {
  return `${JSON.stringify({ type: 'header', schemaVersion: RECORDS_SCHEMA_VERSION, runId: run.runId, name: run.name, startedAt: run.startedAt, config: run.config })}\n`
}

export function createJsonlSink(options: JsonlSinkOptions): Sink & { readonly path: string } {
  let writer: RecordsWriter | undefined
  let failure: Error | undefined
  const writerOptions = {
    path: options.path,
    onError: (error: Error) => {
      failure ??= error
      options.onFailure?.(error)
    },
    ...(options.rotateBytes === undefined ? {} : { rotateBytes: options.rotateBytes }),
  }
  return {
    name: 'jsonl',
    path: options.path,
    async start(run: RunInfo) {
      writer = createRecordsWriter(writerOptions)
      if (options.append === true) writer.resume(recordsHeaderLine(run))
      else writer.begin(recordsHeaderLine(run))
    },
    record(sample: Sample) {
      if (writer === undefined) return
      if (failure !== undefined) {
        if (options.onFailure !== undefined) return
        throw failure
      }
      // write() buffers when the disk is slower than the run: the run is never held up.
      const gaps = sample.itlMs
      if (options.keepItl === true || gaps === undefined) {
        writer.write(`${JSON.stringify(sample)}\n`)
        return
      }
      // The gaps are left out for this one synchronous call (JSON.stringify skips undefined)
      // rather than copying the sample: a spread copy is a slow dictionary-mode object in V8.
      sample.itlMs = undefined
      let line: string
      try {
        line = `${JSON.stringify(sample)}\n`
      } finally {
        sample.itlMs = gaps
      }
      writer.write(line)
    },
    async stop() {
      if (writer === undefined) return
      const closing = writer
      writer = undefined
      await closing.close()
      if (failure !== undefined && options.onFailure === undefined) throw failure
    },
  }
}

/**
 * Reads a run's records back (header and samples): records.jsonl and the closed segments beside
 * it, oldest first. A last line that does not parse was being written when the process died
 * (kill -9, a full disk): it is dropped and counted in `tornLines`; any other bad line throws.
 */
export async function readRecords(path: string): Promise<{ header: Record<string, unknown>; samples: Sample[]; tornLines: number }> {
  if (recordFiles(path).length === 0) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' })
  const lines: string[] = []
  for await (const { line } of recordLines(path)) lines.push(line)
  let tornLines = 0
  const last = lines.at(-1)
  if (last !== undefined && lines.length > 1) {
    try {
      JSON.parse(last)
    } catch {
      lines.pop()
      tornLines = 1
    }
  }
  const [first, ...rest] = lines
  return { header: first === undefined ? {} : (JSON.parse(first) as Record<string, unknown>), samples: rest.map((line) => JSON.parse(line) as Sample), tornLines }
}
