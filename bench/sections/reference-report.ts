// The reference section's figures into its report: rows of ours beside the reference client (and
// autocannon, the pacer, one-request RSS, workers), which goals were met, and the notes on how it
// was measured and what limited it.
import type { CliOneRequestRound, OneRequestRound } from '../one-request.js'
import type { TcpCounters } from '../lib/netstat.js'
import { wireRequest } from '../lib/engine.js'
import type { ClientRound } from '../lib/reference-client.js'
import type { Row } from '../lib/report.js'
import { sectionCommand, type SectionOutcome } from '../lib/section.js'
import { spread, type Spread } from '../lib/stats.js'
import type { ClientRate } from './raw-rate.js'
import { pacerShare, withinFactor } from './reference-figures.js'
import type { EngineRound, PacerRound } from './reference-roles.js'
import { CPU_USERS, EXACT, OPEN_RATE_PER_S, PACER_GOAL_CORES, PACER_RATE_PER_S, PACER_WARMUP_REQUESTS, RSS_GOAL_MB, SHORT_TOKENS, STREAM_LENGTH_MS, STREAM_TOKENS, WORKERS_USERS } from './reference-settings.js'

export type Party = 'ours' | 'reference'

export interface PairRun {
  key: string
  party: Party
  round: number
  result: ClientRound
  /** Mock CPU share of one core while this client ran. */
  mockCpuShare: number
  tcp?: TcpCounters
}

export interface Python {
  path: string
  version: string
}

export interface Measured {
  python: Python
  pairs: PairRun[]
  engine: { key: string; round: number; result: EngineRound }[]
  autocannon: ClientRate[]
  oneRequest: OneRequestRound[]
  /** Absent in results written before the CLI was measured too. */
  cliOneRequests?: CliOneRequestRound[]
  pacerRounds: PacerRound[]
  bareRssMb: number
  workersAvailable: boolean
  plans: { streamPlans: { key: string; users: number; requests: number }[]; steadyPlans: { key: string; streams: number; ratePerSecond: number; requests: number }[]; steadyS: number; perUser128: number; perUser1000: number; openS: number; cpuRunS: number; pacerS: number; pacerClosedRequests: number }
}

function formatRate(ratePerSecond: number): string {
  return ratePerSecond.toLocaleString('en-US', { maximumFractionDigits: 1 })
}

