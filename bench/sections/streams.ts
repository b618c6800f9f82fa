// Section 2, streams: SSE streams held open at once against the mock with exact timing (TTFT and
// ITL injected per request), 1k, then 5k, then 10k in one round. At each level, once the streams
// are open, probe streams are sent at a gentle rate; their TTFT error against the injected value
// is the figure. The peer is a bare undici client on the same mock with the same plan: the floor
// that the mock's timers, loopback and the shared cores leave.
//
//   streams open ▲                                ┌──────────────┐
//          10k   │                        ramp ╱  │ settle probes│
//           5k   │            ┌──────────┐  ╱      └──────────────┘ all end
//           1k   │ ╱ settle probes │ ╱
//                └────────────────────────────────────────────────► time
import { Agent, request } from 'undici'
import { run } from '../../load/run.js'
import { benchRequest, benchTarget, countOutcomes, sampleSink, warmEngine, wireRequest } from '../lib/engine.js'
import { readTcpCounters, tcpDelta, type TcpCounters } from '../lib/netstat.js'
import { runClientRole, sendResult, startServerRole } from '../lib/processes.js'
import type { Row } from '../lib/report.js'
import { sectionCommand, type BenchContext, type Section, type SectionOutcome } from '../lib/section.js'
import { createNumberBuffer, openAt, percentiles, peakOverlap, spread, type NumberBuffer, type Percentiles } from '../lib/stats.js'

const TTFT_MS = 200
const ITL_MS = 1_000
const SETTLE_MS = 1_500
const PROBE_PER_S = 150
const PROBE_MS = 2_000
const PROBE_TOKENS = 2
const TAIL_MS = 500

/** Why the goal is missed, from the rounds and profiling (not re-measured by `make bench`). */
const STREAMS_CAUSES = [
  'Cause: with N streams already held, the probes\' TTFT error is close to the raw client\'s (the engine adds about a millisecond at the median); the p99 of both is set by the machine (shared cores, the mock\'s 1 ms timers), and ≤ 1 ms p99 is not observable here even for a bare client. Where the engine falls far behind is while streams are opened on top of thousands held (TTFT error while opening, ITL error p99): each new stream costs the engine ≈ 200 µs of CPU plus a listener on the run\'s shared AbortSignal (load/attempt.ts `runAttempt`), and Node\'s EventTarget checks every listener already there on add (≈ 90 µs per add+remove at 10,000), so the loop stalls and every held stream\'s next chunk waits.',
  'A/B (10,000 held, 2 interleaved rounds each, same machine): the same bundle with that one listener replaced by a Set of in-flight callbacks aborted from a single listener gave TTFT error while opening p99 90 / 61 ms instead of 725 / 238 ms, ITL error p99 131 / 191 ms instead of 583 / 599 ms, probe TTFT error p50 2.0 / 1.8 ms instead of 3.5 / 2.7 ms, schedule lag p99 36 / 16 ms instead of 276 / 39 ms. What to change: load/attempt.ts — one run-signal listener in the runner for all attempts.',
  'Earlier versions of this benchmark opened streams at 2,500–5,000/s: the machine\'s accept queues then overflowed (counted here as TcpExt ListenOverflows) and dropped SYNs came back after 1 s, adding whole seconds of TTFT to both clients; the ramp is 1,000/s for that reason.',
]

export interface StreamPlanItem {
  offsetMs: number
  tokens: number
  /** Index of the level (0 = the first size). */
  level: number
  probe: boolean
}

export interface StreamPlan {
  items: StreamPlanItem[]
  /** Per level: when its probes start and end (ms from the start). */
  probeWindows: [number, number][]
  endMs: number
}

/**
 * Held streams opened at `rampPerS` up to each level in turn, each level followed by a settle time
 * and a probe window; every held stream lasts until the last probe window is over.
 */
