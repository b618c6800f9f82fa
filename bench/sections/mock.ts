// Section 6, mock: how fast the embedded mock streams on its one thread. A bare undici client in
// another process counts every content chunk it receives; the count is checked against the mock's
// own. Figures: streamed tokens/s (wall), tokens per mock CPU-second (one core to itself), and
// how many streams it holds open at once.
import { Agent } from 'undici'
import { closedLoops, createCountedStream, withTimingHeaders, type StreamPhase, type StreamTally } from '../lib/counted-streams.js'
import { wireRequest } from '../lib/engine.js'
import { runClientRole, sendResult, startServerRole, type ServerHandle } from '../lib/processes.js'
import type { Row } from '../lib/report.js'
import { sectionCommand, type BenchContext, type Section, type SectionOutcome } from '../lib/section.js'
import { spread } from '../lib/stats.js'

interface Phase extends StreamPhase {
  url: string
  /** With `hold`: streams opened per second. */
  rampPerS?: number
}

export type PhaseResult = StreamTally & { elapsedS: number }

async function clientRole(phase: Phase): Promise<void> {
  const agent = new Agent({ connections: null, keepAliveTimeout: 30_000, headersTimeout: 120_000, bodyTimeout: 120_000 })
  const wire = wireRequest(phase.url, { stream: true, outputTokens: phase.tokens })
  const result: PhaseResult = { tokens: 0, streams: 0, failures: 0, elapsedS: 0, peakOpen: 0 }
  const one = createCountedStream({ ...wire, headers: withTimingHeaders(wire.headers, phase) }, agent, phase.tokens, result)
  const startedAt = performance.now()
  if (phase.hold === true) {
    const gapMs = 1000 / (phase.rampPerS ?? 1000)
    await Promise.all(
      Array.from({ length: phase.streams }, (_, index) => new Promise<void>((resolve) => setTimeout(() => void one().then(resolve), index * gapMs))),
    )
  } else {
    await closedLoops(phase.streams, startedAt + phase.seconds * 1000, one)
  }
  result.elapsedS = (performance.now() - startedAt) / 1000
  await agent.close()
  sendResult(result)
}

interface Measured {
  client: PhaseResult
  mockTokens: number
  mockCpuS: number
  mockPeakStreams: number
}

async function measure(mock: ServerHandle, phase: Omit<Phase, 'url'>): Promise<Measured> {
  const before = await mock.stats()
  const client = await runClientRole<PhaseResult>('mock-client', { ...phase, url: mock.url }, (phase.seconds + 120) * 1000)
  const after = await mock.stats()
  const stats = (value: typeof before) => value.stats as { tokensStreamed: number; peakConcurrentStreams: number }
  return {
    client,
    mockTokens: stats(after).tokensStreamed - stats(before).tokensStreamed,
    mockCpuS: after.cpuS - before.cpuS,
    mockPeakStreams: stats(after).peakConcurrentStreams,
  }
}

