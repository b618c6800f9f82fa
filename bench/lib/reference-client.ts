// The reference client (bench/reference/client.py) as the benchmarks drive it: its command line
// from the engine's own wire request, its JSON output checked and turned into the same figures
// the engine's samples give (TTFT error, ITL error, e2e, CPU). Pure, so each step is tested.
import type { WireRequest } from './engine.js'
import { createNumberBuffer, percentiles, type Percentiles } from './stats.js'

export const REFERENCE_CLIENT_PATH = 'bench/reference/client.py'

/** One request as the reference client recorded it; times in ns from its start. */
export interface ReferenceRequest {
  index: number
  /** Open model only: when it was due. */
  scheduled: number | null
  sent: number | null
  /** First content chunk (`chunks[0]`). */
  first: number | null
  chunks: number[]
  end: number | null
  status: number | null
  error: string | null
}

export interface ReferenceOutput {
  client: string
  python: string
  mode: 'closed' | 'open'
  /** Process CPU (user + system) over the run, from `time.process_time()`. */
  cpuS: number
  wallS: number
  requests: ReferenceRequest[]
}

export type ReferenceMode = { type: 'closed'; users: number } | { type: 'open'; ratePerSecond: number }

/** The client's argv (after the interpreter): the engine's URL, headers and body, and the plan. */
export function referenceArgs(wire: WireRequest, mode: ReferenceMode, requests: number): string[] {
  const headers = Object.entries(wire.headers).flatMap(([name, value]) => ['--header', `${name}: ${value}`])
  const plan = mode.type === 'closed' ? ['--closed', String(mode.users)] : ['--rate', String(mode.ratePerSecond)]
  return [REFERENCE_CLIENT_PATH, '--url', wire.url, ...headers, '--body', wire.body, ...plan, '--requests', String(requests)]
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isNumberOrNull = (value: unknown): boolean => value === null || isNumber(value)

/** Parses and checks the client's stdout; throws with every problem found (up to 5) and the start of the text. */
export function parseReferenceOutput(text: string): ReferenceOutput {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`reference client output is not JSON (${(error as Error).message}): ${text.slice(0, 200)}`)
  }
  const problems: string[] = []
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>
  if (typeof record['client'] !== 'string') problems.push('client is not a string')
  if (typeof record['python'] !== 'string') problems.push('python is not a string')
  if (record['mode'] !== 'closed' && record['mode'] !== 'open') problems.push(`mode is ${JSON.stringify(record['mode'])}, expected "closed" or "open"`)
  for (const key of ['cpuS', 'wallS']) if (!isNumber(record[key])) problems.push(`${key} is ${JSON.stringify(record[key])}, expected a number`)
  const requests = record['requests']
  if (!Array.isArray(requests)) problems.push('requests is not an array')
  else {
    requests.forEach((raw: unknown, at) => {
      const request = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
      if (!isNumber(request['index'])) problems.push(`requests[${at}].index is ${JSON.stringify(request['index'])}, expected a number`)
      for (const key of ['scheduled', 'sent', 'first', 'end', 'status']) {
        if (!isNumberOrNull(request[key])) problems.push(`requests[${at}].${key} is ${JSON.stringify(request[key])}, expected a number or null`)
      }
      if (request['error'] !== null && typeof request['error'] !== 'string') problems.push(`requests[${at}].error is ${JSON.stringify(request['error'])}, expected a string or null`)
      if (!Array.isArray(request['chunks']) || !request['chunks'].every(isNumber)) problems.push(`requests[${at}].chunks is not an array of numbers`)
    })
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '')
    throw new Error(`reference client output not understood: ${shown}`)
  }
  return parsed as ReferenceOutput
}

/** What one client run gives, ours or the reference's: the same figures from either. */
export interface ClientRound {
  completed: number
  /** Not 200, an error, or (streaming) not exactly the expected content chunks. */
  failed: number
  /** First content chunk − sent − the injected TTFT, ms; warm requests only (see `firstWave`). */
  ttftErrorMs: Percentiles
  /** Each gap between content chunks − the injected ITL, ms; warm requests only. */
  itlErrorMs: Percentiles
  /** End − scheduled (open model) or − sent (closed), ms; warm requests only. */
  e2eMs: Percentiles
  /** TTFT error of the first wave (index < firstWave: each user's first request, which opens its connection). */
  firstWaveTtftErrorMs: Percentiles
  /** Content chunks of the completed requests. */
  chunks: number
  /** Client process CPU over the run, s; null when unknown. */
  cpuS: number | null
  wallS: number
  /** Outcomes by kind (`ok` included). */
  outcomes?: Record<string, number>
}

