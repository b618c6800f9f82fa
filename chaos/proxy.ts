// The LLM-aware fault proxy: a loopback HTTP server that forwards every request to one configured
// upstream with undici, streaming both ways, and applies faults decided per request (match,
// toxicity, seeded draw) from a static list and from a running timeline.
//
//   client ─► node:http ─► refuse other hosts (403) ─► decide faults ─► onRequest faults
//                                                                          │ (answer / delay / reset)
//             ◄─ pump (back-pressure) ◄─ pipe faults ◄─ undici body ◄─ upstream
//
// Headers added to the client's response: `x-gauntlet-faults: <names>` (faults that fired) and
// `x-gauntlet-phase: <phase>` (timeline phase at arrival). A fault that kills the connection before
// headers cannot report; `onDecision` sees every decision in-process.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { Agent, type Dispatcher } from 'undici'
import { systemClock, type Clock } from '../core/clock.js'
import { UserError } from '../core/errors.js'
import { createRandom, type Random } from '../core/random.js'
import { isEventStreamType } from './sse-frames.js'
import { createFault, parseFaultSpec, parseFaultSpecs } from './registry.js'
import type { Timeline } from './timeline.js'
import type { Fault, FaultContext, FaultMatch, FaultSpec, Protocol, RequestInfo, ResponseInfo } from './types.js'

export const FAULTS_HEADER = 'x-gauntlet-faults'
export const PHASE_HEADER = 'x-gauntlet-phase'
/** Request header whose value keys the seeded decisions (stable under concurrency and replays). */
export const REQUEST_ID_HEADER = 'x-gauntlet-request-id'
/** Response header on answers the proxy itself made: `refused` (403) or `upstream` (502). */
export const PROXY_ERROR_HEADER = 'x-gauntlet-proxy-error'

export interface ChaosProxyOptions {
  /** Origin (and optional base path) to forward to, e.g. `http://127.0.0.1:8000`. */
  upstream: string
  /** Interface to bind. Default 127.0.0.1: loopback only unless told otherwise. */
  host?: string
  /** Default 0: any free port. */
  port?: number
  faults?: FaultSpec[]
  timeline?: Timeline
  /** Seed for every fault decision and draw. Default 1. */
  seed?: number
  /** undici dispatcher to reach the upstream; default an Agent owned (and closed) by the proxy. */
  dispatcher?: Dispatcher
  clock?: Clock
  /** Request bodies up to this size are read to find `model` (and so `match.model`). Default 4 MiB. */
  maxInspectBytes?: number
  /** Called once per request with the faults that fired, before any of them acts. */
  onDecision?: (decision: FaultDecision) => void
}

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

export interface ProxyStats {
  /** Requests received, refused ones included. */
  requests: number
  /** Refused with 403: they asked for a host other than the upstream. */
  refused: number
  /** Sent to the upstream. */
  forwarded: number
  /** Answered by a fault (status) without contacting the upstream. */
  synthetic: number
  /** Answered 502: the upstream could not be reached or failed before its headers. */
  upstreamErrors: number
  /** Connections a fault reset (RST). */
  resets: number
  /** Connections a fault closed without an answer (blackhole timeout). */
  closes: number
  /** Responses the client left before their end. */
  clientAborts: number
  /** Responses sent to their end. */
  completed: number
  /** Exchanges in progress. */
  active: number
  /** Times each fault acted, by name. */
  faults: Record<string, number>
  /** Requests per timeline phase at arrival. */
  phases: Record<string, number>
  /** Current timeline phase. */
  phase: string | undefined
  elapsedMs: number
}

