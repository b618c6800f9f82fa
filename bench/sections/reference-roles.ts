// The reference section's own process roles, each run in a fresh process: the engine (`run()`)
// against a mock, its samples read into the same figures as the reference client's, and the
// pacer run (a warm-up, a closed run for the CPU per request, then the open model at a rate), and
// the pacer's peer: a bare undici client paced by setTimeout at the same rate.
import { Agent, request } from 'undici'
import { run, type RunOptions } from '../../load/run.js'
import { benchRequest, benchTarget, countOutcomes, lazyRequests, sampleSink, warmEngine, wireRequest } from '../lib/engine.js'
import { cpuSeconds, sendResult } from '../lib/processes.js'
import { createRoundCollector, type ClientRound, type Expected, type ReferenceMode, type RequestTiming } from '../lib/reference-client.js'
import { CPU_USERS, PACER_WARMUP_REQUESTS, SHORT_TOKENS } from './reference-settings.js'

export interface EngineOptions {
  url: string
  mode: ReferenceMode
  requests: number
  /** Closed model: stop sending after this long (the request count is then a ceiling). */
  durationS?: number
  stream: boolean
  outputTokens: number
  ttftMs: number
  itlMs: number
  workers?: number
  /** Requests (by index) reported apart as the first wave; default: closed, its users; open, none. */
  firstWave?: number
}

export interface EngineRound extends ClientRound {
  /** From the run's summary: a cross-check, and the fallback if samples stop reaching sinks (workers). */
  summaryCompleted: number
  summaryTtftP99Ms: number | null
}

export async function engineRole(options: EngineOptions): Promise<void> {
  warmEngine()
  const expected: Expected = { ttftMs: options.ttftMs, itlMs: options.itlMs, stream: options.stream, outputTokens: options.outputTokens, firstWave: options.firstWave ?? (options.mode.type === 'closed' ? options.mode.users : 0) }
  const collector = createRoundCollector(expected, Math.min(options.requests, 1 << 16))
  const outcomes = countOutcomes()
  // CPU and wall time count from the moment the run starts sending (sinks start right before).
  let cpuBefore = process.cpuUsage()
  let startedAt = performance.now()
  const sink = {
    ...sampleSink((sample) => {
      outcomes.record(sample)
      if (sample.willRetry === true) return
      if (sample.outcome !== 'ok') return collector.fail(sample.outcome === 'http' ? `http_${sample.status ?? '?'}` : sample.outcome)
      const timing: RequestTiming = { index: Number(sample.requestId.slice(1)), gapsMs: sample.itlMs ?? [], e2eMs: sample.e2eMs ?? Number.NaN, chunks: sample.chunks ?? 0 }
      if (sample.ttftServiceMs !== undefined) timing.ttftMs = sample.ttftServiceMs
      collector.add(timing)
    }),
    start: async () => {
      cpuBefore = process.cpuUsage()
      startedAt = performance.now()
    },
  }
  const { mode } = options
  const runOptions: RunOptions & { workers?: number } = {
    traffic: {
      type: 'requests',
      requests: lazyRequests(options.requests, (index) => benchRequest(index, mode.type === 'open' ? (index * 1000) / mode.ratePerSecond : 0, options.outputTokens)),
    },
    target: benchTarget(options.url),
    schedule: mode.type === 'closed' ? { type: 'closed', users: mode.users, thinkTimeMs: 0 } : { type: 'open', timeScale: 1 },
    stream: options.stream,
    maxInFlight: mode.type === 'closed' ? mode.users : 2_000,
    patience: 'off',
    outDir: null,
    sinks: [sink],
    headersTimeoutMs: 120_000,
    bodyTimeoutMs: 120_000,
  }
  if (options.durationS !== undefined) runOptions.maxDurationMs = options.durationS * 1000
  if (options.workers !== undefined) runOptions.workers = options.workers
  const result = await run(runOptions)
  const cpuS = cpuSeconds(process.cpuUsage(cpuBefore))
  const wallS = (performance.now() - startedAt) / 1000
  sendResult({
    ...collector.finish(cpuS, wallS),
    outcomes: outcomes.counts,
    summaryCompleted: result.summary.requests.byOutcome['ok'] ?? 0,
    summaryTtftP99Ms: result.summary.latency.ttft_service_ms.p99,
  } satisfies EngineRound)
}