export interface Expected {
  ttftMs: number
  itlMs: number
  stream: boolean
  outputTokens: number
  /**
   * Requests with a lower index are each closed-model user's first: they open a connection (and
   * meet a cold process), so they are kept apart from the figures. 0 in the open model.
   */
  firstWave: number
}

/** One completed request, in ms, as either client measured it. */
export interface RequestTiming {
  index: number
  /** First content chunk − sent. */
  ttftMs?: number
  /** Gaps between content chunks. */
  gapsMs: ArrayLike<number>
  /** End − scheduled (open) or − sent (closed). */
  e2eMs: number
  chunks: number
}

export interface RoundCollector {
  /** A request that answered; it counts as failed (`wrong_chunk_count`) when a stream has not exactly the expected chunks. */
  add(timing: RequestTiming): void
  fail(kind: string): void
  finish(cpuS: number | null, wallS: number): ClientRound
}

/** The one arithmetic both clients' figures come from: errors against the injected timing, exact percentiles. */
export function createRoundCollector(expected: Expected, capacity = 1024): RoundCollector {
  const ttft = createNumberBuffer(capacity)
  const firstTtft = createNumberBuffer(Math.max(1, expected.firstWave))
  const itl = createNumberBuffer(capacity * Math.max(1, expected.outputTokens))
  const e2e = createNumberBuffer(capacity)
  const outcomes: Record<string, number> = {}
  let completed = 0
  let failed = 0
  let chunks = 0
  const fail = (kind: string): void => {
    failed++
    outcomes[kind] = (outcomes[kind] ?? 0) + 1
  }
  return {
    add(timing) {
      if (expected.stream && timing.chunks !== expected.outputTokens) return fail('wrong_chunk_count')
      completed++
      outcomes['ok'] = (outcomes['ok'] ?? 0) + 1
      chunks += timing.chunks
      if (timing.index < expected.firstWave) {
        if (timing.ttftMs !== undefined) firstTtft.push(timing.ttftMs - expected.ttftMs)
        return
      }
      if (timing.ttftMs !== undefined) ttft.push(timing.ttftMs - expected.ttftMs)
      for (let k = 0; k < timing.gapsMs.length; k++) itl.push((timing.gapsMs[k] as number) - expected.itlMs)
      if (Number.isFinite(timing.e2eMs)) e2e.push(timing.e2eMs)
    },
    fail,
    finish(cpuS, wallS) {
      return {
        completed,
        failed,
        ttftErrorMs: percentiles(ttft.values()),
        itlErrorMs: percentiles(itl.values()),
        e2eMs: percentiles(e2e.values()),
        firstWaveTtftErrorMs: percentiles(firstTtft.values()),
        chunks,
        cpuS,
        wallS,
        outcomes,
      }
    },
  }
}

/** The reference client's raw times (ns) → the round's figures. */
export function referenceFigures(output: ReferenceOutput, expected: Expected): ClientRound {
  const collector = createRoundCollector(expected, output.requests.length)
  for (const request of output.requests) {
    if (request.error !== null) collector.fail(request.error.split(':')[0] ?? 'error')
    else if (request.status !== 200) collector.fail(`http_${request.status ?? '?'}`)
    else if (request.sent === null || request.end === null) collector.fail('incomplete')
    else {
      const sent = request.sent
      const gapsMs = new Float64Array(Math.max(0, request.chunks.length - 1))
      for (let k = 1; k < request.chunks.length; k++) gapsMs[k - 1] = ((request.chunks[k] as number) - (request.chunks[k - 1] as number)) / 1e6
      const timing: RequestTiming = { index: request.index, gapsMs, e2eMs: (request.end - (request.scheduled ?? sent)) / 1e6, chunks: request.chunks.length }
      if (request.first !== null) timing.ttftMs = (request.first - sent) / 1e6
      collector.add(timing)
    }
  }
  return collector.finish(output.cpuS, output.wallS)
}
