// What both replay scripts share: the traffic (SharedArray), which request an iteration sends
// and when, the target and key from __ENV, and recording one finished request into the metrics.
import { sleep } from 'k6'
import { SharedArray } from 'k6/data'
import exec from 'k6/execution'
import { plan } from './config.js'
import { metrics } from './metrics.js'
import type { K6Outcome, K6Target, K6TrafficEntry } from './plan.js'
import { spendUsd, type ParsedUsage } from './vendor.js'

// Read once in the init context and shared by every VU; relative to this script.
const trafficPath = __ENV['GAUNTLET_TRAFFIC'] || './traffic.json'
export const traffic = new SharedArray<K6TrafficEntry>('gauntlet-traffic', () => JSON.parse(open(trafficPath)) as K6TrafficEntry[])

/** The plan's target, with `GAUNTLET_BASE_URL` overriding the base URL (e.g. a Service name in a cluster). */
export function runTarget(): K6Target {
  const override = __ENV['GAUNTLET_BASE_URL']
  if (!override) return plan.target
  const copy = JSON.parse(JSON.stringify(plan.target)) as K6Target
  copy.baseUrl = override
  return copy
}

export function runApiKey(): string | undefined {
  const name = plan.target.keyEnv
  if (name === null) return undefined
  // Trimmed, empty meaning unset, as the adapters read keys (adapters/settings.ts envValue).
  const key = (__ENV[name] || '').trim()
  return key !== '' ? key : undefined
}

// Fail in the init context, before any VU starts, rather than send hundreds of 401s.
if (plan.target.keyRequired && !__ENV['GAUNTLET_BASE_URL'] && runApiKey() === undefined) {
  throw new Error(
    `${plan.target.keyEnv} is not set: run \`${plan.target.keyEnv}=... k6 run script.js\` (k6 passes the environment to the script as __ENV)`,
  )
}

export interface Slot {
  entry: K6TrafficEntry
  index: number
  /** When the request should be sent, epoch ms: latencies are measured from here. */
  scheduledAtMs: number
  /** scenario start + traffic offset, epoch ms: what the traffic file asked for. */
  intendedAtMs: number
}

/**
 * The request this iteration sends. Iteration n of the scenario (across all k6 instances) sends
 * request n of the traffic. Rate mode: k6 already started the iteration on its schedule, so
 * that is the scheduled time. Exact mode: sleep until the request's own offset.
 */
export function takeSlot(): Slot | undefined {
  const index = exec.scenario.iterationInTest
  if (index >= traffic.length) return undefined
  const entry = traffic[index] as K6TrafficEntry
  const intendedAtMs = exec.scenario.startTime + entry.offsetMs
  if (plan.schedule === 'exact') {
    const waitMs = intendedAtMs - Date.now()
    if (waitMs > 0) sleep(waitMs / 1000)
    return { entry, index, scheduledAtMs: intendedAtMs, intendedAtMs }
  }
  return { entry, index, scheduledAtMs: Date.now(), intendedAtMs }
}

/** The simulated user's overall limit from the scheduled time for a non-streaming answer. */
export function patienceLimitMs(entry: K6TrafficEntry): number | undefined {
  const limits: number[] = []
  if (entry.patienceTtftMs !== undefined) limits.push(entry.patienceTtftMs)
  if (entry.patienceE2eMs !== undefined) limits.push(entry.patienceE2eMs)
  return limits.length === 0 ? undefined : Math.min.apply(null, limits)
}

export interface Finished {
  slot: Slot
  outcome: K6Outcome
  sentAtMs: number
  endAtMs: number
  firstContentAtMs?: number
  usage?: ParsedUsage
  status?: number
}

export function recordSend(slot: Slot, sentAtMs: number): void {
  metrics.scheduleLag.add(sentAtMs - slot.intendedAtMs)
}

/**
 * One request's metrics. Latencies of answers that did not complete are left out of the
 * latency trends (they are counted by outcome instead); TTFT is kept whenever content arrived.
 */
export function recordFinished(result: Finished): void {
  const tags = { outcome: result.outcome }
  metrics.requests.add(1, tags)
  metrics.errors.add(result.outcome !== 'ok' && result.outcome !== 'abandoned')
  metrics.abandoned.add(result.outcome === 'abandoned')
  if (result.firstContentAtMs !== undefined && result.outcome !== 'abandoned') {
    metrics.ttft.add(result.firstContentAtMs - result.slot.scheduledAtMs)
    metrics.ttftService.add(result.firstContentAtMs - result.sentAtMs)
  }
  if (result.outcome !== 'ok') return
  metrics.e2e.add(result.endAtMs - result.slot.scheduledAtMs)
  metrics.e2eService.add(result.endAtMs - result.sentAtMs)
  const usage = result.usage || {}
  if (result.firstContentAtMs !== undefined && usage.outputTokens !== undefined && usage.outputTokens > 1) {
    metrics.tpot.add((result.endAtMs - result.firstContentAtMs) / (usage.outputTokens - 1))
  }
  if (usage.inputTokens !== undefined) metrics.inputTokens.add(usage.inputTokens)
  if (usage.cachedInputTokens !== undefined) metrics.cachedInputTokens.add(usage.cachedInputTokens)
  if (usage.outputTokens !== undefined) metrics.outputTokens.add(usage.outputTokens)
  const usd = spendUsd(usage, plan.price)
  if (usd === undefined) metrics.unpriced.add(1)
  else metrics.spendUsd.add(usd)
}

/**
 * A user whose patience ran out before the request could even be sent (exact mode, VUs busy):
 * counted in the abandonment and error rates, never sent, so not in `llm_requests`.
 */
export function recordAbandonedBeforeSend(): void {
  metrics.abandoned.add(true)
  metrics.errors.add(false)
}
