// Test helpers for the embedded mock: start it on a free loopback port, and read a raw SSE answer
// with client-side timings (a `curl -N` that also measures).
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { request } from 'undici'
import { createMockServer, type MockServer, type MockServerOptions } from '../../adapters/mock/index.js'

export interface StartedMock extends MockServer {
  /** For OpenAI-style clients: `${url}/v1`. */
  openaiBaseUrl: string
  /** For the Anthropic SDK (it appends `/v1/messages` itself): `url`. */
  anthropicBaseUrl: string
}

/** Starts a mock (default profile `instant`, loopback, port 0). Close it in teardown. */
export async function startMock(options: MockServerOptions = {}): Promise<StartedMock> {
  const server = await createMockServer({ profile: 'instant', ...options, host: options.host ?? '127.0.0.1', port: options.port ?? 0 })
  return Object.assign(server, { openaiBaseUrl: `${server.url}/v1`, anthropicBaseUrl: server.url })
}

export interface MockStreamResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The raw response body. */
  raw: string
  events: EventSourceMessage[]
  /** Concatenated content deltas. */
  text: string
  /** Client-side ms from send to the response headers. */
  headersAtMs: number
  /** Client-side ms from send to each content delta (empty deltas skipped). */
  tokenAtMs: number[]
  /** Client-side ms from send to the end of the body. */
  endAtMs: number
  /** Set when the connection broke before the end. */
  error?: Error
}

/**
 * POSTs a chat request and reads the answer as it arrives. `protocol` picks the route and how
 * content deltas are recognised (OpenAI `choices[0].delta.content`, Anthropic `text_delta`).
 */
export async function readMockStream(
  baseUrl: string,
  protocol: 'openai' | 'anthropic',
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<MockStreamResult> {
  const path = protocol === 'openai' ? '/v1/chat/completions' : '/v1/messages'
  const startedAt = performance.now()
  const response = await request(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(protocol === 'anthropic' ? { 'anthropic-version': '2023-06-01' } : {}), ...headers },
    body: JSON.stringify(body),
  })
  const headersAtMs = performance.now() - startedAt
  const result: MockStreamResult = { status: response.statusCode, headers: response.headers, raw: '', events: [], text: '', headersAtMs, tokenAtMs: [], endAtMs: 0 }
  const parser = createParser({
    onEvent(event) {
      result.events.push(event)
      if (event.data === '[DONE]') return
      const data = JSON.parse(event.data) as Record<string, unknown>
      let delta: unknown
      if (protocol === 'openai') {
        const choices = data['choices'] as { delta?: { content?: unknown } }[] | undefined
        delta = choices?.[0]?.delta?.content
      } else if (data['type'] === 'content_block_delta') {
        delta = (data['delta'] as { text?: unknown }).text
      }
      if (typeof delta === 'string' && delta !== '') {
        result.text += delta
        result.tokenAtMs.push(performance.now() - startedAt)
      }
    },
  })
  const decoder = new TextDecoder()
  try {
    for await (const chunk of response.body) {
      const text = decoder.decode(chunk as Uint8Array, { stream: true })
      result.raw += text
      parser.feed(text)
    }
  } catch (error) {
    result.error = error instanceof Error ? error : new Error(String(error))
  }
  result.endAtMs = performance.now() - startedAt
  return result
}
