// `gauntlet probe`: raw HTTP saturation of an endpoint or gateway with autocannon — as many
// non-streaming requests as N connections can carry for S seconds, bodies taken round-robin
// from a traffic file. It answers "how many req/s before it falls over", not "how do users fare":
// closed-loop load, so latency here is service time under saturation (no schedule, no patience).
import autocannon from 'autocannon'
import { k6Entry } from './k6/entry.js'
import type { K6TrafficInput } from './k6/export.js'
import type { K6Target, K6TrafficEntry } from './k6/scripts/lib/plan.js'
import { buildVendorRequest } from './k6/scripts/lib/vendor.js'

export interface ProbeOptions {
  target: K6Target
  /** For reports: the target spec without secrets. */
  label: string
  /** Held in memory for the request headers only; never in the summary. */
  apiKey?: string
  /** Requests whose bodies are sent in turn (each connection cycles through them). */
  entries: readonly K6TrafficEntry[]
  connections: number
  durationS: number
  pipelining: number
  /** Seconds before autocannon counts a request as timed out (default 30). */
  timeoutS?: number
  signal?: AbortSignal
}

export interface ProbeStats {
  p50: number
  p90: number
  p99: number
  p999: number
  max: number
  mean: number
  min: number
  stddev: number
}

export interface ProbeSummary {
  source: 'autocannon'
  target: { label: string; url: string }
  connections: number
  pipelining: number
  durationS: number
  /** Measured run time, s. */
  elapsedS: number
  bodies: number
  requests: {
    /** Responses received in full. */
    completed: number
    /** Requests written to the sockets (in-flight ones at the stop never complete). */
    sent: number
    /** Completed responses per one-second sample: `max` is the saturation figure. */
    per_s: { mean: number; stddev: number; min: number; max: number; p50: number }
    /** completed / elapsed. */
    overall_per_s: number
  }
  /** Every completed response, whatever its status; autocannon's resolution is 1 ms. */
  latency_ms: ProbeStats
  /** Connection errors and timeouts (autocannon counts timeouts as errors too). */
  errors: number
  timeouts: number
  non2xx: number
  statusCodes: Record<string, number>
  bytes: { total: number; per_s_mean: number }
  notes: string[]
}

/** A short prompt for probing without a traffic file. */
export function defaultProbeEntry(): K6TrafficEntry {
  return {
    id: 'probe',
    offsetMs: 0,
    userId: 'probe',
    task: 'probe',
    messages: [{ role: 'user', content: 'Reply with the single word: pong.' }],
    maxOutputTokens: 16,
    targetOutputTokens: 8,
    inputTokens: 9,
  }
}

/** The first `max` requests of a traffic, prompts expanded, as probe bodies. */
export async function probeEntries(traffic: K6TrafficInput, max: number): Promise<K6TrafficEntry[]> {
  const entries: K6TrafficEntry[] = []
  for await (const request of traffic.requests()) {
    if (entries.length >= max) break
    const entry = k6Entry(request, traffic.expand)
    entries.push(entry)
  }
  return entries
}

function histogramStats(histogram: autocannon.Histogram): ProbeStats {
  return {
    p50: histogram.p50,
    p90: histogram.p90,
    p99: histogram.p99,
    p999: histogram.p99_9,
    max: histogram.max,
    mean: histogram.mean,
    min: histogram.min,
    stddev: histogram.stddev,
  }
}

