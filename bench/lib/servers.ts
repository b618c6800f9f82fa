// Server roles: the embedded mock and the chaos proxy, each alone in its process so that its CPU
// is measured apart from the client's. Started by `startServerRole('mock' | 'proxy', options)`.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createMockServer, getMockProfile, type MockProfile } from '../../adapters/mock/index.js'
import { createChaosProxy } from '../../chaos/proxy.js'
import { serveRole } from './processes.js'

export interface MockRoleOptions {
  /** A named profile. */
  profile: string
  /** Overrides on it: exact timing, default output length. */
  exact?: { ttftMs: number; itlMs: number }
  defaultOutputTokens?: number
}

export async function mockRole(options: MockRoleOptions): Promise<void> {
  let profile: string | MockProfile = options.profile
  if (options.exact !== undefined || options.defaultOutputTokens !== undefined) {
    const base = getMockProfile(options.profile)
    profile = { ...base, name: `${base.name}-bench` }
    if (options.exact !== undefined) profile.exact = options.exact
    if (options.defaultOutputTokens !== undefined) profile.defaultOutputTokens = options.defaultOutputTokens
  }
  const server = await createMockServer({ profile, port: 0, seed: 7 })
  serveRole(server.url, () => server.stats(), () => server.close())
}

export interface ProxyRoleOptions {
  upstream: string
}

export async function proxyRole(options: ProxyRoleOptions): Promise<void> {
  const proxy = await createChaosProxy({ upstream: options.upstream })
  serveRole(proxy.url, () => proxy.stats(), () => proxy.close())
}

/**
 * A bare node:http answer of fixed bytes: the upstream for the proxy benchmark, so that what the
 * proxy adds is not hidden under the mock's own per-request work.
 */
export async function staticUpstreamRole(options: { body: string }): Promise<void> {
  const length = String(Buffer.byteLength(options.body))
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': length })
      response.end(options.body)
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let requests = 0
  server.on('request', () => requests++)
  serveRole(url, () => ({ requests }), () => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
}
