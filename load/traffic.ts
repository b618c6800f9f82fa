// Traffic files (JSONL): a header line, then one request per line sorted by offsetMs.
// Read as a stream, so a million-request file is never held in memory. Validation lives in
// traffic-schema.ts, segments in traffic-segment.ts, writing in traffic-writer.ts.
//
//   line 1   {"type":"header","schemaVersion":1,...,"requestCount":N,"spanMs":S,...}<spaces>
//   line 2   {"id":"r0000000","offsetMs":12,"userId":"u00042","task":"chat","prompt":{...},...}
//   ...
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { ChatMessage } from '../adapters/types.js'
import { UserError } from '../core/errors.js'
import type { TrafficHeader, TrafficRequest } from '../core/traffic-types.js'
import { validateTrafficHeader, validateTrafficRequest } from './traffic-schema.js'
import { checkSegment, type Segment } from './traffic-segment.js'
import { synthesizePrompt } from './workload/prompts.js'

export interface ReadTrafficOptions {
  /** Only the requests of segment i/n: the k-th request (0-based) belongs to segment (k mod n) + 1. */
  segment?: Segment
}

export interface TrafficFile {
  /** The file's header (counts are for the whole file, also when a segment is read). */
  header: TrafficHeader
  /** Streams the requests; each iteration re-reads the file and validates every line. */
  requests: AsyncIterable<TrafficRequest>
}

async function openForReading(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UserError('FILE_NOT_FOUND', `traffic file '${path}' not found; create one with 'gauntlet traffic generate --out ${path}'`, { cause: error })
    throw new UserError('TRAFFIC_INVALID', `traffic file '${path}' cannot be read (${code ?? String(error)}); check its permissions`, { cause: error })
  }
}

async function readFirstLine(path: string): Promise<string> {
  const handle = await openForReading(path)
  try {
    const chunks: Buffer[] = []
    const buffer = Buffer.alloc(64 * 1024)
    for (;;) {
      let bytesRead: number
      try {
        ;({ bytesRead } = await handle.read(buffer, 0, buffer.length, null))
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'EISDIR') throw new UserError('TRAFFIC_INVALID', `traffic file '${path}' is a directory; pass a .jsonl file`, { cause: error })
        throw new UserError('TRAFFIC_INVALID', `traffic file '${path}' cannot be read (${code ?? String(error)}); check the file`, { cause: error })
      }
      if (bytesRead === 0) break
      const chunk = buffer.subarray(0, bytesRead)
      const newline = chunk.indexOf(10)
      if (newline >= 0) {
        chunks.push(Buffer.from(chunk.subarray(0, newline)))
        break
      }
      chunks.push(Buffer.from(chunk))
    }
    return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '')
  } finally {
    await handle.close()
  }
}

function parseJsonLine(line: string, where: string, what: string): unknown {
  try {
    return JSON.parse(line)
  } catch (error) {
    throw new UserError('TRAFFIC_INVALID', `${where}: ${what} is not valid JSON (${(error as Error).message}); regenerate the file or fix the line`, { cause: error })
  }
}

/** Opens a traffic file: validates the header now; `requests` streams and validates each line. */
export async function readTraffic(path: string, options: ReadTrafficOptions = {}): Promise<TrafficFile> {
  const segment = options.segment
  if (segment !== undefined) checkSegment(segment)
  const first = await readFirstLine(path)
  if (first.trim() === '') throw new UserError('TRAFFIC_INVALID', `${path} line 1: empty; a traffic file starts with a header line; regenerate it with 'gauntlet traffic generate'`)
  const header = validateTrafficHeader(parseJsonLine(first, `${path} line 1`, 'header'), `${path} line 1`)
  return { header, requests: { [Symbol.asyncIterator]: () => readRequests(path, header, segment)[Symbol.asyncIterator]() } }
}

async function* readRequests(path: string, header: TrafficHeader, segment: Segment | undefined): AsyncGenerator<TrafficRequest> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 })
  const lines = createInterface({ input: stream, crlfDelay: Infinity })
  let lineNumber = 0
  let requestIndex = 0
  let previousOffsetMs = 0
  try {
    for await (const line of lines) {
      lineNumber++
      if (lineNumber === 1) continue
      if (line.trim() === '') continue
      const where = `${path} line ${lineNumber}`
      const request = validateTrafficRequest(parseJsonLine(line, where, 'request'), where)
      if (request.offsetMs < previousOffsetMs) {
        throw new UserError('TRAFFIC_INVALID', `${where}: field 'offsetMs' is ${request.offsetMs}, earlier than the previous request's ${previousOffsetMs}; requests must be sorted by offsetMs; regenerate the file or sort it`)
      }
      previousOffsetMs = request.offsetMs
      const mine = segment === undefined || requestIndex % segment.count === segment.index - 1
      requestIndex++
      if (mine) yield request
    }
  } finally {
    lines.close()
    stream.destroy()
  }
  if (requestIndex !== header.requestCount) {
    throw new UserError('TRAFFIC_INVALID', `${path}: header says ${header.requestCount} requests but the file has ${requestIndex}; the file is truncated or was edited; regenerate it`)
  }
}

/** The messages to send: the literal ones, or the prompt spec expanded (no tokenizer call once warm). */
export function expandMessages(request: TrafficRequest): ChatMessage[] {
  if (request.messages !== undefined) return request.messages
  if (request.prompt !== undefined) return synthesizePrompt(request.prompt)
  throw new UserError('TRAFFIC_INVALID', `request '${request.id}' has neither 'messages' nor 'prompt'; regenerate the traffic file`)
}