export function streamPlan(levels: readonly number[], rampPerS: number): StreamPlan {
  const items: StreamPlanItem[] = []
  const probeWindows: [number, number][] = []
  const probes = Math.round((PROBE_PER_S * PROBE_MS) / 1000)
  let clockMs = 0
  let opened = 0
  levels.forEach((target, level) => {
    const toOpen = Math.max(0, target - opened)
    for (let k = 0; k < toOpen; k++) items.push({ offsetMs: clockMs + (k * 1000) / rampPerS, tokens: 0, level, probe: false })
    opened += toOpen
    clockMs += (toOpen * 1000) / rampPerS + SETTLE_MS
    for (let k = 0; k < probes; k++) items.push({ offsetMs: clockMs + (k * PROBE_MS) / probes, tokens: PROBE_TOKENS, level, probe: true })
    probeWindows.push([clockMs, clockMs + PROBE_MS])
    clockMs += PROBE_MS
  })
  const endMs = clockMs + TAIL_MS
  for (const item of items) {
    if (!item.probe) item.tokens = Math.ceil((endMs - item.offsetMs - TTFT_MS) / ITL_MS) + 1
  }
  items.sort((a, b) => a.offsetMs - b.offsetMs)
  return { items, probeWindows, endMs }
}

interface StreamOptions {
  url: string
  levels: number[]
  rampPerS: number
}

export interface LevelFigures {
  streams: number
  /** Streams open (headers received, end not yet) in the middle of this level's probe window. */
  openAtProbes: number
  /** Probes: sent while the level's streams were held. */
  ttftErrorMs: Percentiles
  /** The streams opened on the way to this level. */
  rampTtftErrorMs: Percentiles
}

export interface StreamRound {
  completed: number
  failed: number
  peakOpen: number
  levels: LevelFigures[]
  itlErrorMs: Percentiles
  /** Engine only: how late sends left against their schedule. */
  scheduleLagMs?: Percentiles
  outcomes?: Record<string, number>
  /** Machine-wide accept-queue overflows and SYN retransmits during the round (filled in by the orchestrator). */
  tcp?: TcpCounters
  /** Mock CPU share of one core during the round (filled in by the orchestrator). */
  mockCpuShare?: number
}

interface Collector {
  probeTtft: NumberBuffer[]
  rampTtft: NumberBuffer[]
  itl: NumberBuffer
  open: [number, number][]
  add(item: StreamPlanItem, ttftErrorMs: number): void
}

function createCollector(levels: number): Collector {
  const probeTtft = Array.from({ length: levels }, () => createNumberBuffer(512))
  const rampTtft = Array.from({ length: levels }, () => createNumberBuffer(4096))
  return {
    probeTtft,
    rampTtft,
    itl: createNumberBuffer(1 << 16),
    open: [],
    add(item, error) {
      ;(item.probe ? probeTtft : rampTtft)[item.level]?.push(error)
    },
  }
}

function finish(collector: Collector, options: StreamOptions, plan: StreamPlan, completed: number, failed: number): StreamRound {
  return {
    completed,
    failed,
    peakOpen: peakOverlap(collector.open),
    levels: options.levels.map((streams, level) => {
      const [from, to] = plan.probeWindows[level] as [number, number]
      return {
        streams,
        openAtProbes: openAt(collector.open, (from + to) / 2),
        ttftErrorMs: percentiles((collector.probeTtft[level] as NumberBuffer).values()),
        rampTtftErrorMs: percentiles((collector.rampTtft[level] as NumberBuffer).values()),
      }
    }),
    itlErrorMs: percentiles(collector.itl.values()),
  }
}

