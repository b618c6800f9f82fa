// OpenAI-shaped error bodies → vendor type/code/message, and in-stream `{"error": ...}` chunks → AdapterError.
//
//   {"error": {"message": "...", "type": "requests", "param": null, "code": "rate_limit_exceeded"}}   OpenAI
//   {"error": {"object": "error", "message": "...", "type": "BadRequestError", "code": 400}}          vLLM
//   {"error": "...", "error_type": "..."}                                                             TGI
import { AdapterError, truncate } from '../../core/errors.js'
import type { VendorErrorInfo } from '../protocol.js'
import { codeField, isRecord, parseJson, stringField, type JsonRecord } from '../json-fields.js'

/** Reads the `error` member of a parsed body (object or bare string forms). */
export function readOpenAiError(body: JsonRecord): VendorErrorInfo | undefined {
  const error = body['error']
  if (isRecord(error)) {
    const info: VendorErrorInfo = {}
    const message = stringField(error, 'message')
    const type = stringField(error, 'type')
    const code = codeField(error, 'code')
    if (message !== undefined) info.message = message
    if (type !== undefined && type !== '') info.type = type
    if (code !== undefined) info.code = code
    return info
  }
  if (typeof error === 'string') {
    const info: VendorErrorInfo = { message: error }
    const type = stringField(body, 'error_type')
    if (type !== undefined && type !== '') info.type = type
    return info
  }
  // Some servers answer errors as {"message": ..., "type": ...} at the top level.
  const message = stringField(body, 'message')
  if (message !== undefined && body['choices'] === undefined) {
    const info: VendorErrorInfo = { message }
    const type = stringField(body, 'type')
    const code = codeField(body, 'code')
    if (type !== undefined && type !== '') info.type = type
    if (code !== undefined) info.code = code
    return info
  }
  return undefined
}

/** An HTTP error body (any text) → what it says, or undefined when it is not OpenAI-shaped JSON. */
export function parseOpenAiErrorBody(text: string): VendorErrorInfo | undefined {
  const parsed = parseJson(text)
  if (!parsed.ok || !isRecord(parsed.value)) return undefined
  return readOpenAiError(parsed.value)
}

const RETRYABLE_TYPES = new Set(['server_error', 'api_error', 'overloaded_error', 'rate_limit_error', 'service_unavailable', 'timeout'])
const RETRYABLE_CODES = new Set(['rate_limit_exceeded', 'server_error', 'overloaded', 'service_unavailable'])

/** In-stream errors carry no status; judge by type/code (numeric codes are HTTP statuses, as in vLLM). */
export function isRetryableOpenAiError(info: VendorErrorInfo): boolean {
  if (info.type !== undefined && RETRYABLE_TYPES.has(info.type)) return true
  if (info.code === undefined) return false
  if (RETRYABLE_CODES.has(info.code)) return true
  const status = /^\d{3}$/.test(info.code) ? Number(info.code) : undefined
  return status !== undefined && (status === 408 || status === 409 || status === 429 || status >= 500)
}

/** The AdapterError for an error object found inside a 200 answer (stream chunk or JSON body). */
export function createOpenAiStreamError(info: VendorErrorInfo, rawData: string, vendor: string): AdapterError {
  const label = [info.type, info.code].filter((part) => part !== undefined).join('/')
  return new AdapterError(
    'ADAPTER_STREAM_ERROR',
    `${vendor} stream carried an error${label === '' ? '' : ` ${label}`}: ${truncate(info.message ?? '(no message)', 300)}`,
    {
      ...(info.type === undefined ? {} : { vendorType: info.type }),
      ...(info.code === undefined ? {} : { vendorCode: info.code }),
      retryable: isRetryableOpenAiError(info),
      body: rawData,
    },
  )
}
