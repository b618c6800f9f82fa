// Anthropic error bodies and `error` stream events → vendor type/message and AdapterError.
//
//   {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}, "request_id": "req_…"}
import { AdapterError, truncate } from '../../core/errors.js'
import type { VendorErrorInfo } from '../protocol.js'
import { isRecord, parseJson, recordField, stringField, type JsonRecord } from '../json-fields.js'

export function readAnthropicError(body: JsonRecord): VendorErrorInfo | undefined {
  const error = recordField(body, 'error')
  if (error === undefined) {
    const message = stringField(body, 'error')
    return message === undefined ? undefined : { message }
  }
  const info: VendorErrorInfo = {}
  const type = stringField(error, 'type')
  const message = stringField(error, 'message')
  if (type !== undefined && type !== '') info.type = type
  if (message !== undefined) info.message = message
  return info
}

export function parseAnthropicErrorBody(text: string): VendorErrorInfo | undefined {
  const parsed = parseJson(text)
  if (!parsed.ok || !isRecord(parsed.value)) return undefined
  return readAnthropicError(parsed.value)
}

/** Error types worth retrying: overload (529), server errors, rate limits and timeouts. */
const RETRYABLE_TYPES = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error'])

export function isRetryableAnthropicError(type: string | undefined): boolean {
  return type !== undefined && RETRYABLE_TYPES.has(type)
}

/** An `error` event inside a 200 stream (or an error-typed 200 body). */
export function createAnthropicStreamError(info: VendorErrorInfo, rawData: string): AdapterError {
  return new AdapterError(
    'ADAPTER_STREAM_ERROR',
    `Anthropic stream carried an error${info.type === undefined ? '' : ` ${info.type}`}: ${truncate(info.message ?? '(no message)', 300)}`,
    {
      ...(info.type === undefined ? {} : { vendorType: info.type }),
      retryable: isRetryableAnthropicError(info.type),
      body: rawData,
    },
  )
}
