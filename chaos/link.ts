// One exchange's link: its accounting from arrival to close, the seeded decision of the faults in
// force, the request faults in order, then the upstream hop with the body piped through the stream
// faults. Tags the answer with `x-gauntlet-faults: <names>` (faults that acted) and
// `x-gauntlet-phase: <phase>` (timeline phase at arrival).
//
//   arrival ─► faults in force ─► decide ─► onRequest faults ─┬─► synthetic answer (status)
//                                  │        (delay / reset)    └─► upstream ─► pipe ─► pipe ─► client
//                                  └─► onDecision
//
// A fault that kills the connection before headers cannot report; `onDecision` sees every decision.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Clock } from '../core/clock.js'
import { makeContext } from './fault-context.js'
import type { Candidate, FaultSet, FiredFault } from './fault-set.js'
import { FAULTS_HEADER, PHASE_HEADER, REQUEST_ID_HEADER, flattenHeaders } from './headers.js'
import { bodyToForward, detectProtocol, inspectRequest } from './request-info.js'
import type { Fault, Protocol, ResponseInfo, SyntheticResponse } from './types.js'
import type { ForwardInput, Transform } from './upstream.js'

export interface FaultDecision {
  sequence: number
  key: string
  method: string
  path: string
  model: string | undefined
  protocol: Protocol
  phase: string | undefined
  elapsedMs: number
  /**
   * Names of the faults that fired (match, active, toxicity draw), in order. One listed after a
   * fault that answered or killed the connection never gets to act: `x-gauntlet-faults` and
   * `stats().faults` count only the faults that acted.
   */
  faults: string[]
}

/** The proxy's counters the links move. */
export interface LinkCounters {
  synthetic: number
  resets: number
  closes: number
  clientAborts: number
  completed: number
  active: number
}

export interface LinkOptions {
  faults: FaultSet
  /** The upstream hop (`createForwarder`). */
  forward: (input: ForwardInput) => Promise<void>
  clock: Clock
  /** Request bodies up to this size are read to find `model`. */
  maxInspectBytes: number
  counters: LinkCounters
  /** Times each fault acted, by name. */
  firedCounts: Map<string, number>
  /** Requests per timeline phase at arrival. */
  phaseCounts: Map<string, number>
  onDecision: ((decision: FaultDecision) => void) | undefined
}

/** One exchange, from its arrival at the listener to its response's close. */
export interface Exchange {
  readonly sequence: number
  readonly controller: AbortController
  /** Set when a fault reset or closed the connection: that close is not the client's abort. */
  killedByFault: boolean
  /**
   * Faults' pending sleeps and timers end with the exchange; without faults, a finished exchange
   * has nothing left to cancel.
   */
  faultsInvolved: boolean
}

export interface Links {
  /** Opens an exchange on arrival (refused ones too): active until its response closes. */
  open(response: ServerResponse, sequence: number): Exchange
  /** Sends the request through the faults in force, upstream unless one answers, and back. */
  run(exchange: Exchange, request: IncomingMessage, response: ServerResponse, path: string): Promise<void>
}

/** What a link knows of its exchange once the faults in force are known. */
interface Arrival {
  exchange: Exchange
  request: IncomingMessage
  response: ServerResponse
  path: string
  key: string
  phase: string | undefined
  elapsedMs: number
}

/**
 * The reason every exchange's signal aborts with. Shared: a fresh DOMException per request (with
 * its stack) was a measurable share of the proxy's CPU.
 */
const EXCHANGE_OVER = new Error('the exchange is over (response finished, client gone or proxy closing)')
const NEVER_KILLED = (): boolean => false