export function referenceReport(measured: Measured): SectionOutcome {
  const { python, pairs, engine, autocannon, oneRequest, plans } = measured
  const referenceName = `reference (Python ${python.version})`
  const goals: boolean[] = []
  const pairFigure = (key: string, party: Party, pick: (result: ClientRound) => number): Spread =>
    spread(pairs.filter((entry) => entry.key === key && entry.party === party).map((entry) => pick(entry.result)))
  const engineFigure = (key: string, pick: (result: EngineRound) => number): Spread => spread(engine.filter((entry) => entry.key === key).map((entry) => pick(entry.result)))
  const compared = (key: string, measure: string, unit: string, digits: number, pick: (result: ClientRound) => number, goal?: { factor: number; text: string }): Row => {
    const ours = pairFigure(key, 'ours', pick)
    const reference = pairFigure(key, 'reference', pick)
    const row: Row = { measure, unit, digits, ours, peers: [{ name: referenceName, value: reference }] }
    if (reference.median > 0) row.ratio = ours.median / reference.median
    if (goal !== undefined) {
      row.goal = goal.text
      row.met = withinFactor(ours.median, reference.median, goal.factor)
      goals.push(row.met)
    }
    return row
  }
  const cores = (result: ClientRound): number => (result.cpuS === null ? Number.NaN : (result.cpuS / result.wallS) * 100)
  const rows: Row[] = []
  // 1. Exact timing.
  for (const plan of plans.streamPlans) {
    const streams = `${plan.users.toLocaleString('en-US')} streams`
    const warm = (plan.requests - plan.users).toLocaleString('en-US')
    rows.push(
      compared(plan.key, `${streams} (closed, ${plan.requests.toLocaleString('en-US')} requests; the ${warm} after each user's first): TTFT error p50`, 'ms', 2, (result) => result.ttftErrorMs.p50),
      compared(plan.key, `${streams}: TTFT error p99`, 'ms', 2, (result) => result.ttftErrorMs.p99),
      compared(plan.key, `${streams}: ITL error p99`, 'ms', 2, (result) => result.itlErrorMs.p99),
      compared(plan.key, `${streams}: TTFT error p99 of each user's first request (opens its connection, fresh process)`, 'ms', 2, (result) => result.firstWaveTtftErrorMs.p99),
      compared(plan.key, `${streams}: client CPU`, '% of a core', 0, cores),
    )
  }
  for (const plan of plans.steadyPlans) {
    const streams = `${plan.streams.toLocaleString('en-US')} streams held steady`
    rows.push(
      compared(plan.key, `${streams} (open, ${formatRate(plan.ratePerSecond)} req/s for ${plans.steadyS} s; after the first ${plan.streams.toLocaleString('en-US')}): TTFT error p50`, 'ms', 2, (result) => result.ttftErrorMs.p50),
      compared(plan.key, `${streams}: TTFT error p99`, 'ms', 2, (result) => result.ttftErrorMs.p99, { factor: 1.2, text: '≤ 1.2× reference' }),
      compared(plan.key, `${streams}: ITL error p99`, 'ms', 2, (result) => result.itlErrorMs.p99, { factor: 1.2, text: '≤ 1.2× reference' }),
      compared(plan.key, `${streams}: client CPU`, '% of a core', 0, cores),
    )
  }
  rows.push(
    compared('c1000', '1,000 streams: client CPU per content chunk', 'µs', 1, (result) => (result.cpuS === null ? Number.NaN : (result.cpuS / result.chunks) * 1e6)),
    {
      measure: '1,000 streams: mock CPU while the client ran',
      unit: '% of a core',
      digits: 0,
      ours: spread(pairs.filter((entry) => entry.key === 'c1000' && entry.party === 'ours').map((entry) => entry.mockCpuShare * 100)),
      peers: [{ name: referenceName, value: spread(pairs.filter((entry) => entry.key === 'c1000' && entry.party === 'reference').map((entry) => entry.mockCpuShare * 100)) }],
    },
  )
  // 2. Open model.
  rows.push(
    compared('open', `${OPEN_RATE_PER_S.toLocaleString('en-US')} streaming req/s (open, ${plans.openS} s): e2e p50 from the scheduled time`, 'ms', 2, (result) => result.e2eMs.p50),
    compared('open', `${OPEN_RATE_PER_S.toLocaleString('en-US')} streaming req/s: e2e p99 from the scheduled time`, 'ms', 2, (result) => result.e2eMs.p99, { factor: 2, text: '≤ 2× reference' }),
    compared('open', `${OPEN_RATE_PER_S.toLocaleString('en-US')} streaming req/s: client CPU per request`, 'µs', 1, (result) => (result.cpuS === null ? Number.NaN : (result.cpuS / result.completed) * 1e6)),
  )
  // 3. CPU per request and per chunk.
  const perRequestUs = (result: ClientRound): number => (result.cpuS === null ? Number.NaN : (result.cpuS / result.completed) * 1e6)
  const jsonCpu = engineFigure('cpu-json', perRequestUs)
  const autocannonCpu = spread(autocannon.map((rate) => (rate.cpuS === null ? Number.NaN : (rate.cpuS / rate.completed) * 1e6)))
  const cpuRatio = jsonCpu.median / autocannonCpu.median
  const cpuMet = Number.isFinite(cpuRatio) && cpuRatio <= 2
  goals.push(cpuMet)
  rows.push(
    {
      measure: `client CPU per request, non-streaming (closed, ${CPU_USERS} users, ${plans.cpuRunS} s)`,
      unit: 'µs',
      digits: 1,
      ours: jsonCpu,
      peers: [{ name: 'autocannon (measured here)', value: autocannonCpu }],
      ratio: cpuRatio,
      goal: '≤ 2× autocannon',
      met: cpuMet,
    },
    { measure: `client CPU per request, streaming ${SHORT_TOKENS} tokens (same run shape)`, unit: 'µs', digits: 1, ours: engineFigure('cpu-sse', perRequestUs), peers: [] },
    { measure: 'client CPU per streamed content chunk (that run\'s CPU ÷ its chunks)', unit: 'µs', digits: 2, ours: engineFigure('cpu-sse', (result) => (result.cpuS === null ? Number.NaN : (result.cpuS / result.chunks) * 1e6)), peers: [] },
    { measure: 'requests/s in those runs: engine non-streaming vs autocannon', unit: 'req/s', digits: 0, ours: engineFigure('cpu-json', (result) => result.completed / result.wallS), peers: [{ name: 'autocannon', value: spread(autocannon.map((rate) => rate.completed / rate.elapsedS)) }] },
  )
  // 4. Pacer: against a bare undici client at the same rate (the goal row), and against the
  // requests' own work measured at full speed in the same process, right before.
  const shares = measured.pacerRounds.map((pacer) => pacerShare(pacer.open, pacer.closed.cpuS / pacer.closed.completed))
  const totalCores = spread(shares.map((share) => share.totalCores))
  const bareRounds = measured.pacerRounds.flatMap((pacer) => (pacer.bare === undefined ? [] : [pacer.bare]))
  const bareCores = spread(bareRounds.map((bare) => bare.cpuS / bare.wallS))
  const beyondBare = spread(measured.pacerRounds.flatMap((pacer, index) => (pacer.bare === undefined ? [] : [(shares[index]?.totalCores ?? Number.NaN) - pacer.bare.cpuS / pacer.bare.wallS])))
  const pacerMet = bareRounds.length > 0 && beyondBare.median <= PACER_GOAL_CORES
  goals.push(pacerMet)
  rows.push(
    { measure: `${PACER_RATE_PER_S} req/s open model (${plans.pacerS} s, non-streaming): client CPU in total`, unit: 'cores', digits: 3, ours: totalCores, peers: bareRounds.length === 0 ? [] : [{ name: 'bare undici `request()` paced by setTimeout, same rate', value: bareCores }] },
    { measure: `${PACER_RATE_PER_S} req/s open model: client CPU beyond the bare client's (the pacer, the engine's per-request layers)`, unit: 'cores', digits: 3, ours: beyondBare, peers: [], goal: `≤ ${PACER_GOAL_CORES} core`, met: pacerMet },
    { measure: `${PACER_RATE_PER_S} req/s open model: client CPU beyond the requests' work at full speed (closed run)`, unit: 'cores', digits: 3, ours: spread(shares.map((share) => share.pacerCores)), peers: [{ name: 'requests\' own work at full speed (CPU per request × rate)', value: spread(shares.map((share) => share.requestCores)) }] },
  )
  // 5. One-request RSS: the CLI (the user's path) is the goal when measured, run() alone beside it.
  const peakRss = spread(oneRequest.map((one) => one.peakRssMb))
  const cli = measured.cliOneRequests ?? []
  const cliPeak = spread(cli.map((one) => one.peakRssMb))
  const runMet = peakRss.median <= RSS_GOAL_MB && oneRequest.every((one) => one.ok === 1 && one.recordsBytes > 0)
  const cliMet = cliPeak.median <= RSS_GOAL_MB && cli.every((one) => one.ok === 1 && one.reportWritten)
  goals.push(cli.length > 0 ? cliMet : runMet)
  if (cli.length > 0) {
    rows.push({
      measure: 'peak RSS of a one-request `gauntlet run` (fresh process, built CLI, generated traffic, records and report written)',
      unit: 'MB',
      digits: 0,
      ours: cliPeak,
      peers: [{ name: 'bare `node -e`', value: spread([measured.bareRssMb]) }],
      goal: `≤ ${RSS_GOAL_MB} MB`,
      met: cliMet,
    })
  }
  rows.push({
    measure: 'peak RSS of a one-request run (fresh process, `run()`, records written)',
    unit: 'MB',
    digits: 0,
    ours: peakRss,
    peers: [
      { name: 'that process before run() (Node + run()\'s modules)', value: spread(oneRequest.map((one) => one.beforeRssMb)) },
      { name: 'bare `node -e`', value: spread([measured.bareRssMb]) },
    ],
    goal: `≤ ${RSS_GOAL_MB} MB`,
    met: runMet,
  })
  // 6. Workers.
  const notes: string[] = []
  if (measured.workersAvailable) {
    // Samples feed our sink in the main process; if a worker model ever stops that, fall back on the summary.
    const rate = (result: EngineRound): number => (result.completed > 0 ? result.completed : result.summaryCompleted) / result.wallS
    const ttftP99 = (result: EngineRound): number => (result.completed > 0 ? result.ttftErrorMs.p99 : (result.summaryTtftP99Ms ?? Number.NaN))
    const two = engineFigure('workers-2', rate)
    const one = engineFigure('workers-1', rate)
    rows.push(
      { measure: `workers 2 vs 1: requests/s (closed, ${WORKERS_USERS} users, streaming ${SHORT_TOKENS} tokens, ${plans.cpuRunS} s)`, unit: 'req/s', digits: 0, ours: two, peers: [{ name: 'workers 1', value: one }], ratio: two.median / one.median },
      { measure: 'workers 2 vs 1: TTFT p99', unit: 'ms', digits: 2, ours: engineFigure('workers-2', ttftP99), peers: [{ name: 'workers 1', value: engineFigure('workers-1', ttftP99) }] },
    )
    if (engine.some((entry) => entry.key.startsWith('workers-') && entry.result.completed === 0)) notes.push('With workers, samples did not reach the bench sink: those figures come from the run summary (its TTFT p99 from histograms, not exact).')
  } else {
    rows.push({ measure: 'workers 2 vs 1: requests/s and TTFT p99 — not available', unit: '–', digits: 0, ours: null, peers: [] })
    notes.push('Workers: not measured — `run()` has no `workers` option yet (no `workers` in `RunOptions`, load/run.ts). The section checks for it each run and measures workers 1 vs 2 (closed, 64 users, streaming, `instant` mock) once it exists.')
  }
  // Notes: how it was measured, then what limited what.
  const byKey = (key: string, party: Party): PairRun[] => pairs.filter((entry) => entry.key === key && entry.party === party)
  const referenceC1000Cpu = spread(byKey('c1000', 'reference').map((entry) => cores(entry.result))).median
  notes.unshift(
    `The reference client (bench/reference/client.py, Python ${python.version}, standard library only: asyncio streams over raw sockets, HTTP/1.1 keep-alive per connection, chunked decoding, SSE lines, time.perf_counter_ns) shares no code with the engine and sends the same headers and body (bench/lib/engine.ts \`wireRequest\`). It prints raw times; both clients' figures come from the same arithmetic (exact nearest-rank percentiles over every value). Each client run is a fresh process; ours and the reference alternate within a round (order swapped every round); before round 1 each mock is warmed by a throwaway reference run, so neither client meets a cold mock.`,
    `Exact timing: the mock's \`exact\` profile in its own process (first token ${EXACT.ttftMs} ms after the request arrives, then one every ${EXACT.itlMs} ms), ${STREAM_TOKENS} output tokens; closed model with no think time: 128 users × ${plans.perUser128} requests, 1,000 users × ${plans.perUser1000}. TTFT error = first content chunk − send − ${EXACT.ttftMs} ms; ITL error = each gap between content chunks − ${EXACT.itlMs} ms (signed: a late chunk makes the next gap short). A stream counts only with status 200 and exactly ${STREAM_TOKENS} content chunks. Each user's first request opens its connection, all users at once, in a process just started (V8 compiling the engine's code on first use): those are reported apart, and the TTFT, ITL and goal rows are the requests after them, on warm connections.`,
    `Closed rows vs steady rows: with exact timing and no think time, a closed loop stays in lockstep — every user's stream ends within the same few ms, so all of them send their next request in one burst and the mock answers the burst one request after another. The faster a client fires its burst, the more of that queue lands in its own TTFT; the closed rows therefore compare the clients' burst speed against the mock's as much as their measuring. The goal rows are the steady ones: arrivals in the open model at N ÷ one stream's length (${STREAM_LENGTH_MS} ms), so about N streams are open at all times, for ${plans.steadyS} s, the first N requests (connection set-up in a fresh process) left out of the figures.`,
    `Open model: ${OPEN_RATE_PER_S.toLocaleString('en-US')} req/s at offsets i / ${OPEN_RATE_PER_S} s for ${plans.openS} s, streaming ${SHORT_TOKENS} tokens, \`instant\` mock; e2e = end − scheduled send time, so a late send counts against its client (the reference sleeps with asyncio, which wakes on a millisecond clock).`,
    `CPU: \`process.cpuUsage()\` in the engine process from the moment \`run()\` starts sending to its return (tokenizer loaded before); the reference: \`time.process_time()\` over its run; autocannon: its role from the raw-rate section (\`process.cpuUsage()\` over its run), ${CPU_USERS} connections, the same ${plans.cpuRunS} s, measured here beside the engine. The pacer row, all in one engine process: ${PACER_WARMUP_REQUESTS.toLocaleString('en-US')} requests unmeasured (V8 compiles the engine's code on first use, which a 1,000-request run would otherwise pay), then a closed-model run of ${plans.pacerClosedRequests.toLocaleString('en-US')} requests (${CPU_USERS} users, no think time) for the CPU per request, then ${plans.pacerS} s of the open model at ${PACER_RATE_PER_S} req/s: its CPU ÷ its wall time, minus that CPU per request × the requests it completed ÷ its wall time. At ${PACER_RATE_PER_S} req/s every request wakes the loop on its own, while the closed run at full speed shares wake-ups between requests, so "beyond the requests" includes those per-request wake-ups, not only load/schedules/pacer.ts; \`process.cpuUsage()\` counts every thread of the process, the pacer's ticker thread included. The goal row compares that open run with a bare client at the same rate, in a fresh process of its own (\`bareOpenRole\` in bench/sections/reference-roles.ts: undici \`request()\` on one Agent, each send timed by setTimeout, the JSON answer parsed, nothing recorded, warmed by the same closed warm-up): at ${PACER_RATE_PER_S} req/s each request pays its own wake-ups whatever client sends it, so what the engine spends beyond that bare client is the pacer's and the engine's per-request layers' share.`,
    `One-request RSS, the goal row: the built CLI as a user runs it (\`node dist/bin/gauntlet.js run --target openai:gpt-4o-mini@MOCK/v1 --shape rate=1,input=32,output=16,duration=1s --max-requests 1 --patience off --out DIR --quiet\`), records and report.html written, peak RSS read by the process itself at exit (getrusage maxrss, through a one-line \`--import\` hook). Beside it, \`run()\` as a library: bench/one-request.ts bundled on its own and split at dynamic imports (only \`run()\` and what it imports), one streaming request, records written; it lacks the CLI's raised WebAssembly tier-up budget (bin/gauntlet.ts), so V8's recompilation of undici's parser after the first response lands in its peak. "Before run()" is that process once its modules are loaded; a bare \`node -e\` is the floor of Node itself.`,
    'Client, mocks and the machine\'s other jobs share 2 cores: the reference column is measured in the same conditions as ours, which is the point of it.',
  )
  if (referenceC1000Cpu >= 80) {
    notes.push(`At 1,000 streams the reference used ${referenceC1000Cpu.toFixed(0)}% of a core: CPython's per-chunk cost makes it CPU-bound there, so its errors include its own queueing and the 1.2× comparison at that level flatters the engine; the 128-stream rows are the fair check.`)
  }
  const overflows = pairs.reduce((total, entry) => total + (entry.tcp?.listenOverflows ?? 0), 0)
  const synRetransmits = pairs.reduce((total, entry) => total + (entry.tcp?.synRetransmits ?? 0), 0)
  if (overflows > 0 || synRetransmits > 0) notes.push(`During the paired runs the machine counted ${overflows} accept-queue overflows and ${synRetransmits} SYN retransmits (TcpExt, machine-wide): a dropped SYN comes back after 1 s, as ~1 s of TTFT error for the request it hit.`)
  const failures = pairs.filter((entry) => entry.result.failed > 0)
  if (failures.length > 0) {
    notes.push(`Failed or incomplete requests (not in the figures): ${failures.map((entry) => `${entry.key} round ${entry.round} ${entry.party}: ${entry.result.failed} (${Object.entries(entry.result.outcomes ?? {}).filter(([kind]) => kind !== 'ok').map(([kind, count]) => `${kind} ${count}`).join(', ')})`).join('; ')}.`)
  }
  const met = goals.filter((goal) => goal).length
  return {
    verdict: met === goals.length ? 'met' : met === 0 ? 'missed' : 'partly met',
    rows,
    notes,
    commands: [
      sectionCommand('reference'),
      '# the reference client alone, against a mock started by hand (node dist/bin/gauntlet.js mock --profile exact --port 8080):',
      `python3 bench/reference/client.py --url http://127.0.0.1:8080/v1/chat/completions --header 'content-type: application/json' --header 'accept: text/event-stream' --header 'x-gauntlet-output-tokens: ${STREAM_TOKENS}' --body '${wireRequest('http://127.0.0.1:8080', { stream: true, outputTokens: STREAM_TOKENS }).body}' --closed 128 --requests 512`,
    ],
    details: { exact: EXACT, plans, python, pairs, engine, autocannon, pacer: measured.pacerRounds, oneRequest, bareRssMb: measured.bareRssMb, workersAvailable: measured.workersAvailable },
  }
}
