// Traffic files (JSONL): a header line, then one request per line sorted by offsetMs.
// Read and written as streams, so a million-request file is never held in memory.
//
//   line 1   {"type":"header","schemaVersion":1,...,"requestCount":N,"spanMs":S,...}<spaces>
//   line 2   {"id":"r0000000","offsetMs":12,"userId":"u00042","task":"chat","prompt":{...},...}
//   ...
//
// The header is written first with room to spare and rewritten in place on close, once the
// count and span are known; the padding is trailing spaces, which JSON ignores.
import { createReadStream } from 'node:fs'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { z } from 'zod'
import type { ChatMessage } from '../adapters/types.js'
import { partialPathOf } from '../core/atomic-write.js'
import { UserError } from '../core/errors.js'
import { TRAFFIC_SCHEMA_VERSION, type PrefixSpec, type PromptSpec, type SharedBlock, type TrafficHeader, type TrafficRequest, type TurnSpec } from '../core/traffic-types.js'
import { synthesizePrompt } from './workload/prompts.js'

export interface Segment {
  /** 1-based. */
  index: number
  count: number
}

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

// ---------------------------------------------------------------- validation

const nonNegativeInteger = (what: string) =>
  z.number({ error: `must be ${what}` }).int({ error: `must be ${what}` }).nonnegative({ error: `must be ${what}` })
const nonEmptyString = z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' })

const messageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant'], { error: "must be 'system', 'user' or 'assistant'" }),
  content: z.string({ error: 'must be a string' }),
})

const promptSchema = z.strictObject({
  task: nonEmptyString,
  tokens: nonNegativeInteger('a non-negative integer'),
  seed: z.number({ error: 'must be an integer from 0 to 4294967295' }).int({ error: 'must be an integer from 0 to 4294967295' }).min(0, { error: 'must be an integer from 0 to 4294967295' }).max(4294967295, { error: 'must be an integer from 0 to 4294967295' }),
  encoding: z.enum(['o200k_base', 'cl100k_base'], { error: "must be 'o200k_base' or 'cl100k_base'" }).optional(),
})

const expectedSchema = z.strictObject({
  answer: z.string({ error: 'must be a string' }),
  match: z.enum(['text', 'number', 'date'], { error: "must be 'text', 'number' or 'date'" }),
  questionId: nonEmptyString,
})

const sharedBlockSchema = z.strictObject({
  id: nonEmptyString,
  tokens: nonNegativeInteger('a non-negative integer'),
})

const prefixSchema = z.strictObject({
  system: sharedBlockSchema.optional(),
  documents: z.array(sharedBlockSchema, { error: 'must be a list of {id, tokens}' }).optional(),
})

const turnSchema = z
  .strictObject({
    thinkMs: z.number({ error: 'must be a non-negative number' }).nonnegative({ error: 'must be a non-negative number' }),
    kind: z.enum(['user', 'tool'], { error: "must be 'user' or 'tool'" }).optional(),
    prompt: promptSchema.optional(),
    text: z.string({ error: 'must be a string' }).optional(),
    inputTokens: nonNegativeInteger('a non-negative integer'),
    maxOutputTokens: z.number({ error: 'must be a positive integer' }).int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' }),
    targetOutputTokens: nonNegativeInteger('a non-negative integer').optional(),
  })
  .superRefine((turn, context) => {
    if ((turn.text === undefined) === (turn.prompt === undefined)) {
      context.addIssue({ code: 'custom', path: [turn.text === undefined ? 'prompt' : 'text'], message: "must be given, and only one of 'text' and 'prompt'" })
    }
    if (turn.targetOutputTokens !== undefined && turn.targetOutputTokens > turn.maxOutputTokens) {
      context.addIssue({ code: 'custom', path: ['targetOutputTokens'], message: `must not exceed maxOutputTokens (${turn.maxOutputTokens})` })
    }
  })