export function createLinks(options: LinkOptions): Links {
  const { faults, forward, clock, counters, firedCounts, phaseCounts } = options

  const open = (response: ServerResponse, sequence: number): Exchange => {
    counters.active += 1
    const exchange: Exchange = { sequence, controller: new AbortController(), killedByFault: false, faultsInvolved: false }
    response.once('close', () => {
      counters.active -= 1
      const finished = response.writableFinished
      if (finished) counters.completed += 1
      else if (!exchange.killedByFault) counters.clientAborts += 1
      if (!finished || exchange.faultsInvolved) exchange.controller.abort(EXCHANGE_OVER)
    })
    return exchange
  }

  const report = (arrival: Arrival, model: string | undefined, protocol: Protocol, fired: string[]): void => {
    const { exchange, request, path, key, phase, elapsedMs } = arrival
    options.onDecision?.({ sequence: exchange.sequence, key, method: request.method ?? 'GET', path, model, protocol, phase, elapsedMs, faults: fired })
  }

  const countApplied = (name: string): void => {
    firedCounts.set(name, (firedCounts.get(name) ?? 0) + 1)
  }

  const runPlain = async (arrival: Arrival): Promise<void> => {
    const { exchange, request, response, path, phase } = arrival
    if (options.onDecision !== undefined) report(arrival, undefined, detectProtocol(path, flattenHeaders(request), undefined), [])
    const body = bodyToForward(request, undefined)
    await forward({ request, response, path, body, fired: [], phase, exchange: exchange.controller.signal, isKilled: NEVER_KILLED })
  }

  /**
   * Runs the fired faults' `onRequest` in order. True when the exchange is over: a fault answered
   * (the first answer wins, and a fault after it never acts, so it is neither counted nor
   * reported), killed the connection, or the client left.
   */
  const applyRequestFaults = async (arrival: Arrival, fired: FiredFault[]): Promise<boolean> => {
    const { signal } = arrival.exchange.controller
    const socket = arrival.request.socket
    const ran: string[] = []
    try {
      for (const { compiled, context } of fired) {
        if (compiled.fault.onRequest === undefined) continue
        ran.push(compiled.name)
        countApplied(compiled.name)
        const synthetic = await compiled.fault.onRequest(context)
        if (signal.aborted || socket.destroyed) return true
        if (synthetic !== undefined) {
          counters.synthetic += 1
          writeSynthetic(arrival.response, synthetic, ran, arrival.phase)
          return true
        }
      }
    } catch (error) {
      if (signal.aborted || socket.destroyed) return true
      throw error
    }
    return false
  }

  const runThroughFaults = async (arrival: Arrival, candidates: Candidate[]): Promise<void> => {
    const { exchange, request, response, path, phase, elapsedMs } = arrival
    const { signal } = exchange.controller
    const { info, protocol, bodyBytes } = await inspectRequest(request, path, { sequence: exchange.sequence, key: arrival.key }, options.maxInspectBytes)
    if (signal.aborted) return
    let responseInfo: ResponseInfo | undefined
    const { reset, close } = connectionKillers(exchange, request.socket, response, counters)
    const fired = faults.decide(candidates, info, (compiled, random) =>
      makeContext({ signal, random, request: info, protocol, elapsedMs, phase, clock, interrupt: compiled.interrupt.signal, response: () => responseInfo, reset, close }),
    )
    const firedNames = fired.map((entry) => entry.compiled.name)
    report(arrival, info.model, protocol, firedNames)
    if (await applyRequestFaults(arrival, fired)) return

    for (const { compiled } of fired) if (compiled.fault.onRequest === undefined) countApplied(compiled.name)
    await forward({
      request,
      response,
      path,
      body: bodyToForward(request, bodyBytes),
      fired: firedNames,
      phase,
      exchange: signal,
      isKilled: () => exchange.killedByFault,
      onResponse: (upstreamInfo) => {
        responseInfo = upstreamInfo
      },
      transform: pipeChain(fired),
    })
  }

  return {
    open,
    async run(exchange, request, response, path) {
      const { elapsedMs, phase, candidates } = faults.inForce()
      if (phase !== undefined) phaseCounts.set(phase, (phaseCounts.get(phase) ?? 0) + 1)
      const idHeader = request.headers[REQUEST_ID_HEADER]
      const key = typeof idHeader === 'string' ? idHeader : `#${exchange.sequence}`
      const arrival: Arrival = { exchange, request, response, path, key, phase, elapsedMs }
      if (candidates.length === 0) return runPlain(arrival)
      exchange.faultsInvolved = true
      return runThroughFaults(arrival, candidates)
    },
  }
}

/** A fault's `reset()` and `close()` for this exchange's connection. */
function connectionKillers(exchange: Exchange, socket: Socket, response: ServerResponse, counters: LinkCounters): { reset: () => void; close: () => void } {
  const reset = (): void => {
    if (response.writableFinished || socket.destroyed) return
    exchange.killedByFault = true
    counters.resets += 1
    const kill = (): void => {
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
      else socket.destroy()
    }
    // Bytes the fault let through must reach the kernel before the RST discards the send queue:
    // an empty write's callback runs once every earlier write has been flushed (the response
    // may still hold the socket corked until the next tick). A client that stops reading gets
    // the RST after a second regardless.
    if (socket.writableLength === 0) kill()
    else {
      const fallback = setTimeout(kill, 1_000)
      fallback.unref()
      socket.write(new Uint8Array(0), () => {
        clearTimeout(fallback)
        kill()
      })
    }
  }
  const close = (): void => {
    if (response.writableFinished || socket.destroyed) return
    exchange.killedByFault = true
    counters.closes += 1
    socket.destroy()
  }
  return { reset, close }
}

function writeSynthetic(response: ServerResponse, synthetic: SyntheticResponse, ran: string[], phase: string | undefined): void {
  const outgoing: Record<string, string> = { ...synthetic.headers }
  const body = synthetic.body ?? ''
  outgoing['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length)
  outgoing[FAULTS_HEADER] = ran.join(',')
  if (phase !== undefined) outgoing[PHASE_HEADER] = phase
  response.writeHead(synthetic.status, outgoing)
  response.end(body)
}

/** The stream faults chained in order, each reading what the previous one wrote; none: undefined. */
function pipeChain(fired: FiredFault[]): Transform | undefined {
  const pipes = fired.filter((entry) => entry.compiled.fault.pipe !== undefined)
  if (pipes.length === 0) return undefined
  return (source) => pipes.reduce<AsyncIterable<Uint8Array>>((stream, entry) => (entry.compiled.fault.pipe as NonNullable<Fault['pipe']>)(stream, entry.context), source)
}
