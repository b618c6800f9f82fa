// Section 8, reference: the engine side by side with an independent client that shares none of
// its code (bench/reference/client.py: Python's standard library, raw asyncio sockets) on the same
// mock, in the same run: TTFT and ITL error against exact timing at 128 and 1,000 streams, e2e at
// 1,000 streaming req/s; then the engine's own costs: CPU per request (vs autocannon, measured
// here), what the open-model pacer costs beyond the requests at 200 req/s, the RSS of a
// one-request run, and requests/s with 1 vs 2 workers when `run()` has that option.
//
//   round ─► exact mock:   128 streams  ours ⇄ reference   1,000 streams  ours ⇄ reference
//            instant mock: 1,000 req/s  ours ⇄ reference   CPU: ours (json, sse) ⇄ autocannon
//                          pacer 200 req/s   one-request RSS   workers 1 ⇄ 2
//
// This file runs the rounds; beside it, reference-roles.ts holds the engine and pacer processes,
// reference-report.ts the rows and notes, reference-settings.ts and reference-figures.ts the fixed
// settings and the pure arithmetic.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { wireRequest } from '../lib/engine.js'
import { readTcpCounters, tcpDelta } from '../lib/netstat.js'
import type { CliOneRequestRound, OneRequestRound } from '../one-request.js'
import { buildStandaloneScript, runClientRole, runClientScript, runTimed, startServerRole, whichBinary, type ServerHandle } from '../lib/processes.js'
import { parseReferenceOutput, referenceArgs, referenceFigures, type ClientRound, type Expected, type ReferenceMode } from '../lib/reference-client.js'
import { scratchDir } from '../lib/scratch.js'
import { sectionCommand, type BenchContext, type Section, type SectionOutcome } from '../lib/section.js'
import type { ClientRate } from './raw-rate.js'
import { pacerShare, runOptionsHaveWorkers } from './reference-figures.js'
import { referenceReport, type PairRun, type Party, type Python } from './reference-report.js'
import { bareOpenRole, engineRole, pacerRole, type EngineOptions, type EngineRound, type MeasuredRun, type PacerRound } from './reference-roles.js'
import { CPU_USERS, EXACT, OPEN_RATE_PER_S, PACER_GOAL_CORES, PACER_RATE_PER_S, RSS_GOAL_MB, SHORT_TOKENS, STREAM_LENGTH_MS, STREAM_TOKENS, WORKERS_USERS } from './reference-settings.js'

const execFileAsync = promisify(execFile)

/** python3 ≥ 3.8 on PATH, or why not. */
async function findPython(): Promise<Python | string> {
  const path = whichBinary('python3')
  if (path === undefined) return 'python3 is not on PATH (install Python 3.8 or later, e.g. `apt-get install -y python3`)'
  try {
    const { stdout } = await execFileAsync(path, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { timeout: 30_000 })
    const version = stdout.trim()
    const [major = 0, minor = 0] = version.split('.').map(Number)
    if (major < 3 || (major === 3 && minor < 8)) return `${path} is Python ${version}; the reference client needs 3.8 or later`
    return { path, version }
  } catch (error) {
    return `${path} did not run: ${(error as Error).message.split('\n')[0]}`
  }
}

async function runReference(python: Python, url: string, mode: ReferenceMode, requests: number, expected: Expected, timeoutMs: number): Promise<ClientRound> {
  const wire = wireRequest(url, { stream: expected.stream, outputTokens: expected.outputTokens })
  const output = await runTimed(python.path, referenceArgs(wire, mode, requests), timeoutMs)
  if (output.code !== 0) throw new Error(`the reference client exited with ${output.code}: ${output.stderr.trim().slice(-500)}`)
  return referenceFigures(parseReferenceOutput(output.stdout), expected)
}

async function bareNodeRssMb(): Promise<number> {
  const { stdout } = await execFileAsync(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS))'], { timeout: 30_000 })
  return Number(stdout) / 1024
}

/**
 * The user's own path: `gauntlet run` of one generated request (the built CLI, dist/), records and
 * report written; peak RSS from the process itself at exit.
 */
