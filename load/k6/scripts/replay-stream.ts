// k6 entry: replays a gauntlet traffic file with streaming requests and measures TTFT (first
// event that carries output text). Needs a k6 binary built with xk6-sse (module `k6/x/sse`).
//
//   sse.open(POST) ──► event* ──► onEvent: first content? ─► TTFT
//                               ├─ patience ran out ─────► close, abandoned
//                               └─ [DONE] / message_stop ► close, ok
//
// xk6-sse blocks the VU until the stream closes and offers no timeout of its own, so patience
// is checked as events arrive: a server that sends nothing at all holds the VU until k6 stops it.
import { check } from 'k6'
import type { Options } from 'k6/options'
import sse from 'k6/x/sse'
import { plan } from './lib/config.js'
import { recordFinished, recordSend, runApiKey, runTarget, takeSlot } from './lib/replay-common.js'
import type { K6Outcome } from './lib/plan.js'
import { summaryOutputs } from './lib/summary.js'
import { buildVendorRequest, createStreamState } from './lib/vendor.js'

export const options = plan.options as Options

export default function replayStream(): void {
  const slot = takeSlot()
  if (slot === undefined) return
  const target = runTarget()
  const request = buildVendorRequest(target, slot.entry, { stream: true, apiKey: runApiKey() })
  const state = createStreamState(target.vendor)
  const patienceTtftMs = slot.entry.patienceTtftMs
  const patienceE2eMs = slot.entry.patienceE2eMs
  let firstContentAtMs: number | undefined
  let doneAtMs: number | undefined
  let streamError: string | undefined
  let abandoned = false
  const sentAtMs = Date.now()
  recordSend(slot, sentAtMs)
  const response = sse.open(
    request.url,
    { method: 'POST', headers: request.headers, body: request.body, tags: { name: 'llm', task: slot.entry.task } },
    (client) => {
      client.on('event', (event) => {
        if (abandoned || doneAtMs !== undefined) return
        const nowMs = Date.now()
        const waitedMs = nowMs - slot.scheduledAtMs
        const step = state.onEvent(event.name, event.data)
        if (step.content && firstContentAtMs === undefined) {
          if (patienceTtftMs !== undefined && waitedMs > patienceTtftMs) {
            abandoned = true
            client.close()
            return
          }
          firstContentAtMs = nowMs
        }
        if (patienceE2eMs !== undefined && waitedMs > patienceE2eMs && !step.done) {
          abandoned = true
          client.close()
          return
        }
        if (firstContentAtMs === undefined && patienceTtftMs !== undefined && waitedMs > patienceTtftMs) {
          abandoned = true
          client.close()
          return
        }
        if (step.error !== undefined) {
          streamError = step.error
          client.close()
          return
        }
        if (step.done) {
          doneAtMs = nowMs
          client.close()
        }
      })
      client.on('error', (error) => {
        // Non-SSE lines (an HTTP error's JSON body) arrive here too; the status decides the outcome.
        if (streamError === undefined) streamError = error && typeof error.error === 'function' ? error.error() : String(error)
      })
    },
  )
  const endAtMs = doneAtMs === undefined ? Date.now() : doneAtMs
  const status = response ? response.status : 0
  let outcome: K6Outcome
  if (abandoned) outcome = 'abandoned'
  else if (!response || status === 0) outcome = 'connection'
  else if (status < 200 || status >= 300) outcome = 'http'
  else if (doneAtMs !== undefined) outcome = 'ok'
  else if (streamError !== undefined) outcome = 'stream-error'
  else outcome = 'truncated'
  check(response, {
    'status is 2xx': () => status >= 200 && status < 300,
    'stream completed': () => outcome === 'ok',
  })
  recordFinished({ slot, outcome, sentAtMs, endAtMs, firstContentAtMs, usage: state.usage, status })
}

export function handleSummary(data: unknown): Record<string, string> {
  return summaryOutputs(data, plan, __ENV)
}
