// Every error the tool raises: one base class with a `code`, and every subclass here.
// Branch on `code`, never on message text. Exit codes are mapped in bin/ only.

export type ErrorCode =
  // user input: exit 2
  | 'USAGE_INVALID'
  | 'CONFIG_INVALID'
  | 'TARGET_INVALID'
  | 'TRAFFIC_INVALID'
  | 'TRACE_INVALID'
  | 'PRICING_INVALID'
  | 'THRESHOLD_INVALID'
  | 'CHAOS_INVALID'
  | 'CHAOS_UNKNOWN_FAULT'
  | 'ADAPTER_MISSING_KEY'
  | 'FILE_NOT_FOUND'
  | 'SPEND_NOT_CONFIRMED'
  | 'K6_SUMMARY_INVALID'
  // a request that failed: data, recorded by code, never a crash
  | 'ADAPTER_HTTP_STATUS'
  | 'ADAPTER_CONNECTION'
  | 'ADAPTER_RESET'
  | 'ADAPTER_TIMEOUT'
  | 'ADAPTER_STREAM_MALFORMED'
  | 'ADAPTER_STREAM_TRUNCATED'
  | 'ADAPTER_STREAM_ERROR'
  | 'ADAPTER_ABORTED'
  // a bug
  | 'INTERNAL'

export interface GauntletErrorOptions {
  cause?: unknown
}

/** Base of every error the tool raises on purpose. */
export class GauntletError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options: GauntletErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'GauntletError'
    this.code = code
  }
}

/**
 * A problem with what the user gave us (flags, files, config, environment). Printed as one
 * line — `message` must name the file or flag, the field, what was expected and the fix —
 * and mapped to exit code 2.
 */
export class UserError extends GauntletError {
  constructor(code: ErrorCode, message: string, options: GauntletErrorOptions = {}) {
    super(code, message, options)
    this.name = 'UserError'
  }
}

export interface AdapterErrorOptions extends GauntletErrorOptions {
  status?: number
  /** Vendor error type, e.g. `rate_limit_error`, `overloaded_error`, `invalid_request_error`. */
  vendorType?: string
  /** Vendor error code, e.g. `context_length_exceeded`, `rate_limit_exceeded`. */
  vendorCode?: string
  retryable?: boolean
  /** Parsed from `Retry-After` / `retry-after-ms`, in milliseconds. */
  retryAfterMs?: number
  /** `x-should-retry` header when the server sent one. */
  shouldRetry?: boolean
  /** Response body, truncated to 2 KiB. Never holds request headers. */
  body?: string
}

/** A request that failed at the HTTP or stream level. The runner records it as data. */
export class AdapterError extends GauntletError {
  readonly status: number | undefined
  readonly vendorType: string | undefined
  readonly vendorCode: string | undefined
  readonly retryable: boolean
  readonly retryAfterMs: number | undefined
  readonly shouldRetry: boolean | undefined
  readonly body: string | undefined
  constructor(code: ErrorCode, message: string, options: AdapterErrorOptions = {}) {
    super(code, message, options)
    this.name = 'AdapterError'
    this.status = options.status
    this.vendorType = options.vendorType
    this.vendorCode = options.vendorCode
    this.retryable = options.retryable ?? false
    this.retryAfterMs = options.retryAfterMs
    this.shouldRetry = options.shouldRetry
    this.body = options.body === undefined ? undefined : truncate(options.body, 2048)
  }
}

export function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}…[${text.length - maxChars} more]`
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError
}

export function isAdapterError(error: unknown): error is AdapterError {
  return error instanceof AdapterError
}
