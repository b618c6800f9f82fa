// `gauntlet probe` against the embedded mock on loopback: the req/s and counts it reports must
// agree with what the server itself counted, and bodies come round-robin from the traffic.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockServer } from '../../adapters/mock/index.js'
import type { MockServer } from '../../adapters/mock/types.js'
import { resolveK6Target } from '../../load/k6/target.js'
import type { K6TrafficEntry } from '../../load/k6/scripts/lib/plan.js'
import { formatProbeTable, runProbe } from '../../load/probe.js'

function entries(count: number): K6TrafficEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `r${i}`,
    offsetMs: i,
    userId: 'u',
    task: 'chat',
    messages: [{ role: 'user' as const, content: `body ${i}` }],
    maxOutputTokens: 32,
    targetOutputTokens: 4,
    inputTokens: 3,
  }))
}

describe('probe against the embedded mock (instant profile)', () => {
  let mock: MockServer
  beforeAll(async () => {
    mock = await createMockServer({ profile: 'instant', port: 0 })
    // The mock loads its tokenizer on the first request (~1 s on a busy machine): not part of the probe.
    const warm = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-instant', messages: [{ role: 'user', content: 'warm up' }], max_tokens: 4 }),
    })
    expect(warm.status).toBe(200)
    await warm.arrayBuffer()
  })
  afterAll(async () => {
    await mock.close()
  })

  it('reports a req/s figure whose counts match the server', async () => {
    const { target, label } = resolveK6Target(`openai-compatible:mock-instant@${mock.url}/v1`, {})
    const before = mock.stats()
    const summary = await runProbe({ target, label, entries: entries(5), connections: 4, durationS: 1, pipelining: 1 })
    const after = mock.stats()
    const served = after.completed - before.completed
    expect(summary.requests.completed).toBeGreaterThan(10)
    expect(summary.requests.per_s.max).toBeGreaterThan(0)
    expect(summary.requests.per_s.max).toBeLessThanOrEqual(summary.requests.completed)
    // Every completed response was served; at most one in-flight request per connection was cut at the stop.
    expect(served).toBeGreaterThanOrEqual(summary.requests.completed)
    expect(served).toBeLessThanOrEqual(summary.requests.completed + 4)
    expect(summary.statusCodes).toEqual({ '200': summary.requests.completed })
    expect(summary.non2xx).toBe(0)
    expect(summary.errors).toBe(0)
    expect(summary.latency_ms.p50).toBeLessThanOrEqual(summary.latency_ms.p99)
    expect(summary.latency_ms.p99).toBeLessThanOrEqual(summary.latency_ms.max)
    expect(summary.bytes.total).toBeGreaterThan(0)
    expect(summary.target.url).toBe(`${mock.url}/v1/chat/completions`)
    expect(formatProbeTable(summary)).toMatch(/req\/s\s+max \d+/)
  })
})

describe('probe against a scripted loopback server', () => {
  let server: Server
  let url: string
  const bodies: string[] = []
  let received = 0
  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      let body = ''
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
      request.on('end', () => {
        received++
        if (bodies.length < 20) bodies.push(body)
        // Every fourth answer is a rate limit, each after ~5 ms.
        setTimeout(() => {
          const status = received % 4 === 0 ? 429 : 200
          response.writeHead(status, { 'content-type': 'application/json' })
          response.end(JSON.stringify(status === 200 ? { choices: [{ message: { content: 'pong' } }] } : { error: { message: 'slow down' } }))
        }, 5)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('cycles the traffic bodies, counts non-2xx, and its latency reflects the server delay', async () => {
    const { target, label } = resolveK6Target(`openai-compatible:m@${url}`, {})
    const summary = await runProbe({ target, label, entries: entries(3), connections: 1, durationS: 1, pipelining: 1 })
    // One connection: requests go in order, so bodies repeat with period 3.
    const contents = bodies.map((body) => (JSON.parse(body) as { messages: Array<{ content: string }> }).messages[0]?.content)
    expect(contents.slice(0, 6)).toEqual(['body 0', 'body 1', 'body 2', 'body 0', 'body 1', 'body 2'])
    const total = (summary.statusCodes['200'] ?? 0) + (summary.statusCodes['429'] ?? 0)
    expect(total).toBe(summary.requests.completed)
    expect(summary.non2xx).toBe(summary.statusCodes['429'])
    expect(Math.abs((summary.statusCodes['429'] ?? 0) - summary.requests.completed / 4)).toBeLessThanOrEqual(1)
    // ~5 ms of server delay per request on one connection: at most ~200 req/s, p50 at least 5 ms.
    expect(summary.latency_ms.p50).toBeGreaterThanOrEqual(5)
    expect(summary.requests.completed).toBeLessThanOrEqual(220)
    expect(summary.notes.join(' ')).toMatch(/not 2xx/)
  })
})