async function cliOneRequest(url: string, outDir: string): Promise<CliOneRequestRound> {
  const hook = 'data:text/javascript,process.on("exit",()=>process.stderr.write("MAXRSS_KB "+process.resourceUsage().maxRSS+"\\n"))'
  const args = ['--import', hook, resolve('dist', 'bin', 'gauntlet.js'), 'run', '--target', `openai:gpt-4o-mini@${url}/v1`, '--shape', `rate=1,input=32,output=${SHORT_TOKENS},duration=1s`]
  args.push('--max-requests', '1', '--patience', 'off', '--out', outDir, '--quiet')
  const { stdout, stderr } = await execFileAsync(process.execPath, args, { timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '' } })
  const kb = Number(/MAXRSS_KB (\d+)/.exec(stderr)?.[1] ?? Number.NaN)
  return { ok: /1 sent, 1 ok/.test(stdout) ? 1 : 0, peakRssMb: kb / 1024, reportWritten: await stat(join(outDir, 'report.html')).then(() => true, () => false) }
}

function perRequestText(cpuS: number | null, requests: number): string {
  return cpuS === null ? '?' : `${((cpuS / requests) * 1e6).toFixed(1)} µs`
}

function describeRound(result: ClientRound): string {
  const cpu = result.cpuS === null ? '?' : `${((result.cpuS / result.wallS) * 100).toFixed(0)}%`
  return (
    `${result.completed} ok, ${result.failed} failed; TTFT error p50 ${result.ttftErrorMs.p50.toFixed(2)} p99 ${result.ttftErrorMs.p99.toFixed(2)} ms, ` +
    `ITL error p99 ${result.itlErrorMs.p99.toFixed(2)} ms, e2e p99 ${result.e2eMs.p99.toFixed(2)} ms; client CPU ${cpu} of a core over ${result.wallS.toFixed(1)} s`
  )
}

