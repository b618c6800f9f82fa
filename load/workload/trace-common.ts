// Shared by the trace readers: line reading, trace rows -> traffic requests (window, time
// scale, synthetic users, prompt specs), and the import header.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { createInterface } from 'node:readline'
import { UserError } from '../../core/errors.js'
import { createRandom } from '../../core/random.js'
import { DEFAULT_ENCODING, type EncodingName } from '../../core/tokens.js'
import { GENERATOR, VERSION } from '../../core/version.js'
import { TRAFFIC_SCHEMA_VERSION, type TrafficHeader, type TrafficRequest } from '../../core/traffic-types.js'
import { userId } from './population.js'
import { responseSchemaFor } from './prompts.js'
import { checkTimeScale, formatWindow, type TimeWindow } from './window.js'
import { REPRODUCIBLE_CREATED_AT } from './generate.js'

/** One request of a trace: arrival time (ms from the trace's origin) and exact token counts. */
export interface TraceRow {
  timeMs: number
  inputTokens: number
  outputTokens: number
  /** Mooncake: the prompt's blocks of MOONCAKE_BLOCK_TOKENS tokens; equal ids are equal prefix blocks. */
  hashIds?: readonly number[]
}

/** Tokens per Mooncake `hash_ids` block (the trace's published block size). */
export const MOONCAKE_BLOCK_TOKENS = 512

export interface TraceImportOptions {
  /** Keep rows in [start, end) of the trace's own timeline; offsets restart at the window start. */
  window?: TimeWindow
  /** Divide offsets by this factor. */
  timeScale?: number
  /** Seeds user assignment, prompt seeds and (ServeGen) arrivals. Default 1. */
  seed?: number
  /** Requests are spread over this many synthetic users (traces carry none). Default 1000. */
  users?: number
  /** Task name for every request (decides the synthesised text). */
  task?: string
  encoding?: EncodingName
  maxRequests?: number
  createdAt?: string
  /** Where repairs are reported (e.g. rows sorted). Default: stderr. */
  warn?: (message: string) => void
}

export function defaultWarn(message: string): void {
  process.stderr.write(`gauntlet: warning: ${message}\n`)
}

/** Lines of a text file with 1-based numbers; CRLF and a missing final newline are fine. */
export async function* readLines(path: string): AsyncGenerator<{ line: string; number: number }> {
  try {
    const info = await stat(path)
    if (info.isDirectory()) throw new UserError('TRACE_INVALID', `trace '${path}' is a directory; pass the trace file`)
  } catch (error) {
    if (error instanceof UserError) throw error
    throw new UserError('FILE_NOT_FOUND', `trace file '${path}' not found; check the path`, { cause: error })
  }
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 })
  const lines = createInterface({ input: stream, crlfDelay: Infinity })
  let number = 0
  try {
    for await (const raw of lines) {
      number++
      yield { line: number === 1 ? raw.replace(/^\uFEFF/, '') : raw, number }
    }
  } finally {
    lines.close()
    stream.destroy()
  }
}

/** Columnar rows (a trace of millions of rows stays compact) with their source line numbers. */
export class TraceTable {
  times: number[] = []
  inputs: number[] = []
  outputs: number[] = []
  lines: number[] = []
  /** Only filled by formats with prefix blocks (Mooncake); sparse otherwise. */
  hashIds: (readonly number[] | undefined)[] = []
  get length(): number {
    return this.times.length
  }
  push(timeMs: number, inputTokens: number, outputTokens: number, line: number, hashIds?: readonly number[]): void {
    if (hashIds !== undefined && hashIds.length > 0) this.hashIds[this.times.length] = hashIds
    this.times.push(timeMs)
    this.inputs.push(inputTokens)
    this.outputs.push(outputTokens)
    this.lines.push(line)
  }
  /**
   * Sorts by time (stable) when rows are out of order, and reports it: the documented repair
   * for unsorted traces. Returns the number of rows that were earlier than their predecessor.
   */
  sortByTime(file: string, warn: (message: string) => void): number {
    let outOfOrder = 0
    let firstLine = 0
    for (let i = 1; i < this.times.length; i++) {
      if ((this.times[i] as number) < (this.times[i - 1] as number)) {
        if (outOfOrder === 0) firstLine = this.lines[i] as number
        outOfOrder++
      }
    }
    if (outOfOrder === 0) return 0
    const order = this.times.map((_, i) => i).sort((a, b) => (this.times[a] as number) - (this.times[b] as number) || a - b)
    this.times = order.map((i) => this.times[i] as number)
    this.inputs = order.map((i) => this.inputs[i] as number)
    this.outputs = order.map((i) => this.outputs[i] as number)
    this.lines = order.map((i) => this.lines[i] as number)
    if (this.hashIds.length > 0) this.hashIds = order.map((i) => this.hashIds[i])
    warn(`${file}: ${outOfOrder} rows are earlier than the row before them (first at line ${firstLine}); sorted all rows by timestamp`)
    return outOfOrder
  }
  /** Moves the origin to the earliest row, so offsets run from 0. */
  rebase(): void {
    const origin = this.times[0] ?? 0
    for (let i = 0; i < this.times.length; i++) this.times[i] = (this.times[i] as number) - origin
  }
  *rows(): Generator<TraceRow> {
    for (let i = 0; i < this.times.length; i++) {
      const row: TraceRow = { timeMs: this.times[i] as number, inputTokens: this.inputs[i] as number, outputTokens: this.outputs[i] as number }
      const hashIds = this.hashIds[i]
      if (hashIds !== undefined) row.hashIds = hashIds
      yield row
    }
  }
}

