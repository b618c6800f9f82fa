// Timing faults through the real proxy with real clients (undici and the official openai SDK):
// latency, first-token-delay, slow-tokens, stall, bandwidth and blackhole. Tolerances are wide:
// the machine is shared, so bounds check the fault's effect, not the scheduler's precision.
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countTokens } from '../../core/tokens.js'
import { createChaosProxy, type ChaosProxy } from '../../chaos/proxy.js'
import type { FaultSpec } from '../../chaos/types.js'
import { DEFAULT_TOKENS, fetchTimed, openAiEvents, startSseUpstream, type SseUpstream } from '../helpers/sse-upstream.js'

const SLACK_MS = 400

let upstream: SseUpstream

beforeAll(async () => {
  upstream = await startSseUpstream()
})
afterAll(async () => {
  await upstream.close()
})

async function withFaults<T>(faults: FaultSpec[], run: (proxy: ChaosProxy) => Promise<T>): Promise<T> {
  const proxy = await createChaosProxy({ upstream: upstream.url, faults, seed: 3 })
  try {
    return await run(proxy)
  } finally {
    await proxy.close()
  }
}

const streamBody = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] })

function sdk(proxy: ChaosProxy, timeoutMs = 10_000): OpenAI {
  return new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'test-key', maxRetries: 0, timeout: timeoutMs })
}

function contentEvents(events: { atMs: number; data: string }[]): { atMs: number; data: string }[] {
  return events.filter((event) => event.data !== '[DONE]' && (JSON.parse(event.data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content)
}

describe('latency', () => {
  it('holds the headers for latency ± jitter (undici and SDK)', async () => {
    await withFaults([{ type: 'latency', params: { latency: 300, jitter: 50 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: streamBody })
      expect(fetched.status).toBe(200)
      expect(fetched.headers['x-gauntlet-faults']).toBe('latency')
      expect(fetched.headersAtMs).toBeGreaterThanOrEqual(245)
      expect(fetched.headersAtMs).toBeLessThan(350 + SLACK_MS)
      expect(fetched.bytes.toString()).toBe(openAiEvents(DEFAULT_TOKENS, 'gpt-4o-mini').join(''))

      const startedAt = performance.now()
      const answer = await sdk(proxy).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(245)
      expect(answer.choices[0]?.message.content).toBe(DEFAULT_TOKENS.join(''))
    })
  })

  it('draws from a distribution, capped by max_ms', async () => {
    await withFaults([{ type: 'latency', params: { distribution: { type: 'uniform', min_ms: 150, max_ms: 200 }, max_ms: 180 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/echo`)
      expect(fetched.headersAtMs).toBeGreaterThanOrEqual(145)
      expect(fetched.headersAtMs).toBeLessThan(180 + SLACK_MS)
    })
  })
})

describe('first-token-delay', () => {
  it('sends headers and the role chunk on time, then holds the first content event', async () => {
    await withFaults([{ type: 'first-token-delay', params: { delay_ms: 400 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: streamBody })
      expect(fetched.headersAtMs).toBeLessThan(200)
      expect(fetched.events[0]?.atMs).toBeLessThan(200)
      const content = contentEvents(fetched.events)
      expect(content[0]?.atMs).toBeGreaterThanOrEqual(390)
      expect(content[0]?.atMs).toBeLessThan(400 + SLACK_MS)
      // Only the first token waits: the rest follow at once.
      expect((content.at(-1)?.atMs ?? 0) - (content[0]?.atMs ?? 0)).toBeLessThan(150)
      expect(fetched.bytes.toString()).toBe(openAiEvents(DEFAULT_TOKENS, 'gpt-4o-mini').join(''))

      const startedAt = performance.now()
      const stream = await sdk(proxy).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      let firstContentMs: number | undefined
      for await (const chunk of stream) {
        if (firstContentMs === undefined && chunk.choices[0]?.delta.content) firstContentMs = performance.now() - startedAt
      }
      expect(firstContentMs).toBeGreaterThanOrEqual(390)
    })
  })
})

describe('slow-tokens', () => {
  it('adds delay_ms before every content event after the first', async () => {
    await withFaults([{ type: 'slow-tokens', params: { delay_ms: 60 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: streamBody })
      const content = contentEvents(fetched.events)
      expect(content).toHaveLength(DEFAULT_TOKENS.length)
      // The proxy waits 60 ms before each; a busy client may read two close together, so bound
      // the whole span tightly and each gap loosely.
      for (let i = 1; i < content.length; i++) expect((content[i]?.atMs ?? 0) - (content[i - 1]?.atMs ?? 0)).toBeGreaterThanOrEqual(20)
      const spanMs = (content.at(-1)?.atMs ?? 0) - (content[0]?.atMs ?? 0)
      expect(spanMs).toBeGreaterThanOrEqual(6 * 60 - 20)
      expect(spanMs).toBeLessThan(6 * 60 + SLACK_MS)
      expect(fetched.bytes.toString()).toBe(openAiEvents(DEFAULT_TOKENS, 'gpt-4o-mini').join(''))
    })
  })

  it('caps the rate at tokens_per_second (tokens counted with tiktoken)', async () => {
    await withFaults([{ type: 'slow-tokens', params: { tokens_per_second: 25 } }], async (proxy) => {
      // Ground truth: the tokens before the last event, at 25 per second.
      const tokensBeforeLast = DEFAULT_TOKENS.slice(0, -1).reduce((sum, text) => sum + Math.max(1, countTokens(text)), 0)
      const expectedMs = (tokensBeforeLast * 1000) / 25
      const startedAt = performance.now()
      const stream = await sdk(proxy).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      const times: number[] = []
      let text = ''
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta.content
        if (delta) {
          times.push(performance.now() - startedAt)
          text += delta
        }
      }
      expect(text).toBe(DEFAULT_TOKENS.join(''))
      const spanMs = (times.at(-1) ?? 0) - (times[0] ?? 0)
      // The floor is loose: a client that reads the first token late (its loop busy on a shared
      // machine) shortens the span it sees; the ceiling is the check that the rate was capped.
      expect(spanMs).toBeGreaterThanOrEqual(expectedMs - 60)
      expect(spanMs).toBeLessThan(expectedMs + SLACK_MS)
    })
  })
})

describe('stall', () => {
  it('stops after N events with the socket open, then continues', async () => {
    await withFaults([{ type: 'stall', params: { after_events: 3, duration_ms: 400 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: streamBody })
      expect(fetched.error).toBeUndefined()
      expect(fetched.events).toHaveLength(openAiEvents(DEFAULT_TOKENS, 'gpt-4o-mini').length)
      const gap = (fetched.events[3]?.atMs ?? 0) - (fetched.events[2]?.atMs ?? 0)
      expect(gap).toBeGreaterThanOrEqual(390)
      expect(gap).toBeLessThan(400 + SLACK_MS)
      expect(fetched.bytes.toString()).toBe(openAiEvents(DEFAULT_TOKENS, 'gpt-4o-mini').join(''))
    })
  })

  it('with then: hang, holds the stream until the client gives up (undici body timeout, SDK timeout)', async () => {
    await withFaults([{ type: 'stall', params: { after_events: 2, then: 'hang' } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: streamBody, bodyTimeout: 300 })
      expect(fetched.events).toHaveLength(2)
      expect(fetched.error?.code).toBe('UND_ERR_BODY_TIMEOUT')
      expect(fetched.endAtMs).toBeGreaterThanOrEqual(290)

      const stream = await sdk(proxy, 400).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      const seen: string[] = []
      const consume = async (): Promise<void> => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '')
      }
      // The user gives up: the SDK ends the iteration quietly on abort.
      const aborter = setTimeout(() => stream.controller.abort(), 400)
      const startedAt = performance.now()
      await consume().catch(() => undefined)
      clearTimeout(aborter)
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(350)
      expect(seen).toHaveLength(2)
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(proxy.stats().clientAborts).toBe(2)
      expect(proxy.stats().active).toBe(0)
    })
  })
})

describe('bandwidth', () => {
  it('limits any body to rate KB/s (1 KB = 1000 bytes)', async () => {
    await withFaults([{ type: 'bandwidth', params: { rate: 50 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/bytes?n=25000`)
      expect(fetched.bytes.length).toBe(25_000)
      // 25,000 B at 50,000 B/s = 500 ms.
      expect(fetched.endAtMs).toBeGreaterThanOrEqual(480)
      expect(fetched.endAtMs).toBeLessThan(500 + SLACK_MS)
      expect(fetched.headers['content-length']).toBeUndefined()
    })
  })

  it('slows an SSE stream for the SDK without changing it', async () => {
    await withFaults([{ type: 'bandwidth', params: { rate: 5 } }], async (proxy) => {
      const bytes = Buffer.byteLength(openAiEvents(DEFAULT_TOKENS, 'gpt-4o-mini', false).join(''))
      const startedAt = performance.now()
      const stream = await sdk(proxy).chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: false }, messages: [{ role: 'user', content: 'hi' }] })
      let text = ''
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
      const elapsedMs = performance.now() - startedAt
      expect(text).toBe(DEFAULT_TOKENS.join(''))
      expect(elapsedMs).toBeGreaterThanOrEqual(bytes / 5 - 20)
    })
  })
})

