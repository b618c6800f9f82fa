// The LLM-aware fault proxy's listener: a loopback HTTP server that refuses to relay for any host
// but its one upstream and hands every other request to its link (`link.ts`), which applies the
// fault set in force (`fault-set.ts`) and forwards with undici (`upstream.ts`).
//
//   client ─► node:http ─► refuse other hosts / CONNECT (403) ─► link ─► fault set ─► upstream
//                                                                   ◄── pipe faults ◄──┘
//
// Owns the lifecycle (listen, counters, close) and the verbs the control API (`control.ts`) drives.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Dispatcher } from 'undici'
import { Agent } from '../core/undici.js'
import { systemClock, type Clock } from '../core/clock.js'
import { UserError } from '../core/errors.js'
import { createFaultSet, type FaultSetControls } from './fault-set.js'
import { PROXY_ERROR_HEADER } from './headers.js'
import { createLinks, type FaultDecision } from './link.js'
import type { Timeline } from './timeline.js'
import type { FaultSpec } from './types.js'
import { createForwarder, describeError, sendJson } from './upstream.js'

export { FAULTS_HEADER, PHASE_HEADER, PROXY_ERROR_HEADER, REQUEST_ID_HEADER } from './headers.js'
export { compileMatch } from './fault-set.js'
export { sleepUnlessInterrupted } from './fault-context.js'
export { detectProtocol } from './request-info.js'
export type { FaultDecision } from './link.js'

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

/** A listening proxy. Its fault verbs (`setFaults` ... `phase`) are documented on `FaultSetControls`. */
export interface ChaosProxy extends FaultSetControls {
  /** `http://host:port`, no trailing slash. */
  readonly url: string
  readonly host: string
  readonly port: number
  /** The upstream origin and base path requests go to. */
  readonly upstream: string
  stats(): ProxyStats
  /** Stops listening, interrupts every fault and drops open connections. */
  close(): Promise<void>
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]'])
const DEFAULT_INSPECT_BYTES = 4 * 1024 * 1024

export async function createChaosProxy(options: ChaosProxyOptions): Promise<ChaosProxy> {
  const upstreamUrl = parseUpstream(options.upstream)
  const upstreamOrigin = upstreamUrl.origin
  const basePath = upstreamUrl.pathname.replace(/\/+$/, '')
  const clock = options.clock ?? systemClock
  const ownsDispatcher = options.dispatcher === undefined
  const dispatcher: Dispatcher = options.dispatcher ?? new Agent({ headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 4_000 })
  const bindHost = options.host ?? '127.0.0.1'
  const faults = createFaultSet({ faults: options.faults, timeline: options.timeline, seed: options.seed ?? 1, clock })
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
  const links = createLinks({
    faults,
    forward: createForwarder({ origin: upstreamOrigin, dispatcher, counters }),
    clock,
    maxInspectBytes: options.maxInspectBytes ?? DEFAULT_INSPECT_BYTES,
    counters,
    firedCounts,
    phaseCounts,
    onDecision: options.onDecision,
  })

  const server = createServer({ keepAlive: true, noDelay: true })
  let selfPort = 0
  const resolvePath = createPathResolver({ upstreamHost: upstreamUrl.host.toLowerCase(), basePath, bindHost, selfPort: () => selfPort })

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const sequence = nextSequence
    nextSequence += 1
    counters.requests += 1
    const exchange = links.open(response, sequence)
    const path = resolvePath(request)
    if (path === undefined) {
      counters.refused += 1
      refuse(request, response, upstreamOrigin)
      return
    }
    await links.run(exchange, request, response, path)
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

  const address = await listen(server, options.port ?? 0, bindHost)
  selfPort = address.port
  const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address

  const proxy: ChaosProxy = {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    upstream: `${upstreamOrigin}${basePath}`,
    setFaults: (specs) => faults.setFaults(specs),
    addFault: (spec) => faults.addFault(spec),
    updateFault: (name, patch) => faults.updateFault(name, patch),
    removeFault: (name) => faults.removeFault(name),
    listFaults: () => faults.listFaults(),
    setTimeline: (next) => faults.setTimeline(next),
    get timeline() {
      return faults.timeline
    },
    startTimeline: (atMs) => faults.startTimeline(atMs),
    elapsedMs: () => faults.elapsedMs(),
    phase: () => faults.phase(),
    stats: () => ({
      ...counters,
      faults: Object.fromEntries(firedCounts),
      phases: Object.fromEntries(phaseCounts),
      phase: faults.phase(),
      elapsedMs: faults.elapsedMs(),
    }),
    async close() {
      if (closing) return
      closing = true
      faults.interruptAll()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      if (ownsDispatcher) await dispatcher.destroy()
    },
  }
  return proxy
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

/** The answer to a request for another host: 403, never forwarded. */
function refuse(request: IncomingMessage, response: ServerResponse, upstreamOrigin: string): void {
  request.resume()
  sendJson(response, 403, { [PROXY_ERROR_HEADER]: 'refused' }, {
    error: {
      type: 'proxy_refused',
      message: `this proxy forwards only to ${upstreamOrigin}; the request asked for ${request.headers.host ?? request.url ?? 'another host'}`,
    },
  })
}

interface PathResolverOptions {
  /** The upstream's `host[:port]`, lower-case. */
  upstreamHost: string
  basePath: string
  bindHost: string
  /** The port the proxy listens on, known once it does. */
  selfPort: () => number
}

/**
 * The open-relay guard: the origin-form path to forward, or undefined when the request (its
 * absolute-form URL or its Host) asks for a host other than the upstream or the proxy itself.
 */
function createPathResolver(options: PathResolverOptions): (request: IncomingMessage) => string | undefined {
  const { upstreamHost, basePath, bindHost } = options
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
    if (port !== options.selfPort()) return false
    const name = parsed.hostname
    if (LOOPBACK_NAMES.has(name)) return true
    if (WILDCARD_HOSTS.has(bindHost)) return true
    return name === bindHost.toLowerCase() || name === `[${bindHost.toLowerCase()}]`
  }
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

  return (request) => {
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