async function engineRole(options: StreamOptions): Promise<void> {
  warmEngine()
  const plan = streamPlan(options.levels, options.rampPerS)
  const collector = createCollector(options.levels.length)
  const lags = createNumberBuffer(plan.items.length)
  const outcomes = countOutcomes()
  let completed = 0
  const sink = sampleSink((sample) => {
    outcomes.record(sample)
    if (sample.scheduleLagMs !== undefined) lags.push(sample.scheduleLagMs)
    if (sample.outcome !== 'ok') return
    completed++
    const item = plan.items[Number(sample.requestId.slice(1))] as StreamPlanItem
    if (sample.ttftServiceMs !== undefined) collector.add(item, sample.ttftServiceMs - TTFT_MS)
    for (const gap of sample.itlMs ?? []) collector.itl.push(gap - ITL_MS)
    if (sample.headersAtMs !== undefined && sample.endAtMs !== undefined) collector.open.push([sample.headersAtMs, sample.endAtMs])
  })
  const requests = plan.items.map((item, index) => benchRequest(index, item.offsetMs, item.tokens, plan.items.length))
  const result = await run({
    traffic: { type: 'requests', requests },
    target: benchTarget(options.url),
    schedule: { type: 'open', timeScale: 1 },
    maxInFlight: plan.items.length + 100,
    patience: 'off',
    outDir: null,
    sinks: [sink],
    headersTimeoutMs: 120_000,
    bodyTimeoutMs: 120_000,
  })
  sendResult({
    ...finish(collector, options, plan, completed, result.summary.requests.scheduled - completed),
    scheduleLagMs: percentiles(lags.values()),
    outcomes: outcomes.counts,
  } satisfies StreamRound)
}

// `"delta":{"content":` opens OpenAI content chunks only (the role chunk has "role" first).
const MARKER = Buffer.from('"delta":{"content":')

/** The peer: undici `request()` per stream, a timer per send, times taken as chunks arrive. */
async function rawRole(options: StreamOptions): Promise<void> {
  const plan = streamPlan(options.levels, options.rampPerS)
  const agent = new Agent({ connections: plan.items.length + 100, keepAliveTimeout: 30_000, headersTimeout: 120_000, bodyTimeout: 120_000 })
  const collector = createCollector(options.levels.length)
  let completed = 0
  let failed = 0
  const origin = performance.now() + 50
  const one = async (item: StreamPlanItem): Promise<void> => {
    const wire = wireRequest(options.url, { stream: true, outputTokens: item.tokens })
    const sentAt = performance.now()
    try {
      const response = await request(wire.url, { method: 'POST', headers: wire.headers, body: wire.body, dispatcher: agent })
      const headersAt = performance.now()
      let firstAt: number | undefined
      let lastAt: number | undefined
      let tokens = 0
      let tail = Buffer.alloc(0)
      for await (const chunk of response.body) {
        const now = performance.now()
        const data = tail.length === 0 ? (chunk as Buffer) : Buffer.concat([tail, chunk as Buffer])
        let at = data.indexOf(MARKER)
        let end = 0
        while (at !== -1) {
          tokens++
          if (firstAt === undefined) firstAt = now
          else collector.itl.push(now - (lastAt as number) - ITL_MS)
          lastAt = now
          end = at + MARKER.length
          at = data.indexOf(MARKER, end)
        }
        tail = Buffer.from(data.subarray(Math.max(end, data.length - MARKER.length + 1)))
      }
      if (response.statusCode !== 200 || tokens !== item.tokens || firstAt === undefined) {
        failed++
        return
      }
      completed++
      collector.add(item, firstAt - sentAt - TTFT_MS)
      collector.open.push([headersAt - origin, performance.now() - origin])
    } catch {
      // A failed stream is counted; the figures come from the ones that completed.
      failed++
    }
  }
  await Promise.all(
    plan.items.map((item) => new Promise<void>((resolve) => setTimeout(() => void one(item).then(resolve), Math.max(0, origin + item.offsetMs - performance.now())))),
  )
  await agent.close()
  sendResult(finish(collector, options, plan, completed, failed))
}