export interface ChaosProxy {
  /** `http://host:port`, no trailing slash. */
  readonly url: string
  readonly host: string
  readonly port: number
  /** The upstream origin and base path requests go to. */
  readonly upstream: string
  /** Replaces the static faults (validated; in-flight effects of the old ones are interrupted). */
  setFaults(specs: FaultSpec[]): FaultSpec[]
  /** Adds a static fault; its name must be free. Returns the spec with defaults filled in. */
  addFault(spec: FaultSpec): FaultSpec
  /** Changes `toxicity`, `match` or `params` (merged) of a static fault; `type` cannot change. */
  updateFault(name: string, patch: Partial<FaultSpec>): FaultSpec
  removeFault(name: string): boolean
  listFaults(): FaultSpec[]
  /** Replaces the timeline; it plays on the run clock (see `startTimeline`). */
  setTimeline(timeline: Timeline | undefined): void
  readonly timeline: Timeline | undefined
  /**
   * Restarts the run clock, and so the timeline, at `atMs` on the proxy's clock (default now).
   * Until called, run time counts from the proxy's creation. An in-process run passes its own
   * start so that `timeline.phaseAt(elapsed)` in its records agrees with the proxy.
   */
  startTimeline(atMs?: number): void
  /** Run time on the proxy's clock, from `startTimeline` or the proxy's creation. */
  elapsedMs(): number
  /** Timeline phase now. */
  phase(): string | undefined
  stats(): ProxyStats
  /** Stops listening, interrupts every fault and drops open connections. */
  close(): Promise<void>
}

interface CompiledFault {
  readonly spec: FaultSpec
  readonly name: string
  readonly fault: Fault
  readonly matches: (request: RequestInfo) => boolean
  readonly interrupt: AbortController
}

interface Candidate {
  compiled: CompiledFault
  toxicity: number
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]'])
const DEFAULT_INSPECT_BYTES = 4 * 1024 * 1024
/**
 * The reason every exchange's signal aborts with. Shared: a fresh DOMException per request (with
 * its stack) was a measurable share of the proxy's CPU.
 */
const EXCHANGE_OVER = new Error('the exchange is over (response finished, client gone or proxy closing)')