interface PacerOptions {
  url: string
  ratePerSecond: number
  durationS: number
  closedRequests: number
}

export interface MeasuredRun {
  cpuS: number
  wallS: number
  completed: number
  failed: number
}

export interface PacerRound {
  /** Closed model, 32 users, no think time, after the warm-up: the requests' own work. */
  closed: MeasuredRun
  /** Open model at the rate, right after, in the same process. */
  open: MeasuredRun
  /** The bare undici client at the same rate, in a process of its own (bareOpenRole). */
  bare?: MeasuredRun
}

/**
 * One process: a warm-up run (unmeasured: V8 compiles the engine's code on first use), a closed
 * run for the CPU per request, then the open-model run at the rate; non-streaming throughout.
 */
export async function pacerRole(options: PacerOptions): Promise<void> {
  warmEngine()
  const measure = async (schedule: NonNullable<RunOptions['schedule']>, count: number, offsetMs: (index: number) => number): Promise<MeasuredRun> => {
    let completed = 0
    let failed = 0
    let cpuBefore = process.cpuUsage()
    let startedAt = performance.now()
    const sink = {
      ...sampleSink((sample) => {
        if (sample.willRetry === true) return
        if (sample.outcome === 'ok') completed++
        else failed++
      }),
      start: async () => {
        cpuBefore = process.cpuUsage()
        startedAt = performance.now()
      },
    }
    await run({
      traffic: { type: 'requests', requests: lazyRequests(count, (index) => benchRequest(index, offsetMs(index), SHORT_TOKENS)) },
      target: benchTarget(options.url),
      schedule,
      stream: false,
      maxInFlight: schedule.type === 'closed' ? CPU_USERS : 2_000,
      patience: 'off',
      outDir: null,
      sinks: [sink],
    })
    return { cpuS: cpuSeconds(process.cpuUsage(cpuBefore)), wallS: (performance.now() - startedAt) / 1000, completed, failed }
  }
  const closedSchedule: NonNullable<RunOptions['schedule']> = { type: 'closed', users: CPU_USERS, thinkTimeMs: 0 }
  await measure(closedSchedule, PACER_WARMUP_REQUESTS, () => 0)
  const closed = await measure(closedSchedule, options.closedRequests, () => 0)
  const open = await measure({ type: 'open', timeScale: 1 }, Math.round(options.ratePerSecond * options.durationS), (index) => (index * 1000) / options.ratePerSecond)
  sendResult({ closed, open } satisfies PacerRound)
}

/**
 * The pacer's peer, in a fresh process of its own: the least a Node client does to send the same
 * requests at the same rate — undici `request()` on one Agent, each send timed by setTimeout, the
 * JSON answer parsed, nothing recorded. Warmed like the engine (the same closed warm-up, 32 at a
 * time), then the open model at the rate: its CPU ÷ its wall time is what the requests cost at
 * that rate with one wake-up each, the floor the engine's pacer is judged against.
 */
export async function bareOpenRole(options: PacerOptions): Promise<void> {
  const wire = wireRequest(options.url, { stream: false, outputTokens: SHORT_TOKENS })
  const agent = new Agent({ connections: CPU_USERS })
  let completed = 0
  let failed = 0
  const send = async (): Promise<void> => {
    try {
      const response = await request(wire.url, { method: 'POST', headers: wire.headers, body: wire.body, dispatcher: agent })
      const text = await response.body.text()
      if (response.statusCode === 200 && JSON.parse(text) !== null) completed++
      else failed++
    } catch {
      failed++
    }
  }
  for (let left = PACER_WARMUP_REQUESTS; left > 0; left -= CPU_USERS) await Promise.all(Array.from({ length: Math.min(CPU_USERS, left) }, send))
  completed = 0
  failed = 0
  const count = Math.round(options.ratePerSecond * options.durationS)
  const cpuBefore = process.cpuUsage()
  const startedAt = performance.now()
  const pending: Promise<void>[] = []
  for (let index = 0; index < count; index++) {
    const waitMs = startedAt + (index * 1000) / options.ratePerSecond - performance.now()
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs))
    pending.push(send())
  }
  await Promise.all(pending)
  const open: MeasuredRun = { cpuS: cpuSeconds(process.cpuUsage(cpuBefore)), wallS: (performance.now() - startedAt) / 1000, completed, failed }
  await agent.close()
  sendResult(open)
}