async function runSection(context: BenchContext): Promise<SectionOutcome> {
  const levels = (process.env['BENCH_STREAMS'] ?? '1000,5000,10000').split(',').map((size) => Math.max(100, Math.round(Number(size) * context.scale)))
  const rampPerS = Number(process.env['BENCH_RAMP_PER_S'] ?? 1_000)
  const plan = streamPlan(levels, rampPerS)
  const timeoutMs = plan.endMs * 3 + 60_000
  const rounds: { party: 'engine' | 'raw'; result: StreamRound }[] = []
  // The peer shows the floor; one round of it keeps the section inside its time.
  const rawRoundCount = 1
  // One mock for every round: its peak of open streams is the largest any round reached.
  const mock = await startServerRole('mock', { profile: 'exact', exact: { ttftMs: TTFT_MS, itlMs: ITL_MS } })
  let mockPeak = Number.NaN
  try {
    for (let round = 1; round <= Math.max(context.rounds, rawRoundCount); round++) {
      const parties: ('engine' | 'raw')[] = []
      if (round <= context.rounds) parties.push('engine')
      if (round <= rawRoundCount) parties.push('raw')
      for (const party of parties) {
        const tcpBefore = readTcpCounters()
        const mockBefore = await mock.stats()
        const startedAt = performance.now()
        const result = await runClientRole<StreamRound>(`streams-${party}`, { url: mock.url, levels, rampPerS }, timeoutMs)
        const mockAfter = await mock.stats()
        result.mockCpuShare = (mockAfter.cpuS - mockBefore.cpuS) / ((performance.now() - startedAt) / 1000)
        const tcp = tcpDelta(tcpBefore, readTcpCounters())
        if (tcp !== undefined) result.tcp = tcp
        rounds.push({ party, result })
        context.log(
          `streams round ${round} ${party}: ${result.completed} ok, ${result.failed} failed, peak open ${result.peakOpen}; ` +
            result.levels
              .map((level) => `${level.streams} held (${level.openAtProbes} open): probe TTFT error p50 ${level.ttftErrorMs.p50.toFixed(2)} p99 ${level.ttftErrorMs.p99.toFixed(2)} ms, ramp p99 ${level.rampTtftErrorMs.p99.toFixed(1)} ms`)
              .join('; ') +
            `; ITL error p50 ${result.itlErrorMs.p50.toFixed(2)} p99 ${result.itlErrorMs.p99.toFixed(2)} ms` +
            (result.scheduleLagMs === undefined ? '' : `; schedule lag p99 ${result.scheduleLagMs.p99.toFixed(2)} ms`) +
            `; mock CPU ${((result.mockCpuShare ?? 0) * 100).toFixed(0)}%` +
            (result.tcp === undefined ? '' : `; accept-queue overflows ${result.tcp.listenOverflows}, SYN retransmits ${result.tcp.synRetransmits}`),
        )
      }
    }
    mockPeak = ((await mock.stats()).stats as { peakConcurrentStreams?: number }).peakConcurrentStreams ?? Number.NaN
  } finally {
    await mock.stop()
  }
  const ours = rounds.filter((round) => round.party === 'engine').map((round) => round.result)
  const raw = rounds.filter((round) => round.party === 'raw').map((round) => round.result)
  const figure = (of: StreamRound[], pick: (round: StreamRound) => number) => spread(of.map(pick))
  const rows: Row[] = []
  let goalMet = false
  levels.forEach((streams, level) => {
    const at = (round: StreamRound): LevelFigures => round.levels[level] as LevelFigures
    const pair = (measure: string, pick: (figures: LevelFigures) => number, extra: Partial<Row> = {}): Row => ({
      measure: `${streams.toLocaleString('en-US')} held: ${measure}`,
      unit: 'ms',
      digits: 2,
      ours: figure(ours, (round) => pick(at(round))),
      peers: [{ name: 'raw undici', value: figure(raw, (round) => pick(at(round))) }],
      ...extra,
    })
    const isGoal = level === levels.length - 1
    const probeP99 = figure(ours, (round) => at(round).ttftErrorMs.p99)
    if (isGoal) goalMet = probeP99.median <= 1 && ours.every((round) => round.failed === 0)
    rows.push(
      {
        measure: `${streams.toLocaleString('en-US')} held: open during the probes`,
        unit: 'streams',
        digits: 0,
        ours: figure(ours, (round) => at(round).openAtProbes),
        peers: [{ name: 'raw undici', value: figure(raw, (round) => at(round).openAtProbes) }],
      },
      pair('TTFT error p50 (probes)', (figures) => figures.ttftErrorMs.p50),
      pair('TTFT error p99 (probes)', (figures) => figures.ttftErrorMs.p99, isGoal ? { goal: '≤ 1 ms', met: goalMet } : {}),
      pair('TTFT error p99 while opening them', (figures) => figures.rampTtftErrorMs.p99),
    )
  })
  rows.push(
    { measure: 'ITL error p50, every gap of every stream', unit: 'ms', digits: 2, ours: figure(ours, (round) => round.itlErrorMs.p50), peers: [{ name: 'raw undici', value: figure(raw, (round) => round.itlErrorMs.p50) }] },
    { measure: 'ITL error p99, every gap of every stream', unit: 'ms', digits: 2, ours: figure(ours, (round) => round.itlErrorMs.p99), peers: [{ name: 'raw undici', value: figure(raw, (round) => round.itlErrorMs.p99) }] },
    { measure: 'peak open streams', unit: 'streams', digits: 0, ours: figure(ours, (round) => round.peakOpen), peers: [{ name: 'raw undici', value: figure(raw, (round) => round.peakOpen) }, { name: 'mock (its own peak)', value: spread([mockPeak]) }] },
  )
  const failures = ours.reduce((total, round) => total + round.failed, 0)
  const overflows = [...ours, ...raw].reduce((total, round) => total + (round.tcp?.listenOverflows ?? 0), 0)
  const probes = Math.round((PROBE_PER_S * PROBE_MS) / 1000)
  const notes = [
    `The mock runs in its own process with exact timing: first token ${TTFT_MS} ms after a request arrives, then one every ${ITL_MS} ms. One round opens streams at ${rampPerS.toLocaleString('en-US')}/s (a new connection each) up to ${levels.map((level) => level.toLocaleString('en-US')).join(', then ')}; at each level, after ${SETTLE_MS / 1000} s, ${probes} probe streams go out at ${PROBE_PER_S}/s while the others stay open; every held stream lasts to the end (${(plan.endMs / 1000).toFixed(1)} s). Each client round is a fresh process with fresh connections.`,
    "TTFT error = the client's TTFT (first content chunk − send) − the injected TTFT; ITL error = each gap between content chunks − the injected ITL (a late chunk makes the next gap short, so ITL errors are signed). Percentiles are exact (nearest rank over every value).",
    'Client, mock and the other jobs on the machine share 2 cores. The mock fires its timers with 1 ms resolution and is never early, and every stream opens a new connection, so part of every error is the mock\'s and the machine\'s: the raw undici column (same mock, same plan, no engine) is that floor, and ours − raw is what the engine adds.',
  ]
  if (overflows > 0) notes.push(`The machine's accept queues overflowed ${overflows} times during these rounds (TcpExt ListenOverflows, machine-wide): a dropped SYN is retried after 1 s, which shows as ~1 s of TTFT error on the streams it hit.`)
  if (failures > 0) notes.push(`${failures} engine streams did not complete over all rounds (see latest.json details).`)
  notes.push(...STREAMS_CAUSES)
  return {
    verdict: goalMet ? 'met' : 'missed',
    rows,
    notes,
    commands: [sectionCommand('streams'), 'BENCH_STREAMS=1000,10000 BENCH_RAMP_PER_S=500 make bench BENCH=streams   # other levels or ramp'],
    details: { ttftMs: TTFT_MS, itlMs: ITL_MS, rampPerS, probePerS: PROBE_PER_S, probeMs: PROBE_MS, rounds, mockPeak },
  }
}

export const streamsSection: Section = {
  id: 'streams',
  title: 'Streams: concurrent SSE streams against exact timing',
  goal: '10,000 streams held with p99 TTFT error ≤ 1 ms',
  roles: { 'streams-engine': engineRole, 'streams-raw': rawRole },
  run: runSection,
}