export async function createChaosProxy(options: ChaosProxyOptions): Promise<ChaosProxy> {
  const upstreamUrl = parseUpstream(options.upstream)
  const upstreamOrigin = upstreamUrl.origin
  const basePath = upstreamUrl.pathname.replace(/\/+$/, '')
  const upstreamHost = upstreamUrl.host.toLowerCase()
  const clock = options.clock ?? systemClock
  const seed = options.seed ?? 1
  const rootRandom: Random = createRandom(seed)
  const maxInspectBytes = options.maxInspectBytes ?? DEFAULT_INSPECT_BYTES
  const ownsDispatcher = options.dispatcher === undefined
  const dispatcher: Dispatcher = options.dispatcher ?? new Agent({ headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 4_000 })
  const bindHost = options.host ?? '127.0.0.1'

  let staticFaults: CompiledFault[] = options.faults === undefined ? [] : compileAll(parseFaultSpecs(options.faults, 'createChaosProxy faults'))
  let timeline: Timeline | undefined
  let timelineFaults: CompiledFault[][] = []
  let timelineInterrupt = new AbortController()
  let runStartMs = clock.now()
  let nextSequence = 0
  let closing = false

  const counters = {
    requests: 0,
    refused: 0,
    forwarded: 0,
    synthetic: 0,
    upstreamErrors: 0,
    resets: 0,
    closes: 0,
    clientAborts: 0,
    completed: 0,
    active: 0,
  }
  const firedCounts = new Map<string, number>()
  const phaseCounts = new Map<string, number>()

  const installTimeline = (next: Timeline | undefined): void => {
    timelineInterrupt.abort()
    timelineInterrupt = new AbortController()
    timeline = next
    const interrupt = timelineInterrupt
    timelineFaults = next === undefined ? [] : next.phases.map((phase) => phase.faults.map((spec) => compile(spec, interrupt)))
  }
  installTimeline(options.timeline)

  const server = createServer({ keepAlive: true, noDelay: true })
  let selfPort = 0

  // Clients send the same Host on every request: remember verdicts (bounded) instead of parsing.
  const hostVerdicts = new Map<string, boolean>()
  const isSelfHost = (hostHeader: string): boolean => {
    let verdict = hostVerdicts.get(hostHeader)
    if (verdict === undefined) {
      verdict = judgeHost(hostHeader)
      if (hostVerdicts.size >= 256) hostVerdicts.clear()
      hostVerdicts.set(hostHeader, verdict)
    }
    return verdict
  }
  const judgeHost = (hostHeader: string): boolean => {
    const host = hostHeader.toLowerCase()
    if (host === upstreamHost) return true
    let parsed: URL
    try {
      parsed = new URL(`http://${host}`)
    } catch {
      // An unparsable Host names no host we serve.
      return false
    }
    const port = parsed.port === '' ? 80 : Number(parsed.port)
    if (port !== selfPort) return false
    const name = parsed.hostname
    if (LOOPBACK_NAMES.has(name)) return true
    if (WILDCARD_HOSTS.has(bindHost)) return true
    return name === bindHost.toLowerCase() || name === `[${bindHost.toLowerCase()}]`
  }

  /** The origin-form path to forward, or undefined when the request asks for another host. */
  const resolvePath = (request: IncomingMessage): string | undefined => {
    const target = request.url ?? '/'
    let path = target
    if (!target.startsWith('/')) {
      let absolute: URL
      try {
        absolute = new URL(target)
      } catch {
        // Neither origin-form nor a URL: nothing we could forward.
        return undefined
      }
      if (!isSelfHost(absolute.host)) return undefined
      path = `${absolute.pathname}${absolute.search}`
    }
    const host = request.headers.host
    if (host !== undefined && !isSelfHost(host)) return undefined
    if (basePath !== '' && !(path === basePath || path.startsWith(`${basePath}/`) || path.startsWith(`${basePath}?`))) {
      path = `${basePath}${path}`
    }
    return path
  }

  const candidatesNow = (elapsedMs: number): { phase: string | undefined; candidates: Candidate[] } => {
    const candidates: Candidate[] = staticFaults.map((compiled) => ({ compiled, toxicity: compiled.spec.toxicity ?? 1 }))
    if (timeline === undefined) return { phase: undefined, candidates }
    const active = timeline.activeAt(elapsedMs)
    const compiledPhase = timelineFaults[active.phaseIndex]
    if (active.phase === undefined || compiledPhase === undefined) return { phase: undefined, candidates }
    for (const compiled of compiledPhase) {
      candidates.push({ compiled, toxicity: (compiled.spec.toxicity ?? 1) * active.toxicityFactor })
    }
    return { phase: active.phase.name, candidates }
  }

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const sequence = nextSequence
    nextSequence += 1
    counters.requests += 1
    counters.active += 1
    const socket = request.socket
    const exchange = new AbortController()
    let killedByFault = false
    // Faults' pending sleeps and timers end with the exchange; without faults, a finished exchange
    // has nothing left to cancel.
    let faultsInvolved = false
    response.once('close', () => {
      counters.active -= 1
      const finished = response.writableFinished
      if (finished) counters.completed += 1
      else if (!killedByFault) counters.clientAborts += 1
      if (!finished || faultsInvolved) exchange.abort(EXCHANGE_OVER)
    })

    const path = resolvePath(request)
    if (path === undefined) {
      counters.refused += 1
      request.resume()
      sendJson(response, 403, { [PROXY_ERROR_HEADER]: 'refused' }, {
        error: {
          type: 'proxy_refused',
          message: `this proxy forwards only to ${upstreamOrigin}; the request asked for ${request.headers.host ?? request.url ?? 'another host'}`,
        },
      })
      return
    }

    const elapsedMs = clock.now() - runStartMs
    const { phase, candidates } = candidatesNow(elapsedMs)
    if (phase !== undefined) phaseCounts.set(phase, (phaseCounts.get(phase) ?? 0) + 1)
    const idHeader = request.headers[REQUEST_ID_HEADER]
    const key = typeof idHeader === 'string' ? idHeader : `#${sequence}`

    if (candidates.length === 0) {
      if (options.onDecision !== undefined) {
        const protocol = detectProtocol(path, flattenHeaders(request), undefined)
        options.onDecision({ sequence, key, method: request.method ?? 'GET', path, model: undefined, protocol, phase, elapsedMs, faults: [] })
      }
      await forward({ request, response, path, body: streamingBody(request), fired: [], phase, exchange: exchange.signal, isKilled: () => false })
      return
    }

    faultsInvolved = true
    const headers = flattenHeaders(request)
    const bodyBytes = await readBodyForInspection(request, maxInspectBytes)
    if (exchange.signal.aborted) return
    const parsedBody = bodyBytes === undefined ? undefined : inspectBody(bodyBytes, headers['content-type'])
    const protocol = detectProtocol(path, headers, parsedBody?.anthropicVersion)
    const info: RequestInfo = {
      method: request.method ?? 'GET',
      path,
      headers,
      model: parsedBody?.model,
      stream: parsedBody?.stream,
      sequence,
      key,
    }
    const requestRandom = rootRandom.fork(key)
    let responseInfo: ResponseInfo | undefined

    const reset = (): void => {
      if (response.writableFinished || socket.destroyed) return
      killedByFault = true
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
    const closeConnection = (): void => {
      if (response.writableFinished || socket.destroyed) return
      killedByFault = true
      counters.closes += 1
      socket.destroy()
    }

    const fired: { compiled: CompiledFault; context: FaultContext }[] = []
    for (const candidate of candidates) {
      const { compiled } = candidate
      if (!compiled.matches(info)) continue
      const context = makeContext({
        signal: exchange.signal,
        random: requestRandom.fork(`fault:${compiled.name}`),
        request: info,
        protocol,
        elapsedMs,
        phase,
        clock,
        interrupt: compiled.interrupt.signal,
        response: () => responseInfo,
        reset,
        close: closeConnection,
      })
      if (compiled.fault.active !== undefined && !compiled.fault.active(context)) continue
      // Drawn from its own stream whatever the toxicity, so changing one fault's toxicity never
      // shifts another fault's draws.
      const draw = requestRandom.fork(`decide:${compiled.name}`).next()
      if (!(draw < candidate.toxicity)) continue
      fired.push({ compiled, context })
    }
    const firedNames = fired.map((entry) => entry.compiled.name)
    options.onDecision?.({ sequence, key, method: info.method, path, model: info.model, protocol, phase, elapsedMs, faults: firedNames })
    const countApplied = (name: string): void => {
      firedCounts.set(name, (firedCounts.get(name) ?? 0) + 1)
    }

    // Faults act in order and the first answer wins: a fault after it never acts, so it is neither
    // counted nor reported.
    const ran: string[] = []
    try {
      for (const { compiled, context } of fired) {
        if (compiled.fault.onRequest === undefined) continue
        ran.push(compiled.name)
        countApplied(compiled.name)
        const synthetic = await compiled.fault.onRequest(context)
        if (exchange.signal.aborted || socket.destroyed) return
        if (synthetic !== undefined) {
          counters.synthetic += 1
          const outgoing: Record<string, string> = { ...synthetic.headers }
          const syntheticBody = synthetic.body ?? ''
          outgoing['content-length'] = String(typeof syntheticBody === 'string' ? Buffer.byteLength(syntheticBody) : syntheticBody.length)
          outgoing[FAULTS_HEADER] = ran.join(',')
          if (phase !== undefined) outgoing[PHASE_HEADER] = phase
          response.writeHead(synthetic.status, outgoing)
          response.end(syntheticBody)
          return
        }
      }
    } catch (error) {
      if (exchange.signal.aborted || socket.destroyed) return
      throw error
    }

    for (const { compiled } of fired) if (compiled.fault.onRequest === undefined) countApplied(compiled.name)
    const pipes = fired.filter((entry) => entry.compiled.fault.pipe !== undefined)
    const body = bodyBytes === undefined ? streamingBody(request) : bodyBytes.length > 0 || hasBody(request) ? bodyBytes : undefined
    await forward({
      request,
      response,
      path,
      body,
      fired: firedNames,
      phase,
      exchange: exchange.signal,
      isKilled: () => killedByFault,
      onResponse: (info) => {
        responseInfo = info
      },
      transform:
        pipes.length === 0
          ? undefined
          : (source) => pipes.reduce<AsyncIterable<Uint8Array>>((stream, entry) => (entry.compiled.fault.pipe as NonNullable<Fault['pipe']>)(stream, entry.context), source),
    })
  }

  interface ForwardInput {
    request: IncomingMessage
    response: ServerResponse
    path: string
    body: Buffer | IncomingMessage | undefined
    fired: string[]
    phase: string | undefined
    exchange: AbortSignal
    /** True once a fault reset or closed the connection: the body must not end cleanly. */
    isKilled: () => boolean
    onResponse?: (info: ResponseInfo) => void
    transform?: (source: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>
  }

  /** Response headers for the client (hop-by-hop dropped, fault and phase added); tells the faults. */
  const responseHead = (input: ForwardInput, statusCode: number, headers: Record<string, string | string[] | undefined>): string[] => {
    const transforming = input.transform !== undefined
    const outgoing: string[] = []
    const flat: Record<string, string> = {}
    const connectionTokens = tokensOf(headers['connection'])
    for (const name in headers) {
      const value = headers[name]
      if (value === undefined) continue
      const lower = name.toLowerCase()
      if (HOP_BY_HOP.has(lower) || connectionTokens.has(lower)) continue
      if (transforming && lower === 'content-length') continue
      if (Array.isArray(value)) for (const item of value) outgoing.push(name, item)
      else outgoing.push(name, value)
      flat[lower] = Array.isArray(value) ? value.join(', ') : value
    }
    if (input.fired.length > 0) outgoing.push(FAULTS_HEADER, input.fired.join(','))
    if (input.phase !== undefined) outgoing.push(PHASE_HEADER, input.phase)
    // A compressed stream is opaque to the SSE-aware faults: they pass it through.
    const encoding = flat['content-encoding']
    const eventStream = isEventStreamType(flat['content-type']) && (encoding === undefined || encoding === 'identity')
    input.onResponse?.({ status: statusCode, headers: flat, eventStream })
    return outgoing
  }

  const upstreamFailed = (input: ForwardInput, error: unknown): void => {
    const { response } = input
    if (input.exchange.aborted || response.destroyed) return
    if (response.headersSent) {
      // Broke mid-body: the client must see a broken stream, not a clean end.
      response.destroy()
      return
    }
    counters.upstreamErrors += 1
    sendJson(response, 502, { [PROXY_ERROR_HEADER]: 'upstream' }, {
      error: { type: 'proxy_upstream_error', message: `upstream ${upstreamOrigin} failed: ${describeError(error)}` },
    })
  }

  const forward = async (input: ForwardInput): Promise<void> => {
    const { request, response, transform } = input
    counters.forwarded += 1
    const dispatchOptions = {
      origin: upstreamOrigin,
      path: input.path,
      method: (request.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: requestHeaders(request, transform !== undefined),
      body: input.body ?? null,
      signal: input.exchange,
      headersTimeout: 0,
      bodyTimeout: 0,
    }
    if (transform === undefined) {
      // No stream fault: let undici write the body straight into the response (back-pressure
      // and aborts handled by undici), the cheapest path.
      try {
        await dispatcher.stream(dispatchOptions, ({ statusCode, headers }) => {
          response.writeHead(statusCode, responseHead(input, statusCode, headers))
          return response
        })
      } catch (error) {
        upstreamFailed(input, error)
      }
      return
    }
    let upstream: Dispatcher.ResponseData
    try {
      upstream = await dispatcher.request(dispatchOptions)
    } catch (error) {
      upstreamFailed(input, error)
      return
    }
    const outgoing = responseHead(input, upstream.statusCode, upstream.headers)
    if (response.destroyed) {
      upstream.body.destroy()
      return
    }
    response.writeHead(upstream.statusCode, outgoing)
    await pump(transform(upstream.body), response, input.isKilled)
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      // A bug in a fault or in the proxy: the exchange dies, the proxy lives on.
      if (!response.headersSent && !response.destroyed) {
        sendJson(response, 500, { [PROXY_ERROR_HEADER]: 'internal' }, { error: { type: 'proxy_internal_error', message: describeError(error) } })
      } else {
        response.destroy()
      }
    })
  })
  server.on('connect', (_request: IncomingMessage, socket: Socket) => {
    // A forward-proxy tunnel to an arbitrary host: never.
    counters.requests += 1
    counters.refused += 1
    socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  selfPort = address.port
  const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address

  const findStatic = (name: string): number => staticFaults.findIndex((compiled) => compiled.name === name)

  const proxy: ChaosProxy = {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    upstream: `${upstreamOrigin}${basePath}`,
    setFaults(specs) {
      const next = compileAll(parseFaultSpecs(specs, 'setFaults'))
      const previous = staticFaults
      staticFaults = next
      for (const compiled of previous) compiled.interrupt.abort()
      return next.map((compiled) => compiled.spec)
    },
    addFault(spec) {
      const validated = parseFaultSpec(spec, 'addFault')
      const name = validated.name ?? validated.type
      if (findStatic(name) !== -1) {
        throw new UserError('CHAOS_INVALID', `addFault: a fault named ${JSON.stringify(name)} already exists; fix: remove it first, update it, or give the new one another "name"`)
      }
      const compiled = compile(validated, new AbortController())
      staticFaults = [...staticFaults, compiled]
      return compiled.spec
    },
    updateFault(name, patch) {
      const index = findStatic(name)
      const current = staticFaults[index]
      if (current === undefined) throw new UserError('CHAOS_INVALID', `updateFault: no fault named ${JSON.stringify(name)}; fix: use one of ${staticFaults.map((c) => c.name).join(', ') || '(none)'}`)
      if (patch.type !== undefined && patch.type !== current.spec.type) {
        throw new UserError('CHAOS_INVALID', `updateFault ${name}: type cannot change (${current.spec.type} → ${patch.type}); fix: remove it and add a new fault`)
      }
      if (patch.name !== undefined && patch.name !== name) {
        throw new UserError('CHAOS_INVALID', `updateFault ${name}: name cannot change; fix: remove it and add it under the new name`)
      }
      const merged: FaultSpec = {
        ...current.spec,
        ...(patch.toxicity === undefined ? {} : { toxicity: patch.toxicity }),
        ...(patch.match === undefined ? {} : { match: patch.match }),
        params: { ...current.spec.params, ...patch.params },
      }
      const compiled = compile(parseFaultSpec(merged, `updateFault ${name}`), new AbortController())
      const next = [...staticFaults]
      next[index] = compiled
      staticFaults = next
      current.interrupt.abort()
      return compiled.spec
    },
    removeFault(name) {
      const index = findStatic(name)
      const current = staticFaults[index]
      if (current === undefined) return false
      staticFaults = staticFaults.filter((_, i) => i !== index)
      current.interrupt.abort()
      return true
    },
    listFaults: () => staticFaults.map((compiled) => structuredClone(compiled.spec)),
    setTimeline(next) {
      installTimeline(next)
    },
    get timeline() {
      return timeline
    },
    startTimeline(atMs) {
      runStartMs = atMs ?? clock.now()
    },
    elapsedMs: () => clock.now() - runStartMs,
    phase: () => timeline?.phaseAt(clock.now() - runStartMs),
    stats: () => ({
      ...counters,
      faults: Object.fromEntries(firedCounts),
      phases: Object.fromEntries(phaseCounts),
      phase: proxy.phase(),
      elapsedMs: clock.now() - runStartMs,
    }),
    async close() {
      if (closing) return
      closing = true
      for (const compiled of staticFaults) compiled.interrupt.abort()
      timelineInterrupt.abort()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      if (ownsDispatcher) await dispatcher.destroy()
    },
  }
  return proxy
}

// ---- helpers ----------------------------------------------------------------------------------

function compile(spec: FaultSpec, interrupt: AbortController): CompiledFault {
  return { spec, name: spec.name ?? spec.type, fault: createFault(spec), matches: compileMatch(spec.match), interrupt }
}

function compileAll(specs: FaultSpec[]): CompiledFault[] {
  return specs.map((spec) => compile(spec, new AbortController()))
}

function parseUpstream(upstream: string): URL {
  let url: URL
  try {
    url = new URL(upstream)
  } catch {
    throw new UserError('CHAOS_INVALID', `--upstream: expected an http(s) URL like http://127.0.0.1:8000, received ${JSON.stringify(upstream)}; fix: give the endpoint's origin`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError('CHAOS_INVALID', `--upstream: expected http: or https:, received ${JSON.stringify(url.protocol)}; fix: give the endpoint's http(s) origin`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new UserError('CHAOS_INVALID', `--upstream: credentials in the URL are not allowed; fix: pass keys in request headers, not in the upstream URL`)
  }
  return url
}

interface MakeContextInput {
  signal: AbortSignal
  random: Random
  request: RequestInfo
  protocol: Protocol
  elapsedMs: number
  phase: string | undefined
  clock: Clock
  interrupt: AbortSignal
  response: () => ResponseInfo | undefined
  reset: () => void
  close: () => void
}

function makeContext(input: MakeContextInput): FaultContext {
  const { signal, interrupt, clock } = input
  return {
    signal,
    random: input.random,
    request: input.request,
    protocol: input.protocol,
    elapsedMs: input.elapsedMs,
    phase: input.phase,
    clock,
    get response() {
      return input.response()
    },
    get interrupted() {
      return interrupt.aborted
    },
    reset: input.reset,
    close: input.close,
    sleep: (ms) => sleepUnlessInterrupted(clock, ms, signal, interrupt),
  }
}

/** Sleeps on `clock`: true when the time passed, false on interrupt, rejects when `signal` aborts. */
export async function sleepUnlessInterrupted(clock: Clock, ms: number, signal: AbortSignal, interrupt: AbortSignal): Promise<boolean> {
  if (signal.aborted) throw abortReason(signal)
  if (interrupt.aborted) return false
  if (!(ms > 0)) return true
  const local = new AbortController()
  const onAbort = (): void => local.abort()
  signal.addEventListener('abort', onAbort, { once: true })
  interrupt.addEventListener('abort', onAbort, { once: true })
  try {
    if (ms === Number.POSITIVE_INFINITY) {
      await new Promise<never>((_, reject) => {
        local.signal.addEventListener('abort', () => reject(abortReason(local.signal)), { once: true })
      })
    } else {
      await clock.sleep(ms, local.signal)
    }
    return true
  } catch (error) {
    if (signal.aborted) throw abortReason(signal)
    if (interrupt.aborted) return false
    throw error
  } finally {
    signal.removeEventListener('abort', onAbort)
    interrupt.removeEventListener('abort', onAbort)
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted')
}

/** Writes `source` to the client honouring back-pressure; a failing source kills the connection. */
async function pump(source: AsyncIterable<Uint8Array>, response: ServerResponse, isKilled: () => boolean): Promise<void> {
  try {
    for await (const chunk of source) {
      if (response.destroyed || isKilled()) return
      if (!response.write(chunk)) await drained(response)
    }
    // After a reset the RST may wait for the send queue to drain: ending here would let a clean
    // chunked terminator slip out first.
    if (!response.destroyed && !isKilled()) response.end()
  } catch {
    // Upstream broke mid-body, or the client left while a fault waited: the client must see a
    // broken stream, not a clean end.
    if (!response.destroyed) response.destroy()
  }
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done)
      response.off('close', done)
      resolve()
    }
    response.on('drain', done)
    response.on('close', done)
  })
}