async function runSection(context: BenchContext): Promise<SectionOutcome> {
  const python = await findPython()
  if (typeof python === 'string') {
    context.log(`reference: skipped: ${python}`)
    return { verdict: 'skipped', rows: [], notes: [`Skipped: ${python}. The section compares the engine with bench/reference/client.py, which needs it.`], commands: [sectionCommand('reference')] }
  }
  const runSource = await readFile('load/run.ts', 'utf8').catch(() => '')
  const workersAvailable = runOptionsHaveWorkers(runSource)
  // At least 2 per user: the first wave opens the connections, the figures are the rest.
  const perUser128 = Math.max(2, Math.round(4 * context.scale))
  const perUser1000 = Math.max(2, Math.round(3 * context.scale))
  const openS = Math.max(2, Math.round(3 * context.scale))
  const cpuRunS = Math.max(2, Math.round(4 * context.scale))
  const pacerS = Math.max(2, Math.round(5 * context.scale))
  const pacerClosedRequests = Math.round(10_000 * context.scale)
  const streamPlans = [
    { key: 'c128', users: 128, requests: 128 * perUser128 },
    { key: 'c1000', users: 1_000, requests: 1_000 * perUser1000 },
  ]
  // The same concurrency held steady: arrivals at N ÷ one stream's length (200 + 63 × 20 ms), so
  // about N streams are open at any time, without the lockstep of a closed loop on exact timing.
  const steadyS = Math.max(3, Math.round(8 * context.scale))
  const steadyPlans = [128, 1_000].map((streams) => {
    const ratePerSecond = streams / (STREAM_LENGTH_MS / 1000)
    return { key: `s${streams}`, streams, ratePerSecond, requests: Math.round(ratePerSecond * steadyS) }
  })
  const instantStream: Expected = { ttftMs: 0, itlMs: 0, stream: true, outputTokens: SHORT_TOKENS, firstWave: 0 }
  const pairs: PairRun[] = []
  const engine: { key: string; round: number; result: EngineRound }[] = []
  const autocannon: ClientRate[] = []
  const oneRequest: OneRequestRound[] = []
  const cliOneRequests: CliOneRequestRound[] = []
  const pacerRounds: PacerRound[] = []
  let bareRssMb = Number.NaN
  const engineRun = (options: Omit<EngineOptions, 'url'>, url: string): Promise<EngineRound> => {
    // Generous: a time limit only ends a run that hangs.
    const runS = options.durationS ?? (options.mode.type === 'open' ? options.requests / options.mode.ratePerSecond : options.requests * 2)
    return runClientRole<EngineRound>('reference-engine', { ...options, url }, (runS + 120) * 1000)
  }
  const pair = async (key: string, round: number, mock: ServerHandle, measure: Record<Party, () => Promise<ClientRound>>): Promise<void> => {
    const order: Party[] = round % 2 === 1 ? ['ours', 'reference'] : ['reference', 'ours']
    for (const party of order) {
      const tcpBefore = readTcpCounters()
      const mockBefore = await mock.stats()
      const startedAt = performance.now()
      const result = await measure[party]()
      const mockAfter = await mock.stats()
      const entry: PairRun = { key, party, round, result, mockCpuShare: (mockAfter.cpuS - mockBefore.cpuS) / ((performance.now() - startedAt) / 1000) }
      const tcp = tcpDelta(tcpBefore, readTcpCounters())
      if (tcp !== undefined) entry.tcp = tcp
      pairs.push(entry)
      context.log(`reference ${key} round ${round} ${party}: ${describeRound(result)}; mock CPU ${(entry.mockCpuShare * 100).toFixed(0)}%`)
    }
  }
  const exactMock = await startServerRole('mock', { profile: 'exact' })
  const instantMock = await startServerRole('mock', { profile: 'instant' })
  try {
    bareRssMb = await bareNodeRssMb()
    const oneRequestScript = await buildStandaloneScript('one-request')
    // Both mocks warmed first by a throwaway reference run, unmeasured: otherwise whichever client
    // goes first in round 1 meets a mock process V8 has not compiled yet (it cost that client's
    // e2e p99 ~30 ms at 1,000 req/s).
    await runReference(python, exactMock.url, { type: 'closed', users: 128 }, 256, { ...EXACT, stream: true, outputTokens: STREAM_TOKENS, firstWave: 128 }, 120_000)
    await runReference(python, instantMock.url, { type: 'open', ratePerSecond: OPEN_RATE_PER_S }, OPEN_RATE_PER_S, instantStream, 120_000)
    for (let round = 1; round <= context.rounds; round++) {
      // 1. Exact timing, closed model: both clients against the same mock, order alternating.
      for (const plan of streamPlans) {
        const mode: ReferenceMode = { type: 'closed', users: plan.users }
        await pair(plan.key, round, exactMock, {
          ours: () => engineRun({ mode, requests: plan.requests, stream: true, outputTokens: STREAM_TOKENS, ...EXACT }, exactMock.url),
          reference: () => runReference(python, exactMock.url, mode, plan.requests, { ...EXACT, stream: true, outputTokens: STREAM_TOKENS, firstWave: plan.users }, (plan.requests * 2 + 120) * 1000),
        })
      }
      // 1b. The same concurrency held steady (open model), both clients, order alternating.
      for (const plan of steadyPlans) {
        const mode: ReferenceMode = { type: 'open', ratePerSecond: plan.ratePerSecond }
        const runS = plan.requests / plan.ratePerSecond
        await pair(plan.key, round, exactMock, {
          ours: () => engineRun({ mode, requests: plan.requests, stream: true, outputTokens: STREAM_TOKENS, ...EXACT, firstWave: plan.streams }, exactMock.url),
          reference: () => runReference(python, exactMock.url, mode, plan.requests, { ...EXACT, stream: true, outputTokens: STREAM_TOKENS, firstWave: plan.streams }, (runS + 120) * 1000),
        })
      }
      // 2. Open model, 1,000 streaming req/s, latency from the scheduled time.
      const openMode: ReferenceMode = { type: 'open', ratePerSecond: OPEN_RATE_PER_S }
      const openRequests = OPEN_RATE_PER_S * openS
      await pair('open', round, instantMock, {
        ours: () => engineRun({ mode: openMode, requests: openRequests, stream: true, outputTokens: SHORT_TOKENS, ttftMs: 0, itlMs: 0 }, instantMock.url),
        reference: () => runReference(python, instantMock.url, openMode, openRequests, instantStream, (openS + 120) * 1000),
      })
      // 3. CPU per request: the engine non-streaming and streaming, autocannon, same connections and time.
      const closedCpu: ReferenceMode = { type: 'closed', users: CPU_USERS }
      const cpuRequests = cpuRunS * 40_000
      const engineCpu = async (key: 'cpu-json' | 'cpu-sse'): Promise<void> => {
        const result = await engineRun({ mode: closedCpu, requests: cpuRequests, durationS: cpuRunS, stream: key === 'cpu-sse', outputTokens: SHORT_TOKENS, ttftMs: 0, itlMs: 0 }, instantMock.url)
        engine.push({ key, round, result })
        context.log(`reference ${key} round ${round}: ${(result.completed / result.wallS).toFixed(0)} req/s, CPU ${perRequestText(result.cpuS, result.completed)} per request`)
      }
      const autocannonCpu = async (): Promise<void> => {
        const rate = await runClientRole<ClientRate>('raw-rate-autocannon', { url: instantMock.url, connections: CPU_USERS, durationS: cpuRunS }, (cpuRunS + 60) * 1000)
        autocannon.push(rate)
        context.log(`reference autocannon round ${round}: ${(rate.completed / rate.elapsedS).toFixed(0)} req/s, CPU ${perRequestText(rate.cpuS, rate.completed)} per request`)
      }
      const cpuParties = [() => engineCpu('cpu-json'), () => engineCpu('cpu-sse'), autocannonCpu]
      for (const measure of round % 2 === 1 ? cpuParties : [...cpuParties].reverse()) await measure()
      // 4. The pacer at 200 req/s, non-streaming.
      const pacer = await runClientRole<PacerRound>('reference-pacer', { url: instantMock.url, ratePerSecond: PACER_RATE_PER_S, durationS: pacerS, closedRequests: pacerClosedRequests }, (pacerS + 180) * 1000)
      const bare = await runClientRole<MeasuredRun>('reference-pacer-bare', { url: instantMock.url, ratePerSecond: PACER_RATE_PER_S, durationS: pacerS, closedRequests: pacerClosedRequests }, (pacerS + 180) * 1000)
      pacerRounds.push({ ...pacer, bare })
      const share = pacerShare(pacer.open, pacer.closed.cpuS / pacer.closed.completed)
      context.log(
        `reference pacer round ${round}: closed ${perRequestText(pacer.closed.cpuS, pacer.closed.completed)} per request; open ${pacer.open.completed} ok, ` +
          `${share.totalCores.toFixed(3)} cores in total, ${share.requestCores.toFixed(3)} the requests' own, ${share.pacerCores.toFixed(3)} beyond; bare undici at the rate ${(bare.cpuS / bare.wallS).toFixed(3)} cores`,
      )
      // 5. One request, records written, in a fresh process.
      const outDir = await mkdtemp(join(await scratchDir(), 'reference-one-'))
      try {
        const one = await runClientScript<OneRequestRound>(oneRequestScript, [JSON.stringify({ url: instantMock.url, outDir, outputTokens: SHORT_TOKENS })], 120_000)
        oneRequest.push(one)
        context.log(`reference one-request round ${round}: ${one.ok} ok, peak RSS ${one.peakRssMb.toFixed(0)} MB (${one.beforeRssMb.toFixed(0)} MB before run()), records ${one.recordsBytes} B`)
        const cli = await cliOneRequest(instantMock.url, join(outDir, 'cli'))
        cliOneRequests.push(cli)
        context.log(`reference one-request CLI round ${round}: ${cli.ok} ok, peak RSS ${cli.peakRssMb.toFixed(0)} MB, report ${cli.reportWritten ? 'written' : 'missing'}`)
      } finally {
        await rm(outDir, { recursive: true, force: true })
      }
      // 6. Workers 1 vs 2, when run() has the option.
      if (workersAvailable) {
        const workerCounts = round % 2 === 1 ? [1, 2] : [2, 1]
        for (const workers of workerCounts) {
          const result = await engineRun({ mode: { type: 'closed', users: WORKERS_USERS }, requests: cpuRunS * 40_000, durationS: cpuRunS, stream: true, outputTokens: SHORT_TOKENS, ttftMs: 0, itlMs: 0, workers }, instantMock.url)
          engine.push({ key: `workers-${workers}`, round, result })
          context.log(`reference workers ${workers} round ${round}: ${(result.summaryCompleted / result.wallS).toFixed(0)} req/s, TTFT p99 ${result.ttftErrorMs.p99.toFixed(2)} ms (summary ${result.summaryTtftP99Ms ?? '?'})`)
        }
      }
    }
  } finally {
    await exactMock.stop()
    await instantMock.stop()
  }
  return referenceReport({ python, pairs, engine, autocannon, oneRequest, cliOneRequests, pacerRounds, bareRssMb, workersAvailable, plans: { streamPlans, steadyPlans, steadyS, perUser128, perUser1000, openS, cpuRunS, pacerS, pacerClosedRequests } })
}

export const referenceSection: Section = {
  id: 'reference',
  title: 'Reference: the engine beside an independent client',
  goal: `TTFT and ITL p99 error ≤ 1.2× an independent reference client's at 128 and 1,000 streams, e2e p99 ≤ 2× at 1,000 req/s; CPU per request ≤ 2× autocannon; pacer ≤ ${PACER_GOAL_CORES} core at 200 req/s; ≤ ${RSS_GOAL_MB} MB RSS for a one-request run`,
  roles: { 'reference-engine': engineRole, 'reference-pacer': pacerRole, 'reference-pacer-bare': bareOpenRole },
  run: runSection,
}
