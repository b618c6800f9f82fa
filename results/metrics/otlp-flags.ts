// `--otlp`, `--otlp-interval`, `--otlp-header` -> OTLP push options, one-line errors. Header values
// are secrets (collector auth): no message ever shows one.
import { parseDurationMs } from '../../core/duration.js'
import { UserError } from '../../core/errors.js'

export interface OtlpFlags {
  otlp?: string
  otlpInterval?: string
  otlpHeader?: string[]
}

export interface OtlpOptions {
  /** The collector's OTLP/HTTP metrics URL. */
  url: string
  /** The URL as logs show it: no user, password or query. */
  shownUrl: string
  intervalMs: number
  headers: Record<string, string>
}

export const DEFAULT_OTLP_INTERVAL_MS = 5_000
const EXAMPLE = 'e.g. --otlp http://127.0.0.1:4318/v1/metrics'
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** The URL without credentials or query, for logs. */
export function shownOtlpUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`
}

/** Undefined when no `--otlp` was given. A bare `http://host:4318` gets the standard `/v1/metrics` path. */
export function parseOtlpFlags(flags: OtlpFlags): OtlpOptions | undefined {
  if (flags.otlp === undefined) {
    if (flags.otlpInterval !== undefined || (flags.otlpHeader ?? []).length > 0) {
      throw new UserError('USAGE_INVALID', `--otlp-interval and --otlp-header need --otlp; ${EXAMPLE}`)
    }
    return undefined
  }
  let url: URL
  try {
    url = new URL(flags.otlp.trim())
  } catch {
    throw new UserError('USAGE_INVALID', `--otlp '${flags.otlp}' is not a URL; ${EXAMPLE} (a collector's OTLP/HTTP receiver)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    // Only the scheme is echoed: the rest may hold credentials (`collector:4318` reads as scheme `collector:`).
    throw new UserError('USAGE_INVALID', `--otlp must be an http:// or https:// URL, not '${url.protocol}' (OTLP/HTTP; gRPC is not supported); ${EXAMPLE}`)
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/metrics'
  let intervalMs = DEFAULT_OTLP_INTERVAL_MS
  if (flags.otlpInterval !== undefined) {
    const ms = parseDurationMs(flags.otlpInterval)
    if (ms === undefined || ms < 100) {
      throw new UserError('USAGE_INVALID', `--otlp-interval '${flags.otlpInterval}' is not a duration of at least 100ms; e.g. --otlp-interval 5s (default) or 200ms`)
    }
    intervalMs = ms
  }
  const headers: Record<string, string> = {}
  for (const [index, header] of (flags.otlpHeader ?? []).entries()) {
    const equals = header.indexOf('=')
    const name = equals === -1 ? '' : header.slice(0, equals).trim()
    // Neither the value nor a header without `=` (it may be a bare token) is echoed.
    if (!HEADER_NAME.test(name)) {
      throw new UserError('USAGE_INVALID', `--otlp-header number ${index + 1} is not name=value with a valid header name (value not shown); e.g. --otlp-header "authorization=Bearer $TOKEN"`)
    }
    headers[name.toLowerCase()] = header.slice(equals + 1).trim()
  }
  return { url: url.toString(), shownUrl: shownOtlpUrl(url), intervalMs, headers }
}