function sendJson(response: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  if (response.headersSent || response.destroyed) return
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers })
  response.end(text)
}

function tokensOf(value: string | string[] | undefined): Set<string> {
  if (value === undefined) return new Set()
  const text = Array.isArray(value) ? value.join(',') : value
  return new Set(text.split(',').map((token) => token.trim().toLowerCase()).filter((token) => token.length > 0))
}

function requestHeaders(request: IncomingMessage, transforming: boolean): string[] {
  const connectionTokens = tokensOf(request.headers.connection)
  const raw = request.rawHeaders
  const out: string[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string
    const lower = name.toLowerCase()
    // undici sets Host from the upstream origin and handles 100-continue itself.
    if (lower === 'host' || lower === 'expect' || HOP_BY_HOP.has(lower) || connectionTokens.has(lower)) continue
    // Stream-altering faults must see plain bytes, not a compressed body.
    if (transforming && lower === 'accept-encoding') continue
    out.push(name, raw[i + 1] as string)
  }
  if (transforming) out.push('accept-encoding', 'identity')
  return out
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue
    out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length']
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
}

function streamingBody(request: IncomingMessage): IncomingMessage | undefined {
  return hasBody(request) ? request : undefined
}

/** The whole body when it is small enough to inspect; undefined (body left unread) otherwise. */
async function readBodyForInspection(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  if (!hasBody(request)) return Buffer.alloc(0)
  const declared = Number(request.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) return undefined
  const chunks: Buffer[] = []
  try {
    for await (const chunk of request) chunks.push(chunk as Buffer)
  } catch {
    // The client went away mid-body; the exchange's abort handles the rest.
    return Buffer.alloc(0)
  }
  return Buffer.concat(chunks)
}

