// Section 4, memory: the engine's RSS sampled over a long run (1M requests, closed model, no think
// time, non-streaming) against the `instant` mock. Goal: at most 200 MB, and flat — a run's
// memory must not grow with its length (records stream to disk, summaries are histograms).
import type { MemoryRound, RssPoint } from '../memory-engine.js'

export type { RssPoint } from '../memory-engine.js'
import { buildStandaloneScript, runClientScript, startServerRole } from '../lib/processes.js'
import type { Row } from '../lib/report.js'
import { sectionCommand, type BenchContext, type Section, type SectionOutcome } from '../lib/section.js'
import { slope, spread } from '../lib/stats.js'
import { MEMORY_OUTPUT_TOKENS as OUTPUT_TOKENS, SAMPLE_EVERY_MS } from '../memory-settings.js'

/** What the figures are made of, from diagnostic runs (not re-measured by `make bench`). */
const MEMORY_CAUSES = [
  'Live heap, measured with BENCH_EXEC_ARGV=--expose-gc (a full collection before each reading, 2026-12-04 22:10 UTC, 1M requests): 15.7 MB from 47k requests to 1M, flat; RSS 153–168 MB. The rest of RSS is the process baseline (104 MB at the first reading: Node, undici, run()\'s modules, the warm-up\'s compiled code) and V8\'s headroom above the live set (heapTotal 55–77 MB at ~20k short-lived requests a second). A growth row above 2 MB/100k on a 1M run is that headroom settling in the first minute: a 3M-request run (BENCH_MEMORY_REQUESTS=3000000 BENCH_MEMORY_MAX_S=260, same day) peaked at 180 MB with 0.50 MB/100k over its last 75 %.',
  'Fixed 2026-12-04, in the order found: each open time-series bucket kept its distinct users in a Set of strings (≈ 38 MB over 120 buckets of 10,000 bench users; now one bit per user, results/accumulate/user-bits.ts); the last 2 min of buckets kept every raw TTFT/e2e value (≈ 19 bytes a request, 19 MB at 1M requests and growing with the rate; now at most 4,096 raw values a bucket, binned at 0.1 % past that: results/accumulate/timeseries.ts RAW_VALUES_PER_BUCKET); and the engine ran inside the bench bundle (≈ 115 MB before the first request; now bench/memory-engine.ts, bundled alone). Peak RSS over 1M requests: 269 → 233 → 170 MB.',
]

export interface MemoryFigures {
  peakRssMb: number
  /** RSS when a quarter of the requests were done: the engine warmed up. */
  rssAtQuarterMb: number
  rssAtEndMb: number
  /** Least-squares growth of RSS over the last three quarters, MB per 100k requests. */
  growthMbPer100k: number
  /** RSS at the end − RSS at a quarter of the run. */
  driftMb: number
}

/** Reads the series: peak, warmed-up level, end level and growth. Pure. */
export function memoryFigures(points: readonly RssPoint[]): MemoryFigures {
  const last = points[points.length - 1]
  if (last === undefined) return { peakRssMb: Number.NaN, rssAtQuarterMb: Number.NaN, rssAtEndMb: Number.NaN, growthMbPer100k: Number.NaN, driftMb: Number.NaN }
  const total = last[1]
  const quarter = points.find((point) => point[1] >= total / 4) ?? last
  const tail = points.filter((point) => point[1] >= total / 4)
  const rssAtQuarterMb = quarter[2]
  return {
    peakRssMb: Math.max(...points.map((point) => point[2])),
    rssAtQuarterMb,
    rssAtEndMb: last[2],
    growthMbPer100k: slope(tail.map((point) => [point[1], point[2]] as const)) * 100_000,
    driftMb: last[2] - rssAtQuarterMb,
  }
}

