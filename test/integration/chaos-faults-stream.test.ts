// Connection and stream-shape faults through the real proxy with real clients: reset, truncate,
// status (vendor-shaped 429/5xx/529, bursts) and every malformed-sse variant, byte for byte.
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Clock } from '../../core/clock.js'
import { createChaosProxy, type ChaosProxy } from '../../chaos/proxy.js'
import type { FaultSpec } from '../../chaos/types.js'
import { anthropicEvents, DEFAULT_TOKENS, fetchTimed, openAiEvents, startSseUpstream, type SseUpstream } from '../helpers/sse-upstream.js'

let upstream: SseUpstream

beforeAll(async () => {
  upstream = await startSseUpstream()
})
afterAll(async () => {
  await upstream.close()
})

async function withFaults<T>(faults: FaultSpec[], run: (proxy: ChaosProxy) => Promise<T>, extra: { seed?: number; clock?: Clock } = {}): Promise<T> {
  const proxy = await createChaosProxy({ upstream: upstream.url, faults, seed: extra.seed ?? 5, ...(extra.clock === undefined ? {} : { clock: extra.clock }) })
  try {
    return await run(proxy)
  } finally {
    await proxy.close()
  }
}

const MODEL = 'gpt-4o-mini'
const openAiBody = JSON.stringify({ model: MODEL, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] })
const anthropicBody = JSON.stringify({ model: 'claude-test', stream: true, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
const OPENAI_EVENTS = openAiEvents(DEFAULT_TOKENS, MODEL)
const ANTHROPIC_EVENTS = anthropicEvents(DEFAULT_TOKENS, 'claude-test')
/** Index of the first content event in each stream. */
const OPENAI_FIRST_CONTENT = 1
const ANTHROPIC_FIRST_CONTENT = 3

const openai = (proxy: ChaosProxy): OpenAI => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'test-key', maxRetries: 0, timeout: 5_000 })
const anthropic = (proxy: ChaosProxy): Anthropic => new Anthropic({ baseURL: proxy.url, apiKey: 'test-key', maxRetries: 0, timeout: 5_000 })