interface InspectedBody {
  model: string | undefined
  stream: boolean | undefined
  anthropicVersion: boolean
}

function inspectBody(bytes: Buffer, contentType: string | undefined): InspectedBody | undefined {
  if (bytes.length === 0) return undefined
  const looksJson = (contentType ?? '').includes('json') || bytes[0] === 0x7b
  if (!looksJson) return undefined
  const text = bytes.toString('utf8')
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    const record = value as Record<string, unknown>
    return {
      model: typeof record['model'] === 'string' ? record['model'] : undefined,
      stream: typeof record['stream'] === 'boolean' ? record['stream'] : undefined,
      anthropicVersion: typeof record['anthropic_version'] === 'string',
    }
  } catch {
    // Malformed JSON is a legitimate test input: still try to find the model for matching.
    const model = /"model"\s*:\s*"((?:[^"\\]|\\.){1,200})"/.exec(text.slice(0, 65_536))?.[1]
    return { model, stream: undefined, anthropicVersion: false }
  }
}

/** Protocol from the path (`/messages` vs `/chat/completions`...), then headers, then body. */
export function detectProtocol(path: string, headers: Readonly<Record<string, string>>, anthropicBody: boolean | undefined): Protocol {
  const pathname = path.split('?')[0] ?? path
  if (/\/messages(\/count_tokens)?$/.test(pathname)) return 'anthropic'
  if (/\/(chat\/)?completions$|\/responses$|\/embeddings$/.test(pathname)) return 'openai'
  if (headers['anthropic-version'] !== undefined || anthropicBody === true) return 'anthropic'
  return 'unknown'
}

function globToRegExp(glob: string, flags = ''): RegExp {
  const pattern = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${pattern}$`, flags)
}

/** Compiles a spec's `match` into a predicate; no match means every request. */
export function compileMatch(match: FaultMatch | undefined): (request: RequestInfo) => boolean {
  if (match === undefined) return () => true
  const path = match.path === undefined ? undefined : globToRegExp(match.path)
  const model = match.model === undefined ? undefined : globToRegExp(match.model)
  const header = Object.entries(match.header ?? {}).map(([name, value]) => [name.toLowerCase(), globToRegExp(value)] as const)
  return (request) => {
    if (path !== undefined && !path.test(request.path.split('?')[0] ?? request.path)) return false
    if (model !== undefined && (request.model === undefined || !model.test(request.model))) return false
    for (const [name, value] of header) {
      const actual = request.headers[name]
      if (actual === undefined || !value.test(actual)) return false
    }
    return true
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === undefined ? error.message : `${code}: ${error.message}`
  }
  return String(error)
}
