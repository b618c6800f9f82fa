// The mock's whole-body answers: JSON with its length, vendor-shaped failures, retry headers.
import type { ServerResponse } from 'node:http'
import type { MockCounters, MockExchange } from './context.js'
import type { MockFailure } from './protocol.js'

/** Sends a whole JSON body; does nothing once a response has started or its client has gone. */
export function sendJson(response: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  if (response.headersSent || response.destroyed) return
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers })
  response.end(body)
}

/** Answers `failure` in the codec's vendor shape; counted as an error unless it is a 429/529 refusal. */
export function sendFailure(
  counters: MockCounters,
  { response, codec, requestId }: MockExchange,
  failure: MockFailure,
  headers: Record<string, string> = {},
): void {
  const shaped = codec.failure(failure, requestId)
  if (failure.kind !== 'rate_limit' && failure.kind !== 'queue_full') counters.errors++
  sendJson(response, shaped.status, shaped.body, { [codec.requestIdHeader]: requestId, ...headers })
}

/** `retry-after` in whole seconds (at least 1) as SDKs read it, plus the exact ms. */
export function retryHeaders(retryAfterMs: number): Record<string, string> {
  return {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
    'retry-after-ms': String(Math.ceil(retryAfterMs)),
    'x-should-retry': 'true',
  }
}
