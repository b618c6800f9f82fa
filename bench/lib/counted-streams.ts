// The mock benchmarks' client: streamed POSTs whose content chunks are counted on the wire (no SSE
// parsing), so the client spends little CPU beside the mock. Used by bench/sections/mock.ts and by
// the standalone bench/mock-throughput.ts; at run time it imports only undici, so that script
// stays small.
import { request, type Dispatcher } from 'undici'
import type { WireRequest } from './engine.js'

// `"delta":{"content":` opens OpenAI content chunks only (the role chunk has "role" first).
const MARKER = Buffer.from('"delta":{"content":')

/** A phase of streams against the mock: how many at once, for how long, with what exact timing. */
export interface StreamPhase {
  /** Concurrent streams; closed loops (a new one when one ends) unless `hold`. */
  streams: number
  tokens: number
  seconds: number
  /** Exact timing per request (headers); absent: the `instant` profile answers at once. */
  ttftMs?: number
  itlMs?: number
  /** Open every stream once and let it run to its end (no loop): the concurrency test. */
  hold?: boolean
}

/** `headers` plus the mock's exact-timing headers the phase asks for. */
export function withTimingHeaders(headers: Record<string, string>, phase: StreamPhase): Record<string, string> {
  const withTiming = { ...headers }
  if (phase.ttftMs !== undefined) withTiming['x-gauntlet-ttft-ms'] = String(phase.ttftMs)
  if (phase.itlMs !== undefined) withTiming['x-gauntlet-itl-ms'] = String(phase.itlMs)
  return withTiming
}

/** Counts MARKER across chunk boundaries. */
export function createMarkerCounter(marker: Buffer = MARKER): (chunk: Buffer) => number {
  let tail = Buffer.alloc(0)
  return (chunk) => {
    const data = tail.length === 0 ? chunk : Buffer.concat([tail, chunk])
    let count = 0
    let end = 0
    let at = data.indexOf(marker)
    while (at !== -1) {
      count++
      end = at + marker.length
      at = data.indexOf(marker, end)
    }
    tail = Buffer.from(data.subarray(Math.max(end, data.length - marker.length + 1)))
    return count
  }
}

/** What a client's streams added up to; the caller owns it and reads it when they are done. */
export interface StreamTally {
  tokens: number
  streams: number
  failures: number
  /** Most responses open at one time. */
  peakOpen: number
}

/**
 * A function that sends one stream and counts it into `tally`: a failure when the status is not
 * 200, the content chunks are not `expectedTokens`, or the request throws (it never throws
 * itself). `onFailure` hears what went wrong, in words.
 */
export function createCountedStream(
  wire: WireRequest,
  dispatcher: Dispatcher,
  expectedTokens: number,
  tally: StreamTally,
  onFailure?: (reason: string) => void,
): () => Promise<void> {
  let open = 0
  return async () => {
    try {
      const response = await request(wire.url, { method: 'POST', headers: wire.headers, body: wire.body, dispatcher })
      open++
      tally.peakOpen = Math.max(tally.peakOpen, open)
      const count = createMarkerCounter()
      let tokens = 0
      try {
        for await (const chunk of response.body) tokens += count(chunk as Buffer)
      } finally {
        open--
      }
      tally.tokens += tokens
      tally.streams++
      if (response.statusCode !== 200 || tokens !== expectedTokens) {
        tally.failures++
        onFailure?.(`status ${response.statusCode}, ${tokens} tokens`)
      }
    } catch (error) {
      // Counted; the token figures come from what arrived.
      tally.failures++
      onFailure?.(error instanceof Error ? error.message : String(error))
    }
  }
}

/** `streams` closed loops, each sending the next stream when its last one ends, until `deadlineMs` (performance.now()). */
export async function closedLoops(streams: number, deadlineMs: number, one: () => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: streams }, async () => {
      while (performance.now() < deadlineMs) await one()
    }),
  )
}
