// A tiny loopback HTTP server that replays recorded vendor answers in chunks, or misbehaves on
// cue (reset, close, stall), and records every request it receives. For adapter tests.
import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { fileURLToPath } from 'node:url'

export interface FixtureReply {
  /** Default 200. */
  status?: number
  /** Default content-type: text/event-stream for `chunks`, application/json for `body`. */
  headers?: Record<string, string>
  /** A whole body written at once. */
  body?: string | Uint8Array
  /** A body written piece by piece, `chunkDelayMs` apart (headers are flushed first). */
  chunks?: ReadonlyArray<string | Uint8Array>
  chunkDelayMs?: number
  /**
   * After the body: `end` (default) ends the response; `close` destroys the socket (FIN, an
   * unterminated chunked body); `reset` sends a TCP RST; `stall` leaves the socket open, silent.
   */
  after?: 'end' | 'close' | 'reset' | 'stall'
  /** Instead of answering: `stall` never sends headers; `reset` sends a TCP RST at once. */
  before?: 'stall' | 'reset'
}

export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export type FixtureHandler = FixtureReply | ((request: RecordedRequest) => FixtureReply)

export interface FixtureServer {
  /** `http://127.0.0.1:PORT` */
  url: string
  requests: RecordedRequest[]
  /** Sets the answer for the following requests. */
  reply(handler: FixtureHandler): void
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connectionCount(): number
  /** Connections currently open. */
  openConnections(): number
  close(): Promise<void>
}

const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url))

/** A fixture's raw bytes (`openai-stream-usage.chunks.txt`, `anthropic-error-529.json`, ...). */
export function readFixture(name: string): Buffer {
  return readFileSync(`${FIXTURE_DIR}${name}`)
}

/** Splits bytes into pieces of `size` (cutting through lines and UTF-8 characters alike). */
export function splitBytes(bytes: Uint8Array, size: number): Uint8Array[] {
  const pieces: Uint8Array[] = []
  for (let offset = 0; offset < bytes.byteLength; offset += size) pieces.push(bytes.subarray(offset, offset + size))
  return pieces
}

export async function startFixtureServer(initial: FixtureHandler = { status: 404, body: '{}' }): Promise<FixtureServer> {
  let handler = initial
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  let accepted = 0
  const timers = new Set<NodeJS.Timeout>()
  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      run()
    }, ms)
    timers.add(timer)
  }
  const answer = (reply: FixtureReply, response: ServerResponse, socket: Socket): void => {
    if (reply.before === 'stall') return
    if (reply.before === 'reset') {
      socket.resetAndDestroy()
      return
    }
    const streaming = reply.chunks !== undefined
    response.writeHead(reply.status ?? 200, {
      'content-type': streaming ? 'text/event-stream' : 'application/json',
      ...reply.headers,
    })
    const finish = (): void => {
      const after = reply.after ?? 'end'
      if (after === 'end') response.end()
      else if (after === 'close') socket.destroy()
      else if (after === 'reset') socket.resetAndDestroy()
    }
    if (!streaming) {
      if (reply.body !== undefined) response.write(reply.body)
      finish()
      return
    }
    response.flushHeaders()
    const chunks = reply.chunks ?? []
    const delayMs = reply.chunkDelayMs ?? 0
    let index = 0
    const next = (): void => {
      if (socket.destroyed) return
      if (index >= chunks.length) {
        finish()
        return
      }
      response.write(chunks[index++] as string | Uint8Array)
      if (delayMs > 0) later(delayMs, next)
      else setImmediate(next)
    }
    next()
  }
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const parts: Buffer[] = []
    request.on('data', (part: Buffer) => parts.push(part))
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(parts).toString('utf8'),
      }
      requests.push(recorded)
      const reply = typeof handler === 'function' ? handler(recorded) : handler
      answer(reply, response, request.socket)
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    accepted++
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply(next) {
      handler = next
    },
    connectionCount: () => accepted,
    openConnections: () => sockets.size,
    async close() {
      for (const timer of timers) clearTimeout(timer)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
