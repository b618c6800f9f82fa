// The fault proxy end to end: pass-through (undici and the official openai SDK), host refusal,
// loopback binding, hop-by-hop headers, seeded toxicity, matching and stats.
import { connect } from 'node:net'
import OpenAI from 'openai'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChaosProxy, type ChaosProxy, type FaultDecision } from '../../chaos/proxy.js'
import { DEFAULT_TOKENS, openAiEvents, startSseUpstream, type SseUpstream } from '../helpers/sse-upstream.js'

let upstream: SseUpstream

beforeAll(async () => {
  upstream = await startSseUpstream()
})
afterAll(async () => {
  await upstream.close()
})

async function withProxy<T>(options: Partial<Parameters<typeof createChaosProxy>[0]>, run: (proxy: ChaosProxy) => Promise<T>): Promise<T> {
  const proxy = await createChaosProxy({ upstream: upstream.url, ...options })
  try {
    return await run(proxy)
  } finally {
    await proxy.close()
  }
}

function chatBody(stream = true, model = 'gpt-4o-mini'): string {
  return JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] })
}

/** Sends raw HTTP/1.1 text and returns the raw response text (connection closed by us after a pause). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text))
    let received = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      received += chunk
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(received))
    setTimeout(() => socket.end(), 300)
  })
}

describe('pass-through', () => {
  it('streams an OpenAI SSE response byte-identically with no faults', async () => {
    await withProxy({}, async (proxy) => {
      const response = await request(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody() })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe('text/event-stream')
      expect(response.headers['x-gauntlet-faults']).toBeUndefined()
      expect(await response.body.text()).toBe(openAiEvents(DEFAULT_TOKENS, 'gpt-4o-mini').join(''))
    })
  })

  it('serves the official openai SDK, streaming and not', async () => {
    await withProxy({}, async (proxy) => {
      const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'test-key', maxRetries: 0 })
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] })
      let text = ''
      let completionTokens: number | undefined
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? ''
        if (chunk.usage) completionTokens = chunk.usage.completion_tokens
      }
      expect(text).toBe(DEFAULT_TOKENS.join(''))
      expect(completionTokens).toBe(DEFAULT_TOKENS.length)
      const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      expect(plain.choices[0]?.message.content).toBe(DEFAULT_TOKENS.join(''))
    })
  })

  it('drops hop-by-hop headers both ways and sets Host to the upstream', async () => {
    await withProxy({}, async (proxy) => {
      // Raw, because HTTP clients refuse to send some of these themselves.
      const raw = await rawRequest(
        proxy.port,
        `GET /echo HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nX-Keep: yes\r\nProxy-Authorization: secret\r\nTE: trailers\r\nConnection: close, x-private\r\nX-Private: drop\r\n\r\n`,
      )
      const echo = JSON.parse(raw.slice(raw.indexOf('{'), raw.lastIndexOf('}') + 1)) as { headers: Record<string, string> }
      expect(echo.headers['x-keep']).toBe('yes')
      expect(echo.headers['proxy-authorization']).toBeUndefined()
      expect(echo.headers['te']).toBeUndefined()
      expect(echo.headers['x-private']).toBeUndefined()
      expect(echo.headers['host']).toBe(`127.0.0.1:${upstream.port}`)
      const response = await request(`${proxy.url}/echo`)
      await response.body.dump()
      expect(response.headers['x-upstream']).toBe('sse-upstream')
      expect(response.headers['x-drop-me']).toBeUndefined()
    })
  })

  it('prefixes the upstream base path unless the request already carries it', async () => {
    const proxy = await createChaosProxy({ upstream: `${upstream.url}/v1` })
    try {
      const a = await request(`${proxy.url}/chat/completions`, { method: 'POST', body: chatBody(false) })
      const b = await request(`${proxy.url}/v1/chat/completions`, { method: 'POST', body: chatBody(false) })
      expect(a.statusCode).toBe(200)
      expect(b.statusCode).toBe(200)
      await a.body.dump()
      await b.body.dump()
      expect(upstream.requests.slice(-2).map((r) => r.url)).toEqual(['/v1/chat/completions', '/v1/chat/completions'])
    } finally {
      await proxy.close()
    }
  })

  it('answers 502 with a proxy error when the upstream is down', async () => {
    const proxy = await createChaosProxy({ upstream: 'http://127.0.0.1:1' })
    try {
      const response = await request(`${proxy.url}/v1/chat/completions`, { method: 'POST', body: chatBody() })
      expect(response.statusCode).toBe(502)
      expect(response.headers['x-gauntlet-proxy-error']).toBe('upstream')
      await response.body.dump()
      expect(proxy.stats().upstreamErrors).toBe(1)
    } finally {
      await proxy.close()
    }
  })
})

describe('only its upstream, only on loopback', () => {
  it('binds to 127.0.0.1 by default', async () => {
    await withProxy({}, async (proxy) => {
      expect(proxy.host).toBe('127.0.0.1')
      expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`)
    })
  })

  it('refuses absolute-form URLs, foreign Host headers and CONNECT with 403, never forwarding', async () => {
    await withProxy({}, async (proxy) => {
      const before = upstream.requests.length
      const absolute = await rawRequest(proxy.port, 'GET http://evil.example/steal HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n')
      expect(absolute.startsWith('HTTP/1.1 403')).toBe(true)
      expect(absolute).toContain('x-gauntlet-proxy-error: refused')
      const foreignHost = await rawRequest(proxy.port, 'GET /echo HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n')
      expect(foreignHost.startsWith('HTTP/1.1 403')).toBe(true)
      const sneakyPort = await rawRequest(proxy.port, `GET /echo HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port + 1}\r\nConnection: close\r\n\r\n`)
      expect(sneakyPort.startsWith('HTTP/1.1 403')).toBe(true)
      const tunnel = await rawRequest(proxy.port, 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n')
      expect(tunnel.startsWith('HTTP/1.1 403')).toBe(true)
      expect(upstream.requests.length).toBe(before)
      expect(proxy.stats().refused).toBe(4)
    })
  })

  it('accepts absolute-form URLs naming itself or the upstream, and keeps `//host` paths on the upstream', async () => {
    await withProxy({}, async (proxy) => {
      const self = await rawRequest(proxy.port, `GET http://127.0.0.1:${proxy.port}/echo HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nConnection: close\r\n\r\n`)
      expect(self.startsWith('HTTP/1.1 200')).toBe(true)
      const named = await rawRequest(proxy.port, `GET ${upstream.url}/echo HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\nConnection: close\r\n\r\n`)
      expect(named.startsWith('HTTP/1.1 200')).toBe(true)
      const before = upstream.requests.length
      const slashes = await rawRequest(proxy.port, `GET //evil.example/x HTTP/1.1\r\nHost: localhost:${proxy.port}\r\nConnection: close\r\n\r\n`)
      expect(slashes.startsWith('HTTP/1.1 200')).toBe(true)
      expect(upstream.requests.length).toBe(before + 1)
      expect(upstream.requests.at(-1)?.url).toBe('//evil.example/x')
    })
  })
})

describe('fault decisions', () => {
  async function pattern(seed: number, toxicity: number, count: number): Promise<boolean[]> {
    return withProxy({ seed, faults: [{ type: 'status', toxicity, params: { status: 503 } }] }, async (proxy) => {
      const out: boolean[] = []
      for (let i = 0; i < count; i++) {
        const response = await request(`${proxy.url}/v1/chat/completions`, { method: 'POST', body: chatBody(false) })
        await response.body.dump()
        out.push(response.statusCode === 503)
      }
      return out
    })
  }

  it('are deterministic for a seed and a request sequence', async () => {
    const first = await pattern(42, 0.5, 40)
    const second = await pattern(42, 0.5, 40)
    const other = await pattern(43, 0.5, 40)
    expect(second).toEqual(first)
    expect(other).not.toEqual(first)
    const fired = first.filter(Boolean).length
    expect(fired).toBeGreaterThan(8)
    expect(fired).toBeLessThan(32)
  })

  it('key on x-gauntlet-request-id when sent, whatever the arrival order', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `req-${i}`)
    const decide = async (order: string[]): Promise<Map<string, boolean>> =>
      withProxy({ seed: 7, faults: [{ type: 'status', toxicity: 0.5, params: { status: 500 } }] }, async (proxy) => {
        const out = new Map<string, boolean>()
        for (const id of order) {
          const response = await request(`${proxy.url}/echo`, { headers: { 'x-gauntlet-request-id': id } })
          await response.body.dump()
          out.set(id, response.statusCode === 500)
        }
        return out
      })
    const forward = await decide(ids)
    const backward = await decide([...ids].reverse())
    for (const id of ids) expect(backward.get(id)).toBe(forward.get(id))
  })

  it('match on path, model and header; report fired faults in x-gauntlet-faults and onDecision', async () => {
    const decisions: FaultDecision[] = []
    await withProxy(
      {
        onDecision: (decision) => decisions.push(decision),
        faults: [
          { type: 'latency', name: 'slow-mini', match: { model: 'gpt-4o-m*' }, params: { latency: 1 } },
          { type: 'latency', name: 'slow-chat', match: { path: '/v1/chat/*' }, params: { latency: 1 } },
          { type: 'latency', name: 'slow-tenant', match: { header: { 'X-Tenant': 'blue' } }, params: { latency: 1 } },
        ],
      },
      async (proxy) => {
        const a = await request(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody(false, 'gpt-4o-mini') })
        await a.body.dump()
        expect(a.headers['x-gauntlet-faults']).toBe('slow-mini,slow-chat')
        const b = await request(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: { 'x-tenant': 'blue' }, body: chatBody(false, 'claude-x') })
        await b.body.dump()
        expect(b.headers['x-gauntlet-faults']).toBe('slow-chat,slow-tenant')
        const c = await request(`${proxy.url}/echo`)
        await c.body.dump()
        expect(c.headers['x-gauntlet-faults']).toBeUndefined()
        expect(decisions.map((d) => d.faults)).toEqual([['slow-mini', 'slow-chat'], ['slow-chat', 'slow-tenant'], []])
        expect(decisions[0]?.model).toBe('gpt-4o-mini')
        expect(decisions[0]?.protocol).toBe('openai')
        const stats = proxy.stats()
        expect(stats.faults).toEqual({ 'slow-mini': 1, 'slow-chat': 2, 'slow-tenant': 1 })
        expect(stats.requests).toBe(3)
        expect(stats.forwarded).toBe(3)
        expect(stats.completed).toBe(3)
      },
    )
  })
})
