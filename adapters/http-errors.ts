// HTTP failures as typed AdapterErrors: vendor error bodies, Retry-After, undici/Node transport
// codes, and the scrubbing that keeps API keys out of every message and record.
import { displayUrl, redactUrl } from '../core/url.js'
import { AdapterError, truncate, type ErrorCode } from '../core/errors.js'
import type { HttpTransport, JsonPost, VendorErrorInfo, WireProtocol } from './protocol.js'

export function createStatusError(
  response: { status: number; headers: Record<string, string> },
  bodyText: string,
  protocol: WireProtocol,
  post: JsonPost,
): AdapterError {
  const body = scrubSecrets(bodyText, post.secrets)
  let vendor: VendorErrorInfo | undefined
  try {
    vendor = protocol.parseErrorBody(body)
  } catch {
    // An unparsable error body is still an HTTP error; the status and raw body say enough.
    vendor = undefined
  }
  const shouldRetryHeader = response.headers['x-should-retry']
  const shouldRetry = shouldRetryHeader === 'true' ? true : shouldRetryHeader === 'false' ? false : undefined
  const retryAfterMs = parseRetryAfterMs(response.headers)
  const label = [vendor?.type, vendor?.code].filter((part) => part !== undefined && part !== '').join('/')
  const detail = vendor?.message === undefined ? '' : `: ${truncate(vendor.message, 300)}`
  const retryNote = retryAfterMs === undefined ? '' : ` (retry after ${Math.round(retryAfterMs)} ms)`
  return new AdapterError(
    'ADAPTER_HTTP_STATUS',
    `${protocol.vendor} answered HTTP ${response.status} to POST ${redactUrl(post.url)}${label === '' ? '' : ` ${label}`}${detail}${retryNote}`,
    {
      status: response.status,
      ...(vendor?.type === undefined ? {} : { vendorType: vendor.type }),
      ...(vendor?.code === undefined ? {} : { vendorCode: vendor.code }),
      retryable: shouldRetry ?? isRetryableStatus(response.status),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(shouldRetry === undefined ? {} : { shouldRetry }),
      body,
    },
  )
}

/** Statuses the official SDKs retry: 408, 409, 429 and every 5xx (Anthropic's 529 included). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500
}

/**
 * Milliseconds the server asked us to wait: `retry-after-ms` first (OpenAI, Anthropic), then
 * `Retry-After` as delta-seconds or an HTTP-date (relative to `nowEpochMs`, never negative).
 */
export function parseRetryAfterMs(headers: Record<string, string>, nowEpochMs: number = Date.now()): number | undefined {
  const milliseconds = headers['retry-after-ms']?.trim()
  if (milliseconds !== undefined && /^\d+(\.\d+)?$/.test(milliseconds)) return Number(milliseconds)
  const value = headers['retry-after']?.trim()
  if (value === undefined || value === '') return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowEpochMs)
}

export type TransportPhase = 'headers' | 'body'

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
])
const RESET_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'])
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
const ABORT_CODES = new Set(['UND_ERR_ABORTED', 'UND_ERR_ABORT', 'ABORT_ERR'])
const MALFORMED_CODES = new Set(['UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_INFO'])

function errorCodeOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && code !== '') return code
    current = current.cause
  }
  return undefined
}

/** Maps an undici/Node failure to the AdapterError the runner records. Unknown errors are bugs. */
export function mapTransportError(
  error: unknown,
  post: JsonPost,
  transport: HttpTransport,
  phase: TransportPhase,
): unknown {
  if (error instanceof AdapterError) return error
  const url = redactUrl(post.url)
  const where = phase === 'headers' ? 'before the response headers' : 'while reading the response body'
  if (post.signal?.aborted === true) {
    const reason: unknown = post.signal.reason
    const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : undefined
    return new AdapterError(
      'ADAPTER_ABORTED',
      `request to ${url} aborted by its signal ${where}${why === undefined || why === '' ? '' : ` (${scrubSecrets(why, post.secrets)})`}`,
      { cause: error },
    )
  }
  const code = errorCodeOf(error)
  const message = scrubSecrets(error instanceof Error ? error.message : String(error), post.secrets)
  const build = (adapterCode: ErrorCode, text: string, retryable: boolean): AdapterError =>
    new AdapterError(adapterCode, text, { cause: error, retryable })
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return build('ADAPTER_TIMEOUT', `no response headers from ${url} within ${transport.headersTimeoutMs} ms (headersTimeoutMs)`, true)
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return build('ADAPTER_TIMEOUT', `response body from ${url} idle for more than ${transport.bodyTimeoutMs} ms (bodyTimeoutMs)`, true)
  }
  if (code !== undefined && TIMEOUT_CODES.has(code)) return build('ADAPTER_TIMEOUT', `timed out on ${url}: ${message}`, true)
  if (code !== undefined && RESET_CODES.has(code)) {
    return build('ADAPTER_RESET', `connection to ${url} reset or closed ${where} (${code}: ${message})`, true)
  }
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    return build('ADAPTER_CONNECTION', `cannot connect to ${url} (${code}: ${message})`, true)
  }
  if ((code !== undefined && ABORT_CODES.has(code)) || (error instanceof Error && error.name === 'AbortError')) {
    return build('ADAPTER_ABORTED', `request to ${url} aborted ${where} (${message})`, false)
  }
  if ((code !== undefined && MALFORMED_CODES.has(code)) || code?.startsWith('HPE_') === true) {
    return build('ADAPTER_STREAM_MALFORMED', `invalid HTTP response from ${url} (${code}: ${message})`, false)
  }
  if (/other side closed|socket hang up/i.test(message)) {
    return build('ADAPTER_RESET', `connection to ${url} closed ${where} (${message})`, true)
  }
  // TLS and other system-level connect failures carry an errno-style or ERR_TLS/CERT code.
  if (code !== undefined && /^(E[A-Z]+|ERR_TLS_.*|ERR_SSL_.*|.*CERT.*)$/.test(code)) {
    return build('ADAPTER_CONNECTION', `cannot talk to ${url} (${code}: ${message})`, true)
  }
  return error
}

/**
 * The same error with every secret scrubbed from its message and body. The original is not
 * kept as `cause` when it held a secret.
 */
export function scrubAdapterError(error: AdapterError, secrets: readonly string[]): AdapterError {
  const message = scrubSecrets(error.message, secrets)
  const body = error.body === undefined ? undefined : scrubSecrets(error.body, secrets)
  if (message === error.message && body === error.body) return error
  const scrubbed = new AdapterError(error.code, message, {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.vendorType === undefined ? {} : { vendorType: error.vendorType }),
    ...(error.vendorCode === undefined ? {} : { vendorCode: error.vendorCode }),
    retryable: error.retryable,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    ...(error.shouldRetry === undefined ? {} : { shouldRetry: error.shouldRetry }),
    ...(body === undefined ? {} : { body }),
  })
  scrubbed.stack = `${scrubbed.name}: ${message}`
  return scrubbed
}

/** Secrets shorter than this are not scrubbed: replacing 2-letter strings would garble bodies. */
const MIN_SCRUBBED_SECRET_LENGTH = 6

/** Replaces every occurrence of each secret (servers echo keys in 401 bodies) with `[redacted]`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text
  for (const secret of secrets) {
    if (secret.length >= MIN_SCRUBBED_SECRET_LENGTH && result.includes(secret)) result = result.split(secret).join('[redacted]')
  }
  return result
}

// The URL rule lives in core/url.ts (reports use it too).
export { displayUrl, redactUrl }
