// records.jsonl written line by line without holding up the run, rotated past a size: the full
// file is renamed records-000N.jsonl (its buffered lines still land in it) and gzipped beside it,
// and a new records.jsonl begins with the run's header. Used by the JSONL sink and the workers' merge.
import { closeSync, createWriteStream, existsSync, ftruncateSync, fstatSync, openSync, readSync, renameSync, statSync, writeSync, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { dirname } from 'node:path'
import { compressSegment, nextSegmentNumber, segmentPath } from './record-files.js'

export interface RecordsWriterOptions {
  path: string
  /** Past this many bytes the file becomes a gzipped segment; 0 or absent: never. */
  rotateBytes?: number
  /** Told once of the first error (open, write, rename); after it, lines are dropped. */
  onError: (error: Error) => void
}

export interface RecordsWriter {
  /** A new file, starting with `header` (one line, newline included). */
  begin(header: string): void
  /**
   * Continues the file a killed run left (`--resume`), its header repeated in later segments;
   * `header` starts a new file when the run died between a rotation's rename and the new file.
   */
  resume(header: string): void
  /** One whole line, newline included. */
  write(line: string): void
  /** Waits until every line is on disk and every closed segment compressed. */
  close(): Promise<void>
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

/**
 * A killed run's file can end mid-line. Before appending, that torn line is cut off (the resume
 * dropped it too), or, when it is whole JSON and only its newline is missing, the newline is added.
 */
function mendTornTail(path: string): void {
  const fd = openSync(path, 'r+')
  try {
    const size = fstatSync(fd).size
    if (size === 0) return
    const chunk = Buffer.alloc(1 << 16)
    let tail = Buffer.alloc(0)
    let position = size
    let newlineAt = -1
    while (position > 0 && newlineAt < 0) {
      const length = Math.min(chunk.length, position)
      position -= length
      readSync(fd, chunk, 0, length, position)
      tail = Buffer.concat([chunk.subarray(0, length), tail])
      const index = tail.lastIndexOf(0x0a)
      if (index === tail.length - 1 && position + index === size - 1) return
      if (index >= 0) newlineAt = position + index
    }
    const line = tail.subarray(newlineAt < 0 ? 0 : newlineAt - position + 1).toString('utf8')
    let whole = true
    try {
      JSON.parse(line)
    } catch {
      whole = false
    }
    if (whole) writeSync(fd, '\n', size)
    else ftruncateSync(fd, newlineAt + 1)
  } finally {
    closeSync(fd)
  }
}

export function createRecordsWriter(options: RecordsWriterOptions): RecordsWriter {
  const rotateBytes = options.rotateBytes !== undefined && options.rotateBytes > 0 ? options.rotateBytes : Number.POSITIVE_INFINITY
  let stream: WriteStream | undefined
  let failed = false
  let header = ''
  let written = 0
  let nextSegment = 1
  const compressions: Promise<void>[] = []
  const fail = (error: Error): void => {
    if (failed) return
    failed = true
    options.onError(error)
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
  const start = (text: string, flags: 'a' | 'w'): void => {
    nextSegment = nextSegmentNumber(dirname(options.path))
    header = text
    stream = open(flags)
    if (flags === 'w') {
      stream.write(header)
      written = header.length
    }
  }
  return {
    begin(text) {
      start(text, 'w')
    },
    resume(text) {
      if (!existsSync(options.path)) return start(text, 'w')
      mendTornTail(options.path)
      const recorded = firstLine(options.path)
      start(recorded === '' ? text : recorded, 'a')
      written = statSync(options.path).size
    },
    write(line) {
      if (stream === undefined || failed) return
      stream.write(line)
      written += line.length
      if (written >= rotateBytes) rotate(stream)
    },
    async close() {
      const closing = stream
      stream = undefined
      // A stream that failed is destroyed: it would never finish.
      if (closing !== undefined && !failed) {
        closing.end()
        await once(closing, 'finish').catch((error: unknown) => fail(error as Error))
      }
      await Promise.all(compressions)
    },
  }
}