async function runSection(context: BenchContext): Promise<SectionOutcome> {
  const requests = Math.round(Number(process.env['BENCH_MEMORY_REQUESTS'] ?? 1_000_000) * context.scale)
  const users = 64
  const maxDurationS = Math.round(Number(process.env['BENCH_MEMORY_MAX_S'] ?? 210) * context.scale)
  const mock = await startServerRole('mock', { profile: 'instant' })
  let round: MemoryRound
  let mockRssMb = Number.NaN
  try {
    // Its own bundle (only run() and what it imports) in a fresh process: the engine's memory, not the bench's.
    const script = await buildStandaloneScript('memory-engine')
    round = await runClientScript<MemoryRound>(script, [JSON.stringify({ url: mock.url, requests, users, maxDurationS })], (maxDurationS + 120) * 1000, context.log)
    mockRssMb = (await mock.stats()).rssMb
  } finally {
    await mock.stop()
  }
  const figures = memoryFigures(round.points)
  const ratePerS = round.completed / round.durationS
  const finished = round.completed + round.failed >= requests
  const flat = Math.abs(figures.growthMbPer100k) <= 2 && figures.driftMb <= 20
  const met = figures.peakRssMb <= 200 && flat
  context.log(
    `memory: ${round.completed.toLocaleString('en-US')} requests in ${round.durationS.toFixed(0)} s (${ratePerS.toFixed(0)}/s); RSS peak ${figures.peakRssMb.toFixed(0)} MB, ` +
      `at 25% ${figures.rssAtQuarterMb.toFixed(0)} MB, end ${figures.rssAtEndMb.toFixed(0)} MB, growth ${figures.growthMbPer100k.toFixed(2)} MB/100k`,
  )
  const one = (value: number) => spread([value])
  const done = `${round.completed.toLocaleString('en-US')} requests`
  const rows: Row[] = [
    { measure: `peak RSS over ${done}`, unit: 'MB', digits: 0, ours: one(figures.peakRssMb), peers: [], goal: '≤ 200 MB', met: figures.peakRssMb <= 200 },
    { measure: 'RSS before the first request (Node, undici, run()\'s modules)', unit: 'MB', digits: 0, ours: one(round.points[0]?.[2] ?? Number.NaN), peers: [] },
    { measure: 'RSS at 25% of the run → at its end', unit: 'MB', digits: 0, ours: one(figures.rssAtQuarterMb), peers: [{ name: 'at the end', value: one(figures.rssAtEndMb) }] },
    { measure: 'RSS growth over the last 75% (least squares)', unit: 'MB per 100k requests', digits: 2, ours: one(figures.growthMbPer100k), peers: [], goal: 'flat (|growth| ≤ 2 MB/100k, drift ≤ 20 MB)', met: flat },
    { measure: 'requests completed per second (closed model, 64 users)', unit: 'req/s', digits: 0, ours: one(ratePerS), peers: [] },
  ]
  const notes = [
    `One round (a million requests take minutes on this machine; the section's budget is one run). The engine runs \`run()\` in a process of its own, bundled alone (bench/memory-engine.ts: only \`run()\` and what it imports): closed model, ${users} users, no think time, non-streaming, ${OUTPUT_TOKENS} output tokens, against the \`instant\` mock in another process; traffic lines are made lazily and records are not written (\`outDir: null\`), so what is measured is the engine's own memory: in-flight state, the summary's histograms and time series. RSS and heap are sampled every ${SAMPLE_EVERY_MS} ms.`,
    `The mock process ended at ${mockRssMb.toFixed(0)} MB RSS.`,
  ]
  if (!finished) {
    notes.push(
      `The run hit its ${maxDurationS} s time limit after ${round.completed.toLocaleString('en-US')} of ${requests.toLocaleString('en-US')} requests (${ratePerS.toFixed(0)}/s). Extrapolated with the measured growth of ${figures.growthMbPer100k.toFixed(2)} MB per 100k, the RSS at ${requests.toLocaleString('en-US')} requests would be about ${(figures.rssAtEndMb + (figures.growthMbPer100k * (requests - round.completed)) / 100_000).toFixed(0)} MB.`,
    )
  }
  if (round.failed > 0) notes.push(`${round.failed} requests did not complete.`)
  notes.push(...MEMORY_CAUSES)
  return {
    verdict: met && finished ? 'met' : met ? 'partly met' : 'missed',
    rows,
    notes,
    commands: [sectionCommand('memory'), 'BENCH_MEMORY_REQUESTS=200000 make bench BENCH=memory   # a shorter run'],
    details: { users, requested: requests, completed: round.completed, failed: round.failed, durationS: round.durationS, figures, points: round.points.filter((_, index) => index % 4 === 0 || index === round.points.length - 1) },
  }
}

export const memorySection: Section = {
  id: 'memory',
  title: 'Memory: RSS over a million requests',
  goal: '≤ 200 MB RSS, flat over the run',
  fixedRounds: 1,
  roles: {},
  run: runSection,
}