export function traceError(file: string, line: number, message: string): UserError {
  return new UserError('TRACE_INVALID', `${file} line ${line}: ${message}`)
}

/** Checks the import options that every format shares. */
export function checkImportOptions(options: TraceImportOptions): void {
  if (options.timeScale !== undefined) checkTimeScale(options.timeScale)
  const bad = (flag: string, value: number | undefined, ok: (n: number) => boolean, expected: string): void => {
    if (value !== undefined && !ok(value)) throw new UserError('USAGE_INVALID', `${flag} must be ${expected} (got ${JSON.stringify(value)})`)
  }
  bad('--seed', options.seed, (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'a whole number from 0 to 4294967295')
  bad('--users', options.users, (n) => Number.isInteger(n) && n >= 1 && n <= 10_000_000, 'a whole number from 1 to 10,000,000')
  bad('--max-requests', options.maxRequests, (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0')
}

const microseconds = (ms: number): number => Math.round(ms * 1000) / 1000

/**
 * Trace rows (sorted by time) -> traffic requests. Token counts are kept exactly: the prompt
 * spec synthesises `inputTokens` tokens, `targetOutputTokens` is the trace's output and
 * `maxOutputTokens` equals it (at least 1). Offsets are rounded to the microsecond.
 */
export function* traceRequests(rows: Iterable<TraceRow>, options: TraceImportOptions, defaultTask: string): Generator<TrafficRequest> {
  const root = createRandom(options.seed ?? 1)
  const who = root.fork('users')
  const prompts = root.fork('prompts')
  const users = options.users ?? 1000
  const timeScale = options.timeScale ?? 1
  const task = options.task ?? defaultTask
  const encoding = options.encoding === undefined || options.encoding === DEFAULT_ENCODING ? undefined : options.encoding
  const startMs = options.window?.startMs ?? 0
  const endMs = options.window?.endMs ?? Infinity
  const limit = options.maxRequests ?? Infinity
  let n = 0
  for (const row of rows) {
    if (row.timeMs < startMs) continue
    if (row.timeMs >= endMs || n >= limit) return
    const seed = Math.floor(prompts.next() * 0x100000000)
    const request: TrafficRequest = {
      id: `r${String(n).padStart(7, '0')}`,
      offsetMs: microseconds((row.timeMs - startMs) / timeScale),
      userId: userId(who.int(users)),
      task,
      prompt: encoding === undefined ? { task, tokens: row.inputTokens, seed } : { task, tokens: row.inputTokens, seed, encoding },
      inputTokens: row.inputTokens,
      maxOutputTokens: Math.max(1, row.outputTokens),
      targetOutputTokens: row.outputTokens,
    }
    const schema = responseSchemaFor({ task, seed })
    if (schema !== undefined) request.responseSchema = schema
    if (row.hashIds !== undefined) addMooncakeBlocks(request, row.hashIds)
    yield request
    n++
  }
}

export function importHeader(format: string, path: string, options: TraceImportOptions, task: string, extra: Record<string, unknown>): Omit<TrafficHeader, 'requestCount' | 'spanMs'> {
  return {
    type: 'header',
    schemaVersion: TRAFFIC_SCHEMA_VERSION,
    generator: GENERATOR,
    generatorVersion: VERSION,
    seed: options.seed ?? 1,
    source: `${format}:${basename(path)}`,
    createdAt: options.createdAt ?? REPRODUCIBLE_CREATED_AT,
    encoding: options.encoding ?? DEFAULT_ENCODING,
    parameters: {
      format,
      file: basename(path),
      task,
      users: options.users ?? 1000,
      window: options.window === undefined ? null : formatWindow(options.window),
      timeScale: options.timeScale ?? 1,
      maxRequests: options.maxRequests ?? null,
      ...extra,
    },
  }
}

/**
 * Mooncake prefix blocks → shared documents: every full block before the prompt's last one is a
 * shared block of MOONCAKE_BLOCK_TOKENS tokens named by its hash id (so requests with the same
 * leading ids send the same bytes and a prefix cache hits as it did in the trace); the rest of
 * the input stays the request's own text. `inputTokens` is unchanged.
 */
function addMooncakeBlocks(request: TrafficRequest, hashIds: readonly number[]): void {
  const shared = Math.min(hashIds.length - 1, Math.floor(request.inputTokens / MOONCAKE_BLOCK_TOKENS))
  if (shared <= 0 || request.prompt === undefined) return
  request.prefix = { documents: hashIds.slice(0, shared).map((id) => ({ id: `mooncake:${id}`, tokens: MOONCAKE_BLOCK_TOKENS })) }
  request.prompt = { ...request.prompt, tokens: request.inputTokens - shared * MOONCAKE_BLOCK_TOKENS }
}
