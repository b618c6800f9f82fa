// Serves a registry's exposition on GET /metrics (404 for anything else) from node:http,
// bound to 127.0.0.1 unless told otherwise. Port 0 picks a free port.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { UserError } from '../../core/errors.js'
import type { RunMetrics } from './registry.js'

export interface MetricsServer {
  /** `http://HOST:PORT/metrics` */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

export async function startMetricsServer(metrics: RunMetrics, options: { port: number; host?: string }): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1'
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0]
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics\n')
      return
    }
    metrics.text().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${String(error)}\n`),
    )
  })
  // A scraper's idle keep-alive connection must not hold the process open after the run.
  server.keepAliveTimeout = 1_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new UserError(
          'USAGE_INVALID',
          `--metrics-port ${options.port} on ${host}: cannot listen (${error.code ?? error.message}); pick another port, or --metrics-port 0 for a free one`,
          { cause: error },
        ),
      ),
    )
    server.listen(options.port, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}/metrics`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
