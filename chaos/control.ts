// The proxy's control API, in the spirit of Toxiproxy's: list, add, update and remove faults while
// traffic flows. Served on its own loopback port (never on the proxied port, so no upstream path
// is shadowed), JSON in and out.
//
//   GET    /             what this is, the fault types, the routes
//   GET    /faults       static faults, plus the timeline phase and its faults now
//   POST   /faults       add one   (201; 409 when the name is taken)
//   GET    /faults/NAME  one fault
//   POST   /faults/NAME  update toxicity / match / params (params merged)
//   DELETE /faults/NAME  remove    (204; 404 when unknown)
//   POST   /reset        remove every static fault
//   GET    /stats        counters (requests, refused, resets, faults fired, per phase...)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isUserError } from '../core/errors.js'
import type { ChaosProxy } from './proxy.js'
import { faultTypes } from './registry.js'
import type { FaultSpec } from './types.js'

export interface ControlServerOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0: any free port. */
  port?: number
}

export interface ControlServer {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

const MAX_BODY_BYTES = 1024 * 1024
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]'])

class HttpProblem extends Error {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

export async function createControlServer(proxy: ChaosProxy, options: ControlServerOptions = {}): Promise<ControlServer> {
  const host = options.host ?? '127.0.0.1'
  const server = createServer((request, response) => {
    void handleControlRequest(proxy, request, response, host)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const urlHost = address.address.includes(':') ? `[${address.address}]` : address.address
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Serves one control request. `bindHost` is the only non-loopback name accepted in `Host`. */
export async function handleControlRequest(proxy: ChaosProxy, request: IncomingMessage, response: ServerResponse, bindHost = '127.0.0.1'): Promise<void> {
  try {
    guardOrigin(request, bindHost)
    const url = new URL(request.url ?? '/', 'http://control.invalid')
    const method = request.method ?? 'GET'
    const path = url.pathname.replace(/\/+$/, '') || '/'
    if (path === '/' && method === 'GET') {
      return send(response, 200, {
        name: 'llm-gauntlet chaos proxy control API',
        proxy: proxy.url,
        upstream: proxy.upstream,
        faultTypes: faultTypes(),
        routes: ['GET /faults', 'POST /faults', 'GET /faults/NAME', 'POST /faults/NAME', 'DELETE /faults/NAME', 'POST /reset', 'GET /stats'],
      })
    }
    if (path === '/stats' && method === 'GET') return send(response, 200, proxy.stats())
    if (path === '/reset' && method === 'POST') {
      proxy.setFaults([])
      return send(response, 204)
    }
    if (path === '/faults') {
      if (method === 'GET') {
        const elapsedMs = proxy.elapsedMs()
        const timeline = proxy.timeline
        return send(response, 200, {
          faults: proxy.listFaults(),
          phase: proxy.phase() ?? null,
          timelineFaults: timeline === undefined ? [] : timeline.faultsAt(elapsedMs),
          elapsedMs,
        })
      }
      if (method === 'POST') {
        const spec = (await readJson(request)) as FaultSpec
        const name = typeof spec === 'object' && spec !== null ? (spec.name ?? spec.type) : undefined
        if (typeof name === 'string' && proxy.listFaults().some((fault) => fault.name === name)) {
          throw new HttpProblem(409, 'CHAOS_INVALID', `a fault named ${JSON.stringify(name)} already exists; fix: POST /faults/${name} to update it, or DELETE it first`)
        }
        return send(response, 201, proxy.addFault(spec))
      }
      throw new HttpProblem(405, 'USAGE_INVALID', `${method} /faults is not supported; use GET or POST`)
    }
    if (path.startsWith('/faults/')) {
      const name = decodeURIComponent(path.slice('/faults/'.length))
      const existing = proxy.listFaults().find((fault) => fault.name === name)
      if (existing === undefined) {
        throw new HttpProblem(404, 'CHAOS_INVALID', `no fault named ${JSON.stringify(name)}; fix: GET /faults lists them`)
      }
      if (method === 'GET') return send(response, 200, existing)
      if (method === 'POST') return send(response, 200, proxy.updateFault(name, (await readJson(request)) as Partial<FaultSpec>))
      if (method === 'DELETE') {
        proxy.removeFault(name)
        return send(response, 204)
      }
      throw new HttpProblem(405, 'USAGE_INVALID', `${method} /faults/NAME is not supported; use GET, POST or DELETE`)
    }
    throw new HttpProblem(404, 'USAGE_INVALID', `no route ${method} ${path}; fix: GET / lists the routes`)
  } catch (error) {
    if (error instanceof HttpProblem) return send(response, error.status, { error: { code: error.code, message: error.message } })
    if (isUserError(error)) return send(response, 400, { error: { code: error.code, message: error.message } })
    return send(response, 500, { error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } })
  }
}

/**
 * Only loopback (or the bound host) may drive the proxy, and only with JSON bodies: a web page
 * cannot reach it through DNS rebinding or a cross-site form post.
 */
function guardOrigin(request: IncomingMessage, bindHost: string): void {
  const host = request.headers.host
  if (host !== undefined) {
    let hostname: string
    try {
      hostname = new URL(`http://${host}`).hostname
    } catch {
      throw new HttpProblem(403, 'USAGE_INVALID', `Host ${JSON.stringify(host)} is not this control API`)
    }
    if (!LOOPBACK_NAMES.has(hostname) && hostname !== bindHost && hostname !== `[${bindHost}]`) {
      throw new HttpProblem(403, 'USAGE_INVALID', `Host ${JSON.stringify(host)} is not this control API; fix: call it on 127.0.0.1`)
    }
  }
  const method = request.method ?? 'GET'
  if ((method === 'POST' || method === 'DELETE') && request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0') {
    const contentType = request.headers['content-type'] ?? ''
    if (!contentType.includes('application/json')) {
      throw new HttpProblem(415, 'USAGE_INVALID', `expected content-type application/json, received ${JSON.stringify(contentType)}; fix: send JSON`)
    }
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, 'CHAOS_INVALID', `body over ${MAX_BODY_BYTES} bytes; fix: send one fault spec`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw new HttpProblem(400, 'CHAOS_INVALID', 'empty body; fix: send a fault spec like {"type": "latency", "params": {"latency": 500}}')
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new HttpProblem(400, 'CHAOS_INVALID', `body is not JSON (${(error as Error).message}); fix: send a fault spec as JSON`)
  }
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status)
    response.end()
    return
  }
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) })
  response.end(text)
}