async function runSection(context: BenchContext): Promise<SectionOutcome> {
  const seconds = Math.max(2, Math.round(4 * context.scale))
  const held = Math.max(500, Math.round(10_000 * context.scale))
  const instant = { streams: 64, tokens: 256, seconds }
  const paced = { streams: 1_000, tokens: 100, seconds, ttftMs: 0, itlMs: 10 }
  const runs = { instant: [] as Measured[], paced: [] as Measured[] }
  const mock = await startServerRole('mock', { profile: 'instant' })
  let holdRun: Measured
  try {
    for (let round = 1; round <= context.rounds; round++) {
      for (const [name, phase] of [['instant', instant], ['paced', paced]] as const) {
        const measured = await measure(mock, phase)
        runs[name].push(measured)
        context.log(
          `mock round ${round} ${name}: ${(measured.client.tokens / measured.client.elapsedS).toFixed(0)} tokens/s, client counted ${measured.client.tokens}, mock ${measured.mockTokens}; ` +
            `mock CPU ${((measured.mockCpuS / measured.client.elapsedS) * 100).toFixed(0)}%; failures ${measured.client.failures}`,
        )
      }
    }
    // Held streams: each stream one token a second for 10 s, opened at 2,000/s.
    holdRun = await measure(mock, { streams: held, tokens: 10, seconds: 15, ttftMs: 0, itlMs: 1_000, hold: true, rampPerS: 2_000 })
    context.log(`mock held: peak ${holdRun.mockPeakStreams} streams open at once (client saw ${holdRun.client.peakOpen}), mock CPU ${((holdRun.mockCpuS / holdRun.client.elapsedS) * 100).toFixed(0)}%, failures ${holdRun.client.failures}`)
  } finally {
    await mock.stop()
  }
  const wall = (of: Measured[]) => spread(of.map((run) => run.client.tokens / run.client.elapsedS))
  const perCpu = (of: Measured[]) => spread(of.map((run) => run.mockTokens / run.mockCpuS))
  const cpuShare = (of: Measured[]) => spread(of.map((run) => (run.mockCpuS / run.client.elapsedS) * 100))
  const instantWall = wall(runs.instant)
  const goalMet = instantWall.median >= 100_000
  const mismatches = [...runs.instant, ...runs.paced, holdRun].filter((run) => run.client.tokens !== run.mockTokens).length
  const rows: Row[] = [
    { measure: `streamed tokens/s, ${instant.streams} streams × ${instant.tokens} tokens, answers at once`, unit: 'tokens/s', digits: 0, ours: instantWall, peers: [], goal: '≥ 100k tokens/s', met: goalMet },
    { measure: '… per CPU-second of the mock (one core to itself)', unit: 'tokens/CPU-s', digits: 0, ours: perCpu(runs.instant), peers: [] },
    { measure: '… mock CPU', unit: '% of a core', digits: 0, ours: cpuShare(runs.instant), peers: [] },
    { measure: `streamed tokens/s, ${paced.streams.toLocaleString('en-US')} streams paced one token per ${paced.itlMs} ms (100k/s asked)`, unit: 'tokens/s', digits: 0, ours: wall(runs.paced), peers: [] },
    { measure: '… per CPU-second of the mock', unit: 'tokens/CPU-s', digits: 0, ours: perCpu(runs.paced), peers: [] },
    { measure: '… mock CPU', unit: '% of a core', digits: 0, ours: cpuShare(runs.paced), peers: [] },
    {
      measure: `streams held open at once (${held.toLocaleString('en-US')} opened at 2,000/s, 1 token/s each)`,
      unit: 'streams',
      digits: 0,
      ours: spread([holdRun.mockPeakStreams]),
      peers: [{ name: 'client saw', value: spread([holdRun.client.peakOpen]) }],
    },
    { measure: '… mock CPU while holding them', unit: '% of a core', digits: 0, ours: spread([(holdRun.mockCpuS / holdRun.client.elapsedS) * 100]), peers: [] },
  ]
  const notes = [
    'The mock (`instant` profile; the paced and held phases set exact timing per request with the `x-gauntlet-ttft-ms` / `x-gauntlet-itl-ms` headers) runs alone in its process, so its CPU is its own; a bare undici client in another process counts content chunks. Client and mock share 2 cores with the machine\'s other jobs, so tokens/s (wall) is what the pair achieved, and tokens per mock CPU-second is the rate the mock would give with one core to itself.',
    mismatches === 0 ? 'Every phase: the tokens the client counted equal the tokens the mock reports streaming.' : `${mismatches} phases: the client's token count differs from the mock's (see latest.json details).`,
  ]
  return {
    verdict: goalMet ? 'met' : 'missed',
    rows,
    notes,
    commands: [sectionCommand('mock'), 'npx esbuild bench/mock-throughput.ts --bundle --platform=node --format=esm --packages=external --outfile=dist/bench/mock-throughput.mjs && node dist/bench/mock-throughput.mjs   # the mock helper\'s own script'],
    details: { instant, paced, held, runs, holdRun },
  }
}

export const mockSection: Section = {
  id: 'mock',
  title: 'Mock: streamed tokens/s and concurrent streams',
  goal: '≥ 100k streamed tokens/s',
  roles: { 'mock-client': clientRole },
  run: runSection,
}
