// Traffic file writer: validates and buffers requests, streams them to a partial file, and on
// close rewrites the header in place with the final count and span, then moves the file into place.
//
// The header is written first with room to spare and rewritten in place on close, once the
// count and span are known; the padding is trailing spaces, which JSON ignores.
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { partialPathOf } from '../core/atomic-write.js'
import { UserError } from '../core/errors.js'
import type { TrafficHeader, TrafficRequest } from '../core/traffic-types.js'
import { validateTrafficHeader, validateTrafficRequest } from './traffic-schema.js'
import { canonicalHeader, serializeTrafficRequest } from './traffic-serialize.js'

export interface TrafficWriter {
  readonly path: string
  /** Validates and buffers one request; requests must come sorted by offsetMs. */
  write(request: TrafficRequest): Promise<void>
  /**
   * Flushes, fills in requestCount and spanMs, closes, and only then moves the file to `path`:
   * until close() succeeds the lines live in `<path>.partial-<pid>`, so no half-written file looks whole.
   */
  close(): Promise<TrafficHeader>
  /** Closes and deletes the partial file (a failed command); `path` is left as it was. */
  discard(): Promise<void>
}

const HEADER_SLACK_CHARS = 64
const FLUSH_CHARS = 1 << 20

/**
 * Writes a traffic file. Requests are validated as they come (the same checks as reading) and
 * must be sorted by offsetMs. `close()` rewrites the header with the final count and span.
 */
export function createTrafficWriter(path: string, header: Omit<TrafficHeader, 'requestCount' | 'spanMs'>): TrafficWriter {
  const draft = canonicalHeader({ ...header, type: 'header', requestCount: 0, spanMs: 0 })
  validateTrafficHeader(draft, `traffic header for ${path}`)
  const reservedBytes = Buffer.byteLength(JSON.stringify(draft)) + HEADER_SLACK_CHARS
  const padded = (json: string): string => json + ' '.repeat(reservedBytes - Buffer.byteLength(json))
  let handle: FileHandle | undefined
  let opening: Promise<FileHandle> | undefined
  let position = 0
  let buffered: string[] = []
  let bufferedChars = 0
  let count = 0
  let spanMs = 0
  let closed = false
  const temporary = partialPathOf(path)

  const ensureOpen = async (): Promise<FileHandle> => {
    if (handle !== undefined) return handle
    opening ??= (async () => {
      let opened: FileHandle
      try {
        opened = await open(temporary, 'w')
      } catch (error) {
        throw new UserError('USAGE_INVALID', `cannot write traffic file '${path}' (${(error as NodeJS.ErrnoException).code ?? String(error)}); check --out and that its folder exists`, { cause: error })
      }
      const line = `${padded(JSON.stringify(draft))}\n`
      await opened.write(line, 0, 'utf8')
      position = Buffer.byteLength(line)
      handle = opened
      return opened
    })()
    return opening
  }

  const flush = async (): Promise<void> => {
    const file = await ensureOpen()
    if (buffered.length === 0) return
    const text = buffered.join('')
    buffered = []
    bufferedChars = 0
    const { bytesWritten } = await file.write(text, position, 'utf8')
    position += bytesWritten
  }

  return {
    path,
    async write(request) {
      if (closed) throw new Error(`traffic writer for ${path} is closed`)
      const where = `${path} request ${count + 1} (id ${JSON.stringify(request.id)})`
      validateTrafficRequest(request, where)
      if (request.offsetMs < spanMs) {
        throw new UserError('TRAFFIC_INVALID', `${where}: offsetMs ${request.offsetMs} is earlier than the previous ${spanMs}; write requests sorted by offsetMs`)
      }
      spanMs = request.offsetMs
      count++
      const line = `${serializeTrafficRequest(request)}\n`
      buffered.push(line)
      bufferedChars += line.length
      if (bufferedChars >= FLUSH_CHARS) await flush()
    },
    async close() {
      if (closed) throw new Error(`traffic writer for ${path} is already closed`)
      closed = true
      await flush()
      const file = handle as FileHandle
      const final = canonicalHeader({ ...draft, requestCount: count, spanMs })
      const json = JSON.stringify(final)
      if (Buffer.byteLength(json) > reservedBytes) throw new Error(`traffic header grew past its reserved ${reservedBytes} bytes`)
      try {
        await file.write(padded(json), 0, 'utf8')
        await file.truncate(position)
        await file.close()
        await rename(temporary, path)
      } catch (error) {
        await rm(temporary, { force: true })
        throw error
      }
      return final
    },
    async discard() {
      closed = true
      buffered = []
      const file = handle ?? (opening === undefined ? undefined : await opening.catch(() => undefined))
      await file?.close().catch(() => undefined)
      await rm(temporary, { force: true })
    },
  }
}