describe('blackhole', () => {
  it('never answers and never contacts the upstream, until the client gives up', async () => {
    await withFaults([{ type: 'blackhole' }], async (proxy) => {
      const before = upstream.requests.length
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: streamBody, signal: AbortSignal.timeout(300) })
      expect(fetched.status).toBeUndefined()
      expect(fetched.error).toBeDefined()
      expect(fetched.endAtMs).toBeGreaterThanOrEqual(290)

      const startedAt = performance.now()
      await expect(sdk(proxy, 300).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(/timed out/i)
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(290)
      expect(upstream.requests.length).toBe(before)
    })
  })

  it('with timeout, closes the connection without a response after that many ms', async () => {
    await withFaults([{ type: 'blackhole', params: { timeout: 250 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: streamBody })
      expect(fetched.status).toBeUndefined()
      expect(fetched.error?.code).toBe('UND_ERR_SOCKET')
      expect(fetched.endAtMs).toBeGreaterThanOrEqual(240)
      expect(fetched.endAtMs).toBeLessThan(250 + SLACK_MS)
      expect(proxy.stats().closes).toBe(1)
    })
  })

  it('forwards the held request when the fault is removed', async () => {
    await withFaults([{ type: 'blackhole' }], async (proxy) => {
      const pending = fetchTimed(`${proxy.url}/echo`)
      await new Promise((resolve) => setTimeout(resolve, 150))
      expect(proxy.removeFault('blackhole')).toBe(true)
      const fetched = await pending
      expect(fetched.status).toBe(200)
      expect(fetched.headersAtMs).toBeGreaterThanOrEqual(140)
    })
  })
})
