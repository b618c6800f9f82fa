// The fault seam: what a fault is, what it sees of a request, and how a user describes one.
//
//   client ──► proxy ──► [fires? match + toxicity, seeded per request]
//                          │
//                          ├─ onRequest(ctx)  in order: delay, or answer (SyntheticResponse), or reset()/close()
//                          │                   the first SyntheticResponse wins; upstream is then never contacted
//                          ▼
//                       upstream ──► body ──► pipe(body, ctx) ──► pipe(...) ──► client
//                                             (faults in spec order, each sees the previous one's bytes)
//
// The proxy decides whether a fault fires; a fault only decides what it does once fired.
import type { Clock } from '../core/clock.js'
import type { Random } from '../core/random.js'

/** Wire protocol of a request, from its path, headers or body. */
export type Protocol = 'openai' | 'anthropic' | 'unknown'

export interface RequestInfo {
  readonly method: string
  /** Path and query as forwarded (origin-form). */
  readonly path: string
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>
  /** `model` from a JSON body; undefined when absent, not JSON, or the body was too large to read. */
  readonly model: string | undefined
  /** `stream` from a JSON body. */
  readonly stream: boolean | undefined
  /** 0-based arrival number at this proxy. */
  readonly sequence: number
  /** What the seeded decisions hang on: `x-gauntlet-request-id` when sent, else `#<sequence>`. */
  readonly key: string
}

export interface ResponseInfo {
  readonly status: number
  /** Lower-case names, as the upstream sent them. */
  readonly headers: Readonly<Record<string, string>>
  /** True for an uncompressed `text/event-stream`: the SSE-aware faults act only on these. */
  readonly eventStream: boolean
}

/** An answer made up by a fault; the upstream is not contacted. */
export interface SyntheticResponse {
  status: number
  headers?: Record<string, string>
  body?: string | Uint8Array
}

export interface FaultContext {
  /**
   * Aborts when the exchange is over: the client went away, the response finished, or the proxy
   * is closing. `sleep` rejects with it; a fault needs no other cleanup.
   */
  readonly signal: AbortSignal
  /** Seeded by the proxy seed, the request key and the fault name: same traffic, same draws. */
  readonly random: Random
  readonly request: RequestInfo
  readonly protocol: Protocol
  /** Run time when the request arrived (from `startTimeline`, else from the proxy's start). */
  readonly elapsedMs: number
  /** Timeline phase in force when the request arrived. */
  readonly phase: string | undefined
  readonly clock: Clock
  /** The upstream's status and headers; set before `pipe` is called, undefined in `onRequest`. */
  readonly response: ResponseInfo | undefined
  /**
   * True once the fault was removed or updated (control API, `setFaults`, proxy close). An
   * interrupted fault passes on what it holds and stops altering the stream, as in Toxiproxy.
   */
  readonly interrupted: boolean
  /** Destroys the client connection with a TCP RST (bytes already written are flushed first). */
  reset(): void
  /** Closes the client connection with a FIN and no response (the client sees a hang-up). */
  close(): void
  /**
   * Waits `ms` on the proxy's clock (`Infinity`: until interrupted or the exchange ends).
   * Resolves true when the time passed, false when the fault was interrupted; rejects when
   * `signal` aborts.
   */
  sleep(ms: number): Promise<boolean>
}

/**
 * One fault, one job. All methods are optional; implement the stage you act on.
 * Instances are created once per spec and shared by every request: keep per-request state in
 * the `pipe` generator or in locals, never on the instance.
 */
export interface Fault {
  readonly type: string
  /**
   * Whether the fault is in force for this request (e.g. inside a burst window). Called before
   * the toxicity draw; a fault that is not active is neither applied nor reported.
   */
  active?(context: FaultContext): boolean
  /** Before the request is forwarded. Return a response to answer in place of the upstream. */
  onRequest?(context: FaultContext): Promise<SyntheticResponse | undefined>
  /** Transforms the response body. Must re-emit bytes exactly unless altering them is the fault. */
  pipe?(body: AsyncIterable<Uint8Array>, context: FaultContext): AsyncIterable<Uint8Array>
}

export interface FaultMatch {
  /** Request path without the query; `*` matches any run of characters. */
  path?: string
  /** Model from the JSON body; `*` wildcards. A request without a model never matches. */
  model?: string
  /** Header name (any case) → value; `*` wildcards in values. All must match. */
  header?: Record<string, string>
}

/** A fault as users write it (faults file, timeline phase, control API). */
export interface FaultSpec {
  type: string
  /** Unique among the faults in force; reported in `x-gauntlet-faults`. Default: `type`. */
  name?: string
  /** Probability that the fault fires for a matching request, 0..1. Default 1. */
  toxicity?: number
  match?: FaultMatch
  /** Type-specific parameters, validated by the fault's schema. */
  params?: Record<string, unknown>
}

/** Builds a fault from its validated parameters. */
export type CreateFault<P = Record<string, unknown>> = (params: P, spec: FaultSpec) => Fault