const requestSchema = z
  .strictObject({
    id: nonEmptyString,
    offsetMs: z.number({ error: 'must be a non-negative number' }).nonnegative({ error: 'must be a non-negative number' }),
    userId: nonEmptyString,
    task: nonEmptyString,
    messages: z.array(messageSchema, { error: 'must be a list of {role, content}' }).min(1, { error: 'must hold at least one message' }).optional(),
    prompt: promptSchema.optional(),
    inputTokens: nonNegativeInteger('a non-negative integer'),
    maxOutputTokens: z.number({ error: 'must be a positive integer' }).int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' }),
    targetOutputTokens: nonNegativeInteger('a non-negative integer').optional(),
    tags: z.array(z.string({ error: 'must be a string' }), { error: 'must be a list of strings' }).optional(),
    responseSchema: z.record(z.string(), z.unknown(), { error: 'must be a JSON object (a JSON Schema)' }).optional(),
    expected: expectedSchema.optional(),
    variant: z.enum(['clean', 'dirty'], { error: "must be 'clean' or 'dirty'" }).optional(),
    source: nonEmptyString.optional(),
    prefix: prefixSchema.optional(),
    turns: z.array(turnSchema, { error: 'must be a list of turns {thinkMs, prompt|text, inputTokens, maxOutputTokens}' }).min(1, { error: 'must hold at least one turn (or leave it out)' }).optional(),
    agent: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .superRefine((request, context) => {
    if (request.agent === true && request.turns === undefined) {
      context.addIssue({ code: 'custom', path: ['agent'], message: "needs 'turns' (the later calls of the task)" })
    }
    if ((request.messages === undefined) === (request.prompt === undefined)) {
      context.addIssue({ code: 'custom', path: [request.messages === undefined ? 'prompt' : 'messages'], message: "must be given, and only one of 'messages' and 'prompt'" })
    }
    if (request.targetOutputTokens !== undefined && request.targetOutputTokens > request.maxOutputTokens) {
      context.addIssue({ code: 'custom', path: ['targetOutputTokens'], message: `must not exceed maxOutputTokens (${request.maxOutputTokens})` })
    }
  })

const headerSchema = z.strictObject({
  type: z.literal('header', { error: "must be 'header' (the first line of a traffic file is its header)" }),
  schemaVersion: z.number({ error: 'must be a positive integer' }).int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' }),
  generator: nonEmptyString,
  generatorVersion: z.string({ error: 'must be a string' }),
  seed: z.number({ error: 'must be a number or null' }).nullable(),
  source: z.string({ error: 'must be a string' }),
  createdAt: z.string({ error: 'must be an ISO date string' }),
  requestCount: nonNegativeInteger('a non-negative integer'),
  spanMs: z.number({ error: 'must be a non-negative number' }).nonnegative({ error: 'must be a non-negative number' }),
  encoding: z.enum(['o200k_base', 'cl100k_base'], { error: "must be 'o200k_base' or 'cl100k_base'" }),
  parameters: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).optional(),
})

function formatPath(path: readonly PropertyKey[]): string {
  let text = ''
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : text === '' ? String(key) : `.${String(key)}`
  return text
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** Every bad field of a line, one clause each (one per field), so one run of the fix-up is enough. */
function describeIssue(error: z.ZodError, value: unknown): string {
  const seen = new Set<string>()
  const clauses: string[] = []
  for (const issue of error.issues) {
    const key = issue.code === 'unrecognized_keys' ? `keys:${formatPath(issue.path)}` : formatPath(issue.path)
    if (seen.has(key)) continue
    seen.add(key)
    clauses.push(describeOne(issue, value))
  }
  return clauses.join('; ')
}

function describeOne(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length === 0 ? '' : ` in '${formatPath(issue.path)}'`
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `'${key}'`).join(', ')}${where}; remove ${issue.keys.length > 1 ? 'them' : 'it'}`
  }
  if (issue.path.length === 0) return `must be a JSON object (got ${shown(value)})`
  return `field '${formatPath(issue.path)}' ${issue.message} (got ${shown(valueAt(value, issue.path))})`
}

/** Checks one parsed request line; throws TRAFFIC_INVALID naming `where` (file and line). */
export function validateTrafficRequest(value: unknown, where: string): TrafficRequest {
  const result = requestSchema.safeParse(value)
  if (!result.success) throw new UserError('TRAFFIC_INVALID', `${where}: ${describeIssue(result.error, value)}; regenerate the file or fix the line`)
  return result.data as TrafficRequest
}

/** Checks a parsed header line; throws TRAFFIC_INVALID naming `where`. */
export function validateTrafficHeader(value: unknown, where: string): TrafficHeader {
  const result = headerSchema.safeParse(value)
  if (!result.success) throw new UserError('TRAFFIC_INVALID', `${where}: header ${describeIssue(result.error, value)}; regenerate the file with 'gauntlet traffic generate'`)
  const header = result.data as TrafficHeader
  if (header.schemaVersion > TRAFFIC_SCHEMA_VERSION) {
    throw new UserError('TRAFFIC_INVALID', `${where}: header field 'schemaVersion' is ${header.schemaVersion}, newer than this tool reads (${TRAFFIC_SCHEMA_VERSION}); upgrade llm-gauntlet or regenerate the file`)
  }
  return header
}

// ---------------------------------------------------------------- segments

/** Parses `i/n` (1 ≤ i ≤ n), e.g. "2/4" -> {index: 2, count: 4}. */
export function parseSegment(text: string): Segment {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const index = match === null ? NaN : Number(match[1])
  const count = match === null ? NaN : Number(match[2])
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new UserError('USAGE_INVALID', `--segment '${text}' must be i/n with 1 ≤ i ≤ n; e.g. --segment 2/4 for the second of four segments`)
  }
  return { index, count }
}

function checkSegment(segment: Segment): void {
  if (!Number.isSafeInteger(segment.index) || !Number.isSafeInteger(segment.count) || segment.count < 1 || segment.index < 1 || segment.index > segment.count) {
    throw new UserError('USAGE_INVALID', `segment ${segment.index}/${segment.count} must be i/n with 1 ≤ i ≤ n; e.g. 2/4`)
  }
}

/** How many of `total` requests fall in `segment` (k-th request -> segment (k mod n) + 1). */
export function segmentRequestCount(total: number, segment: Segment): number {
  return total >= segment.index ? Math.floor((total - segment.index) / segment.count) + 1 : 0
}

// ---------------------------------------------------------------- reading

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

// ---------------------------------------------------------------- writing

function canonicalHeader(header: TrafficHeader): TrafficHeader {
  const ordered: TrafficHeader = {
    type: 'header',
    schemaVersion: header.schemaVersion,
    generator: header.generator,
    generatorVersion: header.generatorVersion,
    seed: header.seed,
    source: header.source,
    createdAt: header.createdAt,
    requestCount: header.requestCount,
    spanMs: header.spanMs,
    encoding: header.encoding,
  }
  if (header.parameters !== undefined) ordered.parameters = header.parameters
  return ordered
}

// Response schemas are shared objects (one per table kind): serialise each once.
const schemaJson = new WeakMap<object, string>()

/**
 * One JSON line with a fixed key order (reading order: identity and time, content, token
 * counts, extras), so the same request always serialises to the same bytes.
 */
export function serializeTrafficRequest(request: TrafficRequest): string {
  let line = `{"id":${JSON.stringify(request.id)},"offsetMs":${JSON.stringify(request.offsetMs)},"userId":${JSON.stringify(request.userId)},"task":${JSON.stringify(request.task)}`
  if (request.messages !== undefined) line += `,"messages":${JSON.stringify(request.messages.map((message) => ({ role: message.role, content: message.content })))}`
  if (request.prompt !== undefined) line += `,"prompt":${serializePromptSpec(request.prompt)}`
  line += `,"inputTokens":${JSON.stringify(request.inputTokens)},"maxOutputTokens":${JSON.stringify(request.maxOutputTokens)}`
  if (request.targetOutputTokens !== undefined) line += `,"targetOutputTokens":${JSON.stringify(request.targetOutputTokens)}`
  if (request.tags !== undefined) line += `,"tags":${JSON.stringify(request.tags)}`
  if (request.responseSchema !== undefined) {
    let json = schemaJson.get(request.responseSchema)
    if (json === undefined) {
      json = JSON.stringify(request.responseSchema)
      schemaJson.set(request.responseSchema, json)
    }
    line += `,"responseSchema":${json}`
  }
  const expected = request.expected
  if (expected !== undefined) {
    line += `,"expected":{"answer":${JSON.stringify(expected.answer)},"match":${JSON.stringify(expected.match)},"questionId":${JSON.stringify(expected.questionId)}}`
  }
  if (request.variant !== undefined) line += `,"variant":${JSON.stringify(request.variant)}`
  if (request.source !== undefined) line += `,"source":${JSON.stringify(request.source)}`
  if (request.prefix !== undefined) line += `,"prefix":${serializePrefix(request.prefix)}`
  if (request.turns !== undefined) line += `,"turns":[${request.turns.map(serializeTurn).join(',')}]`
  if (request.agent !== undefined) line += `,"agent":${JSON.stringify(request.agent)}`
  return `${line}}`
}

function serializeBlock(block: SharedBlock): string {
  return `{"id":${JSON.stringify(block.id)},"tokens":${JSON.stringify(block.tokens)}}`
}

function serializePrefix(prefix: PrefixSpec): string {
  const parts: string[] = []
  if (prefix.system !== undefined) parts.push(`"system":${serializeBlock(prefix.system)}`)
  if (prefix.documents !== undefined) parts.push(`"documents":[${prefix.documents.map(serializeBlock).join(',')}]`)
  return `{${parts.join(',')}}`
}

function serializePromptSpec(prompt: PromptSpec): string {
  const head = `{"task":${JSON.stringify(prompt.task)},"tokens":${JSON.stringify(prompt.tokens)},"seed":${JSON.stringify(prompt.seed)}`
  return prompt.encoding === undefined ? `${head}}` : `${head},"encoding":${JSON.stringify(prompt.encoding)}}`
}

function serializeTurn(turn: TurnSpec): string {
  let text = `{"thinkMs":${JSON.stringify(turn.thinkMs)}`
  if (turn.kind !== undefined) text += `,"kind":${JSON.stringify(turn.kind)}`
  if (turn.prompt !== undefined) text += `,"prompt":${serializePromptSpec(turn.prompt)}`
  if (turn.text !== undefined) text += `,"text":${JSON.stringify(turn.text)}`
  text += `,"inputTokens":${JSON.stringify(turn.inputTokens)},"maxOutputTokens":${JSON.stringify(turn.maxOutputTokens)}`
  if (turn.targetOutputTokens !== undefined) text += `,"targetOutputTokens":${JSON.stringify(turn.targetOutputTokens)}`
  return `${text}}`
}

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
