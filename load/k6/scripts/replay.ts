// k6 entry: replays a gauntlet traffic file against one endpoint with non-streaming requests.
// Core k6 buffers response bodies, so TTFT is not measured here (llm_ttft stays empty); the
// streaming variant replay-stream.ts measures it with the xk6-sse extension.
import { check } from 'k6'
import http from 'k6/http'
import type { Options } from 'k6/options'
import { plan } from './lib/config.js'
import {
  patienceLimitMs,
  recordAbandonedBeforeSend,
  recordFinished,
  recordSend,
  runApiKey,
  runTarget,
  takeSlot,
} from './lib/replay-common.js'
import type { K6Outcome } from './lib/plan.js'
import { summaryOutputs } from './lib/summary.js'
import { buildVendorRequest, parseJsonResponse } from './lib/vendor.js'

export const options = plan.options as Options

// k6 error code for a request that ran out of time (k6 docs, "Error codes").
const K6_REQUEST_TIMEOUT = 1050

export default function replay(): void {
  const slot = takeSlot()
  if (slot === undefined) return
  const target = runTarget()
  const request = buildVendorRequest(target, slot.entry, { stream: false, apiKey: runApiKey() })
  const sentAtMs = Date.now()
  let timeoutMs = plan.requestTimeoutMs
  let patienceBound = false
  const limitMs = patienceLimitMs(slot.entry)
  if (limitMs !== undefined) {
    // The user waits from the scheduled time; whatever lag already passed is off their patience.
    const leftMs = slot.scheduledAtMs + limitMs - sentAtMs
    if (leftMs <= 0) {
      recordAbandonedBeforeSend()
      return
    }
    if (leftMs < timeoutMs) {
      timeoutMs = leftMs
      patienceBound = true
    }
  }
  recordSend(slot, sentAtMs)
  const response = http.post(request.url, request.body, {
    headers: request.headers,
    timeout: Math.max(1, Math.ceil(timeoutMs)),
    tags: { name: 'llm', task: slot.entry.task },
    responseType: 'text',
  })
  const endAtMs = Date.now()
  const body = typeof response.body === 'string' ? response.body : ''
  const parsed = response.status >= 200 && response.status < 300 ? parseJsonResponse(target.vendor, body) : undefined
  let outcome: K6Outcome
  if (response.status === 0) {
    if (response.error_code === K6_REQUEST_TIMEOUT) outcome = patienceBound ? 'abandoned' : 'timeout'
    else outcome = 'connection'
  } else if (response.status < 200 || response.status >= 300) outcome = 'http'
  else outcome = parsed === undefined ? 'malformed-stream' : 'ok'
  check(response, {
    'status is 2xx': (r) => r.status >= 200 && r.status < 300,
    'answer parses': () => parsed !== undefined,
  })
  recordFinished({
    slot,
    outcome,
    sentAtMs,
    endAtMs,
    usage: parsed === undefined ? undefined : parsed.usage,
    status: response.status,
  })
}

export function handleSummary(data: unknown): Record<string, string> {
  return summaryOutputs(data, plan, __ENV)
}
