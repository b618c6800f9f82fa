// Streams one JSON line per attempt to disk as the run goes, after a header line holding the
// schema version and the run's config (without secrets). Writes never block the run. Past the
// rotation size the file is closed as a segment and gzipped beside it (record-files.ts).
import { closeSync, createWriteStream, openSync, readSync, renameSync, statSync, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { dirname } from 'node:path'
import type { RunInfo, Sample, Sink } from '../types.js'
import { compressSegment, nextSegmentNumber, recordFiles, recordLines, segmentPath } from './record-files.js'

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

/** The first line of a file, newline included ('' when it has none): the header a resumed run repeats. */
function firstLine(path: string): string {
  const fd = openSync(path, 'r')
  try {
    const chunk = Buffer.alloc(1 << 16)
    let text = ''
    for (let position = 0; ; ) {
      const read = readSync(fd, chunk, 0, chunk.length, position)
      if (read === 0) return ''
      text += chunk.toString('utf8', 0, read)
      const end = text.indexOf('\n')
      if (end >= 0) return text.slice(0, end + 1)
      position += read
    }
  } finally {
    closeSync(fd)
  }
}

export function createJsonlSink(options: JsonlSinkOptions): Sink & { readonly path: string } {
  let stream: WriteStream | undefined
  let failure: Error | undefined
  let header = ''
  let written = 0
  let nextSegment = 1
  const compressions: Promise<void>[] = []
  const rotateBytes = options.rotateBytes !== undefined && options.rotateBytes > 0 ? options.rotateBytes : Number.POSITIVE_INFINITY
  const fail = (error: Error): void => {
    if (failure !== undefined) return
    failure = error
    options.onFailure?.(error)
  }
  // Opened at once (not on the next tick) so the file exists for a rotation right after; an
  // open that fails is left to the stream, which reports it as an 'error' like a write error.
  const open = (flags: 'a' | 'w'): WriteStream => {
    let fd: number | undefined
    try {
      fd = openSync(options.path, flags)
    } catch {
      fd = undefined
    }
    const opened = createWriteStream(options.path, fd === undefined ? { flags, highWaterMark: 1 << 20 } : { fd, highWaterMark: 1 << 20 })
    opened.on('error', fail)
    return opened
  }
  // The closed file keeps its descriptor through the rename, so its buffered lines land in it.
  const rotate = (current: WriteStream): void => {
    const segment = segmentPath(dirname(options.path), nextSegment++, false)
    try {
      renameSync(options.path, segment)
    } catch (error) {
      fail(error as Error)
      return
    }
    current.end()
    // A segment that cannot be compressed stays plain, and is read as it is.
    compressions.push(once(current, 'finish').then(() => compressSegment(segment), () => undefined).catch(() => undefined))
    stream = open('w')
    stream.write(header)
    written = header.length
  }
  const write = (current: WriteStream, line: string): void => {
    current.write(line)
    written += line.length
    if (written >= rotateBytes) rotate(current)
  }
  return {
    name: 'jsonl',
    path: options.path,
    async start(run: RunInfo) {
      nextSegment = nextSegmentNumber(dirname(options.path))
      if (options.append === true) {
        header = firstLine(options.path)
        written = statSync(options.path).size
        stream = open('a')
        return
      }
      stream = open('w')
      header = `${JSON.stringify({ type: 'header', schemaVersion: RECORDS_SCHEMA_VERSION, runId: run.runId, name: run.name, startedAt: run.startedAt, config: run.config })}\n`
      stream.write(header)
      written = header.length
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
        write(stream, `${JSON.stringify(sample)}\n`)
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
      write(stream, line)
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
      await Promise.all(compressions)
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