/** autocannon's result -> our probe summary. Pure. */
export function probeSummaryFrom(
  result: autocannon.Result,
  meta: { label: string; url: string; bodies: number; durationS: number },
): ProbeSummary {
  const statusCodes: Record<string, number> = {}
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0
  const notes: string[] = []
  if (result.requests.total === 0) notes.push('no response completed: check the target URL and that the server is up')
  if (result.non2xx > 0) notes.push(`${result.non2xx} responses were not 2xx: saturation may be the endpoint refusing work, not serving it`)
  if (result.errors > 0) notes.push(`${result.errors} connection errors (${result.timeouts} timeouts)`)
  if (result.requests.total > 0 && result.latency.p50 === 0) notes.push('latencies under 1 ms show as 0: autocannon records whole milliseconds')
  return {
    source: 'autocannon',
    target: { label: meta.label, url: meta.url },
    connections: result.connections,
    pipelining: result.pipelining,
    durationS: meta.durationS,
    elapsedS: result.duration,
    bodies: meta.bodies,
    requests: {
      completed: result.requests.total,
      sent: result.requests.sent,
      per_s: {
        mean: result.requests.mean,
        stddev: result.requests.stddev,
        min: result.requests.min,
        max: result.requests.max,
        p50: result.requests.p50,
      },
      overall_per_s: result.duration > 0 ? result.requests.total / result.duration : 0,
    },
    latency_ms: histogramStats(result.latency),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    bytes: { total: result.throughput.total, per_s_mean: result.throughput.mean },
    notes,
  }
}

export async function runProbe(options: ProbeOptions): Promise<ProbeSummary> {
  const entries = options.entries.length > 0 ? options.entries : [defaultProbeEntry()]
  const built = entries.map((entry) => buildVendorRequest(options.target, entry, { stream: false, ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }) }))
  const first = built[0]
  if (first === undefined) throw new Error('no probe request to send')
  const url = new URL(first.url)
  const path = `${url.pathname}${url.search}`
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: url.href,
        connections: options.connections,
        duration: options.durationS,
        pipelining: options.pipelining,
        timeout: options.timeoutS ?? 30,
        method: 'POST',
        requests: built.map((request) => ({ method: 'POST', path, headers: request.headers, body: request.body })),
      },
      (error: Error | null, value: autocannon.Result) => {
        options.signal?.removeEventListener('abort', stop)
        if (error) reject(error)
        else resolve(value)
      },
    )
    const stop = (): void => instance.stop()
    options.signal?.addEventListener('abort', stop, { once: true })
  })
  // The URL carries no key (keys travel in headers only); the label is the spec without secrets.
  return probeSummaryFrom(result, { label: options.label, url: `${url.origin}${url.pathname}`, bodies: built.length, durationS: options.durationS })
}

function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-'
}

/** autocannon records whole milliseconds: a 0 means under 1 ms, not no time. */
function ms(value: number, completed: number): string {
  return value === 0 && completed > 0 ? '<1' : fixed(value, 0)
}

/** The terminal table. */
export function formatProbeTable(summary: ProbeSummary): string {
  const done = summary.requests.completed
  const lines = [
    `probe ${summary.target.label} (${summary.target.url}): ${summary.connections} connections x ${summary.pipelining} pipelined, ${fixed(summary.elapsedS)} s, ${summary.bodies} bodies`,
    `  req/s      max ${fixed(summary.requests.per_s.max, 0)}   mean ${fixed(summary.requests.per_s.mean)}   stddev ${fixed(summary.requests.per_s.stddev)}   overall ${fixed(summary.requests.overall_per_s)}`,
    `  latency ms p50 ${ms(summary.latency_ms.p50, done)}   p90 ${ms(summary.latency_ms.p90, done)}   p99 ${ms(summary.latency_ms.p99, done)}   max ${ms(summary.latency_ms.max, done)}   mean ${fixed(summary.latency_ms.mean)}`,
    `  requests   ${summary.requests.completed} completed of ${summary.requests.sent} sent   non-2xx ${summary.non2xx}   errors ${summary.errors} (timeouts ${summary.timeouts})`,
    `  status     ${Object.entries(summary.statusCodes).map(([code, count]) => `${code}: ${count}`).join('   ') || '-'}`,
    `  bytes      ${summary.bytes.total} total, ${fixed(summary.bytes.per_s_mean / 1024)} KiB/s mean`,
  ]
  for (const note of summary.notes) lines.push(`  note: ${note}`)
  return `${lines.join('\n')}\n`
}
