// Streams one JSON line per attempt to disk as the run goes, after a header line holding the
// schema version and the run's config (without secrets). Writes never block the run.
import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import type { RunInfo, Sample, Sink } from '../types.js'

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
}

export function createJsonlSink(options: JsonlSinkOptions): Sink & { readonly path: string } {
  let stream: WriteStream | undefined
  let failure: Error | undefined
  return {
    name: 'jsonl',
    path: options.path,
    async start(run: RunInfo) {
      stream = createWriteStream(options.path, { flags: options.append === true ? 'a' : 'w', highWaterMark: 1 << 20 })
      stream.on('error', (error) => {
        if (failure !== undefined) return
        failure = error
        options.onFailure?.(error)
      })
      if (options.append === true) return
      stream.write(
        `${JSON.stringify({ type: 'header', schemaVersion: RECORDS_SCHEMA_VERSION, runId: run.runId, name: run.name, startedAt: run.startedAt, config: run.config })}\n`,
      )
    },
    record(sample: Sample) {
      if (stream === undefined) return
      if (failure !== undefined) {
        if (options.onFailure !== undefined) return
        throw failure
      }
      // write() buffers when the disk is slower than the run: the run is never held up.
      const gaps = sample.itlMs
      if (options.keepItl === true || gaps === undefined) {
        stream.write(`${JSON.stringify(sample)}\n`)
        return
      }
      // The gaps are left out for this one synchronous call (JSON.stringify skips undefined)
      // rather than copying the sample: a spread copy is a slow dictionary-mode object in V8.
      sample.itlMs = undefined
      try {
        stream.write(`${JSON.stringify(sample)}\n`)
      } finally {
        sample.itlMs = gaps
      }
    },
    async stop() {
      if (stream === undefined) return
      const closing = stream
      stream = undefined
      // A stream that failed is destroyed: it would never finish.
      if (failure === undefined) {
        closing.end()
        await once(closing, 'finish').catch((error: unknown) => {
          // The 'error' listener has it (and told onFailure); without onFailure it is thrown below.
          failure ??= error as Error
        })
      }
      if (failure !== undefined && options.onFailure === undefined) throw failure
    },
  }
}

/**
 * Reads a records.jsonl file back (header and samples). A last line without its newline that
 * does not parse was being written when the process died (kill -9, a full disk): it is dropped
 * and counted in `tornLines`; any other bad line throws.
 */
export async function readRecords(path: string): Promise<{ header: Record<string, unknown>; samples: Sample[]; tornLines: number }> {
  const { readFile } = await import('node:fs/promises')
  const text = await readFile(path, 'utf8')
  const lines = text.split('\n')
  let tornLines = 0
  const last = lines.pop() ?? ''
  if (last !== '') {
    try {
      JSON.parse(last)
      lines.push(last)
    } catch {
      tornLines = 1
    }
  }
  const kept = lines.filter((line) => line !== '')
  const [first, ...rest] = kept
  return { header: first === undefined ? {} : (JSON.parse(first) as Record<string, unknown>), samples: rest.map((line) => JSON.parse(line) as Sample), tornLines }
}
