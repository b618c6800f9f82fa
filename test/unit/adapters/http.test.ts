// HTTP helpers without sockets: Retry-After, retryability, error mapping, secret scrubbing.
import { describe, expect, it } from 'vitest'
import {
  createHttpTransport,
  isRetryableStatus,
  mapTransportError,
  parseRetryAfterMs,
  redactUrl,
  scrubSecrets,
  type JsonPost,
} from '../../../adapters/http.js'
import { AdapterError } from '../../../core/errors.js'

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')
  it.each([
    [{ 'retry-after-ms': '1500' }, 1500],
    [{ 'retry-after-ms': '250.5', 'retry-after': '9' }, 250.5],
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{ 'retry-after-ms': 'x', 'retry-after': '3' }, 3000],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(parseRetryAfterMs(headers, now)).toBe(expected)
  })
})

describe('isRetryableStatus', () => {
  it('retries 408, 409, 429 and 5xx (529 included), nothing else', () => {
    expect([408, 409, 429, 500, 502, 503, 504, 529].every(isRetryableStatus)).toBe(true)
    expect([200, 301, 400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false)
  })
})

describe('mapTransportError', () => {
  const transport = createHttpTransport({ headersTimeoutMs: 1234, bodyTimeoutMs: 5678 })
  const post = (signal: AbortSignal = new AbortController().signal): JsonPost => ({
    url: 'http://127.0.0.1:9/v1/chat/completions?key=abc',
    headers: {},
    body: {},
    signal,
    secrets: ['sk-very-secret'],
  })
  const withCode = (code: string, message = 'boom'): Error => Object.assign(new Error(message), { code })

  it.each([
    ['ECONNREFUSED', 'ADAPTER_CONNECTION', true],
    ['ENOTFOUND', 'ADAPTER_CONNECTION', true],
    ['EAI_AGAIN', 'ADAPTER_CONNECTION', true],
    ['UND_ERR_CONNECT_TIMEOUT', 'ADAPTER_CONNECTION', true],
    ['UND_ERR_SOCKET', 'ADAPTER_RESET', true],
    ['ECONNRESET', 'ADAPTER_RESET', true],
    ['EPIPE', 'ADAPTER_RESET', true],
    ['UND_ERR_HEADERS_TIMEOUT', 'ADAPTER_TIMEOUT', true],
    ['UND_ERR_BODY_TIMEOUT', 'ADAPTER_TIMEOUT', true],
    ['UND_ERR_ABORTED', 'ADAPTER_ABORTED', false],
    ['HPE_INVALID_CONSTANT', 'ADAPTER_STREAM_MALFORMED', false],
    ['CERT_HAS_EXPIRED', 'ADAPTER_CONNECTION', true],
  ])('%s → %s', (code, expected, retryable) => {
    const mapped = mapTransportError(withCode(code), post(), transport, 'body')
    expect(mapped).toBeInstanceOf(AdapterError)
    expect(mapped).toMatchObject({ code: expected, retryable })
  })

  it('names the configured timeout and redacts the URL', () => {
    const mapped = mapTransportError(withCode('UND_ERR_HEADERS_TIMEOUT'), post(), transport, 'headers') as AdapterError
    expect(mapped.message).toContain('1234 ms (headersTimeoutMs)')
    expect(mapped.message).toContain('key=redacted')
    expect(mapped.message).not.toContain('abc')
  })

  it('a fired signal wins over the underlying error, with its reason', () => {
    const controller = new AbortController()
    controller.abort(new Error('patience: ttft 10000 ms'))
    const mapped = mapTransportError(withCode('UND_ERR_SOCKET'), post(controller.signal), transport, 'body') as AdapterError
    expect(mapped.code).toBe('ADAPTER_ABORTED')
    expect(mapped.message).toContain('patience: ttft 10000 ms')
  })

  it('"other side closed" without a code is a reset; secrets in messages are scrubbed; unknown errors pass through', () => {
    expect(mapTransportError(new Error('other side closed'), post(), transport, 'body')).toMatchObject({ code: 'ADAPTER_RESET' })
    const scrubbed = mapTransportError(withCode('ECONNRESET', 'reset while sending sk-very-secret'), post(), transport, 'body') as AdapterError
    expect(scrubbed.message).not.toContain('sk-very-secret')
    const bug = new TypeError('x is not a function')
    expect(mapTransportError(bug, post(), transport, 'body')).toBe(bug)
  })
})

describe('secrets and URLs', () => {
  it('scrubs every occurrence of each secret, but not tiny strings', () => {
    expect(scrubSecrets('key sk-abc123 and again sk-abc123', ['sk-abc123'])).toBe('key [redacted] and again [redacted]')
    expect(scrubSecrets('a b c', ['a'])).toBe('a b c')
  })

  it('redacts credentials and secret-looking query values', () => {
    expect(redactUrl('https://user:pw@x.example.com/v1?api-version=2024-10-21&api_key=zzz&sig=1')).toBe(
      'https://x.example.com/v1?api-version=2024-10-21&api_key=redacted&sig=redacted',
    )
    expect(redactUrl('nonsense')).toBe('[invalid url]')
  })
})
