// status: answers in place of the upstream with an HTTP error shaped like the vendor's own (OpenAI
// `{"error":{...}}`, Anthropic `{"type":"error",...}`), with `Retry-After` where vendors send it.
// Fires at a rate (toxicity) or in bursts: `burst: {every_ms, length_ms}` makes it active only in
// the first `length_ms` of every `every_ms` of run time.
import { z } from 'zod'
import type { CreateFault, FaultContext, Protocol, SyntheticResponse } from '../types.js'

export const statusParams = z
  .strictObject({
    /** HTTP status to answer with. */
    status: z.number().int().min(400).max(599).default(429),
    /** `Retry-After` in seconds; null sends none. Default: 1 for 429, 503 and 529, none otherwise. */
    retry_after_s: z.number().min(0).nullable().optional(),
    /** Replaces the vendor error message. */
    message: z.string().optional(),
    /** Replaces the whole body (a string is sent as is, an object as JSON). */
    body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    /** Active only in bursts: the first `length_ms` of every `every_ms` (shifted by `offset_ms`). */
    burst: z
      .strictObject({
        every_ms: z.number().positive(),
        length_ms: z.number().min(0),
        offset_ms: z.number().min(0).default(0),
      })
      .optional(),
  })
  .superRefine((params, context) => {
    if (params.burst !== undefined && params.burst.length_ms > params.burst.every_ms) {
      context.addIssue({ code: 'custom', path: ['burst', 'length_ms'], message: `must be ≤ every_ms (${params.burst.every_ms}), received ${params.burst.length_ms}; fix: shorten the burst or lengthen the period` })
    }
  })

export type StatusParams = z.output<typeof statusParams>

interface VendorError {
  type: string
  code: string | null
  message: string
}

function openAiError(status: number, model: string | undefined): VendorError {
  const modelName = model ?? 'this model'
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', code: null, message: 'Invalid request.' }
    case 401:
      return { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' }
    case 403:
      return { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Request not allowed.' }
    case 404:
      return { type: 'invalid_request_error', code: 'model_not_found', message: `The model \`${modelName}\` does not exist or you do not have access to it.` }
    case 429:
      return {
        type: 'requests',
        code: 'rate_limit_exceeded',
        message: `Rate limit reached for ${modelName} on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again later.`,
      }
    case 503:
      return { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' }
    default:
      return { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' }
  }
}

function anthropicError(status: number): VendorError {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', code: null, message: 'Invalid request.' }
    case 401:
      return { type: 'authentication_error', code: null, message: 'invalid x-api-key' }
    case 403:
      return { type: 'permission_error', code: null, message: 'Your API key does not have permission to use the specified resource.' }
    case 404:
      return { type: 'not_found_error', code: null, message: 'The requested resource could not be found.' }
    case 413:
      return { type: 'request_too_large', code: null, message: 'Request exceeds the maximum allowed number of bytes.' }
    case 429:
      return { type: 'rate_limit_error', code: null, message: 'This request would exceed the rate limit for your organization. Please try again later.' }
    case 504:
      return { type: 'timeout_error', code: null, message: 'Request timed out.' }
    case 529:
      return { type: 'overloaded_error', code: null, message: 'Overloaded' }
    default:
      return { type: 'api_error', code: null, message: 'Internal server error' }
  }
}

function requestId(context: FaultContext): string {
  let id = 'req_'
  for (let i = 0; i < 24; i++) id += (context.random.int(16)).toString(16)
  return id
}

/** The error answer a vendor of `protocol` would send for `status`. */
export function vendorErrorResponse(protocol: Protocol, params: StatusParams, context: FaultContext): SyntheticResponse {
  const status = params.status
  const id = requestId(context)
  const retryAfterS = params.retry_after_s === undefined ? (status === 429 || status === 503 || status === 529 ? 1 : null) : params.retry_after_s
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (retryAfterS !== null) headers['retry-after'] = String(Math.ceil(retryAfterS))
  let body: string
  if (protocol === 'anthropic') {
    headers['request-id'] = id
    if (status === 429) headers['anthropic-ratelimit-requests-remaining'] = '0'
    const error = anthropicError(status)
    body = JSON.stringify({ type: 'error', error: { type: error.type, message: params.message ?? error.message }, request_id: id })
  } else {
    headers['x-request-id'] = id
    if (retryAfterS !== null) headers['retry-after-ms'] = String(Math.round(retryAfterS * 1000))
    if (status === 429) headers['x-ratelimit-remaining-requests'] = '0'
    const error = openAiError(status, context.request.model)
    body = JSON.stringify({ error: { message: params.message ?? error.message, type: error.type, param: null, code: error.code } })
  }
  if (params.body !== undefined) {
    body = typeof params.body === 'string' ? params.body : JSON.stringify(params.body)
  }
  return { status, headers, body }
}

export const createStatusFault: CreateFault<StatusParams> = (params) => {
  const burst = params.burst
  return {
    type: 'status',
    ...(burst === undefined
      ? {}
      : {
          active: (context: FaultContext) => {
            const position = (((context.elapsedMs - burst.offset_ms) % burst.every_ms) + burst.every_ms) % burst.every_ms
            return position < burst.length_ms
          },
        }),
    async onRequest(context) {
      return vendorErrorResponse(context.protocol, params, context)
    },
  }
}