describe('reset', () => {
  it('before headers: the client sees a connection reset and the upstream is never contacted', async () => {
    await withFaults([{ type: 'reset' }], async (proxy) => {
      const before = upstream.requests.length
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: openAiBody })
      expect(fetched.status).toBeUndefined()
      expect(fetched.error?.code).toBe('ECONNRESET')
      await expect(openai(proxy).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.APIConnectionError)
      expect(upstream.requests.length).toBe(before)
      expect(proxy.stats().resets).toBe(2)
    })
  })

  it('after N events: exactly N events arrive, then the connection breaks', async () => {
    await withFaults([{ type: 'reset', params: { after_events: 3 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: openAiBody })
      expect(fetched.status).toBe(200)
      expect(fetched.headers['x-gauntlet-faults']).toBe('reset')
      expect(fetched.bytes.toString()).toBe(OPENAI_EVENTS.slice(0, 3).join(''))
      expect(fetched.error).toBeDefined()

      const stream = await openai(proxy).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] })
      const seen: string[] = []
      await expect(
        (async () => {
          for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '')
        })(),
      ).rejects.toThrow()
      expect(seen).toEqual(['', DEFAULT_TOKENS[0], DEFAULT_TOKENS[1]])
    })
  })

  it('limit_data: exactly that many body bytes, then the connection breaks', async () => {
    await withFaults([{ type: 'reset', params: { limit_data: 1234 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/bytes?n=10000`)
      expect(fetched.status).toBe(200)
      expect(fetched.bytes.length).toBe(1234)
      expect(fetched.error).toBeDefined()
    })
  })

  it('timeout: resets mid-stream that many ms after arrival', async () => {
    await withFaults([{ type: 'reset', params: { timeout: 250 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: openAiBody, headers: { 'x-test-delay-ms': '100' } })
      expect(fetched.status).toBe(200)
      expect(fetched.error).toBeDefined()
      expect(fetched.endAtMs).toBeGreaterThanOrEqual(240)
      expect(fetched.endAtMs).toBeLessThan(800)
      expect(fetched.events.length).toBeGreaterThan(0)
      expect(fetched.events.length).toBeLessThan(OPENAI_EVENTS.length)
    })
  })
})

describe('slicer', () => {
  it('delivers the same bytes in many small writes; the SDK reassembles them', async () => {
    await withFaults([{ type: 'slicer', params: { average_size: 7, size_variation: 3, delay: 1000 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: openAiBody })
      expect(fetched.bytes.toString()).toBe(OPENAI_EVENTS.join(''))
      expect(fetched.chunks.length).toBeGreaterThan(OPENAI_EVENTS.length)
      const stream = await openai(proxy).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] })
      let text = ''
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
      expect(text).toBe(DEFAULT_TOKENS.join(''))
    })
  })
})

describe('truncate', () => {
  it('ends an OpenAI stream cleanly before [DONE] (the SDK sees a quiet end)', async () => {
    await withFaults([{ type: 'truncate' }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: openAiBody })
      expect(fetched.error).toBeUndefined()
      expect(fetched.bytes.toString()).toBe(OPENAI_EVENTS.slice(0, -1).join(''))
      const stream = await openai(proxy).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] })
      let text = ''
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
      expect(text).toBe(DEFAULT_TOKENS.join(''))
    })
  })

  it('ends an Anthropic stream before message_stop, or after N events', async () => {
    await withFaults([{ type: 'truncate' }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/messages`, { body: anthropicBody })
      expect(fetched.error).toBeUndefined()
      expect(fetched.bytes.toString()).toBe(ANTHROPIC_EVENTS.slice(0, -1).join(''))
    })
    await withFaults([{ type: 'truncate', params: { after_events: 5 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/messages`, { body: anthropicBody })
      expect(fetched.error).toBeUndefined()
      expect(fetched.bytes.toString()).toBe(ANTHROPIC_EVENTS.slice(0, 5).join(''))
    })
  })
})

describe('status', () => {
  it('429 in OpenAI shape with Retry-After, as the SDK expects it', async () => {
    await withFaults([{ type: 'status', params: { status: 429 } }], async (proxy) => {
      const before = upstream.requests.length
      const error = await openai(proxy)
        .chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })
        .then(() => undefined, (caught: unknown) => caught as InstanceType<typeof OpenAI.RateLimitError>)
      expect(error).toBeInstanceOf(OpenAI.RateLimitError)
      expect(error?.status).toBe(429)
      expect(error?.code).toBe('rate_limit_exceeded')
      expect(error?.type).toBe('requests')
      expect(error?.headers?.get('retry-after')).toBe('1')
      expect(error?.headers?.get('x-gauntlet-faults')).toBe('status')
      expect(upstream.requests.length).toBe(before)
    })
  })

  it('529 overloaded_error in Anthropic shape, as the SDK expects it', async () => {
    await withFaults([{ type: 'status', params: { status: 529 } }], async (proxy) => {
      const error = await anthropic(proxy)
        .messages.create({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
        .then(() => undefined, (caught: unknown) => caught as InstanceType<typeof Anthropic.APIError>)
      expect(error).toBeInstanceOf(Anthropic.APIError)
      expect(error?.status).toBe(529)
      expect((error?.error as { error?: { type?: string } } | undefined)?.error?.type).toBe('overloaded_error')
    })
  })

  it.each([
    [500, 'server_error', 'api_error'],
    [502, 'server_error', 'api_error'],
    [503, 'server_error', 'api_error'],
    [504, 'server_error', 'timeout_error'],
  ])('%i in both vendor shapes', async (status, openAiType, anthropicType) => {
    await withFaults([{ type: 'status', params: { status } }], async (proxy) => {
      const a = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: openAiBody })
      expect(a.status).toBe(status)
      expect(a.headers['content-type']).toBe('application/json')
      expect((JSON.parse(a.bytes.toString()) as { error: { type: string } }).error.type).toBe(openAiType)
      const b = await fetchTimed(`${proxy.url}/v1/messages`, { body: anthropicBody })
      expect(b.status).toBe(status)
      const body = JSON.parse(b.bytes.toString()) as { type: string; error: { type: string } }
      expect(body.type).toBe('error')
      expect(body.error.type).toBe(anthropicType)
      expect(b.headers['retry-after']).toBe(status === 503 ? '1' : undefined)
    })
  })

  it('fires in bursts of run time (burst windows on an injected clock)', async () => {
    let nowMs = 0
    const clock: Clock = { now: () => nowMs, wallNow: () => nowMs, sleep: async () => undefined }
    await withFaults(
      [{ type: 'status', params: { status: 429, burst: { every_ms: 1000, length_ms: 200 } } }],
      async (proxy) => {
        const statuses: number[] = []
        for (const at of [50, 199, 200, 700, 1050, 1250, 2100]) {
          nowMs = at
          const fetched = await fetchTimed(`${proxy.url}/echo`)
          statuses.push(fetched.status ?? 0)
        }
        expect(statuses).toEqual([429, 429, 200, 200, 429, 200, 429])
        expect(proxy.stats().faults).toEqual({ status: 4 })
      },
      { clock },
    )
  })
})

describe('malformed-sse', () => {
  const replaceAt = (events: string[], index: number, replacement: string[]): string => [...events.slice(0, index), ...replacement, ...events.slice(index + 1)].join('')

  it('broken-json: the first content event loses the second half of its JSON; the SDK fails, never hangs', async () => {
    await withFaults([{ type: 'malformed-sse', params: { variant: 'broken-json' } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: openAiBody })
      const json = (OPENAI_EVENTS[OPENAI_FIRST_CONTENT] as string).slice('data: '.length, -2)
      expect(fetched.bytes.toString()).toBe(replaceAt(OPENAI_EVENTS, OPENAI_FIRST_CONTENT, [`data: ${json.slice(0, Math.floor(json.length / 2))}\n\n`]))
      const stream = await openai(proxy).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] })
      await expect(
        (async () => {
          for await (const chunk of stream) void chunk
        })(),
      ).rejects.toThrow()
    })
  })

  it('garbage-bytes: a line of seeded noise (no CR/LF) before the first content event', async () => {
    const run = async (): Promise<Buffer> =>
      withFaults([{ type: 'malformed-sse', params: { variant: 'garbage-bytes', garbage_bytes: 24 } }], async (proxy) => (await fetchTimed(`${proxy.url}/v1/messages`, { body: anthropicBody })).bytes)
    const first = await run()
    const second = await run()
    expect(second.equals(first)).toBe(true)
    const prefix = Buffer.from(ANTHROPIC_EVENTS.slice(0, ANTHROPIC_FIRST_CONTENT).join(''))
    const suffix = Buffer.from(ANTHROPIC_EVENTS.slice(ANTHROPIC_FIRST_CONTENT).join(''))
    expect(first.length).toBe(prefix.length + 24 + 2 + suffix.length)
    expect(first.subarray(0, prefix.length).equals(prefix)).toBe(true)
    const noise = first.subarray(prefix.length, prefix.length + 24)
    expect(noise.includes(0x0a)).toBe(false)
    expect(noise.includes(0x0d)).toBe(false)
    expect(first.subarray(prefix.length + 24, prefix.length + 26).toString()).toBe('\n\n')
    expect(first.subarray(prefix.length + 26).equals(suffix)).toBe(true)
  })

  it('split-utf8: the same bytes, but the first content event arrives in two reads split inside "é"', async () => {
    await withFaults([{ type: 'malformed-sse', params: { variant: 'split-utf8', split_pause_ms: 40 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: openAiBody })
      expect(fetched.bytes.toString()).toBe(OPENAI_EVENTS.join(''))
      const splitAt = fetched.chunks.findIndex((chunk) => chunk.bytes.at(-1) === 0xc3)
      expect(splitAt).toBeGreaterThanOrEqual(0)
      const next = fetched.chunks[splitAt + 1]
      expect(next?.bytes[0]).toBe(0xa9)
      expect((next?.atMs ?? 0) - (fetched.chunks[splitAt]?.atMs ?? 0)).toBeGreaterThanOrEqual(25)
      // A client that decodes per stream (the SDK) is unaffected.
      const stream = await openai(proxy).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] })
      let text = ''
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
      expect(text).toBe(DEFAULT_TOKENS.join(''))
    })
  })

  it('duplicate-event: the first content event is sent twice', async () => {
    await withFaults([{ type: 'malformed-sse', params: { variant: 'duplicate-event' } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/messages`, { body: anthropicBody })
      const target = ANTHROPIC_EVENTS[ANTHROPIC_FIRST_CONTENT] as string
      expect(fetched.bytes.toString()).toBe(replaceAt(ANTHROPIC_EVENTS, ANTHROPIC_FIRST_CONTENT, [target, target]))
    })
  })

  it('drop-usage: OpenAI loses its usage chunk (the SDK sees no usage); Anthropic loses its usage fields', async () => {
    await withFaults([{ type: 'malformed-sse', params: { variant: 'drop-usage' } }], async (proxy) => {
      const a = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: openAiBody })
      expect(a.bytes.toString()).toBe([...OPENAI_EVENTS.slice(0, -2), OPENAI_EVENTS.at(-1)].join(''))
      const stream = await openai(proxy).chat.completions.create({ model: MODEL, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] })
      let usageSeen = false
      for await (const chunk of stream) if (chunk.usage) usageSeen = true
      expect(usageSeen).toBe(false)

      const b = await fetchTimed(`${proxy.url}/v1/messages`, { body: anthropicBody })
      const events = b.events.map((event) => JSON.parse(event.data) as { type: string; usage?: unknown; message?: { usage?: unknown } })
      expect(events.map((event) => event.type)).toEqual(ANTHROPIC_EVENTS.map((event) => /^event: (\S+)/.exec(event)?.[1]))
      expect(events.find((event) => event.type === 'message_delta')).not.toHaveProperty('usage')
      expect(events.find((event) => event.type === 'message_start')?.message).not.toHaveProperty('usage')
    })
  })

  it('at_event targets a given event instead of the first content event', async () => {
    await withFaults([{ type: 'malformed-sse', params: { variant: 'duplicate-event', at_event: 0 } }], async (proxy) => {
      const fetched = await fetchTimed(`${proxy.url}/v1/chat/completions`, { body: openAiBody })
      expect(fetched.bytes.toString()).toBe(replaceAt(OPENAI_EVENTS, 0, [OPENAI_EVENTS[0] as string, OPENAI_EVENTS[0] as string]))
    })
  })
})
