// The schedule seam: a schedule defined here (constant-rate, test-only) is registered and then
// used by run(), the runner, the CLI flags and validation without any other file changing; the
// built-ins keep their spec shapes, and bad specs report every problem, one line each.
import { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Adapter, StreamEvent } from '../../../adapters/types.js'
import { buildRunOptions, type RunFlags } from '../../../bin/run-options.js'
import { register } from '../../../bin/commands/run.js'
import { GauntletError } from '../../../core/errors.js'
import type { TrafficRequest } from '../../../core/traffic-types.js'
import { plannedStartsMs } from '../../../load/k6/scenarios.js'
import { run } from '../../../load/run.js'
import { waitUntil } from '../../../load/schedules/pacer.js'
import {
  createSchedule,
  k6ScheduleFor,
  listSchedules,
  parseSchedule,
  registerSchedule,
  scheduleFromFlags,
  unregisterSchedule,
} from '../../../load/schedules/registry.js'
import type { ScheduleDefinition } from '../../../load/schedules/types.js'
import type { RunInfo, Sample } from '../../../results/types.js'
import { createFakeClock } from '../../helpers/fake-clock.js'

// ── The whole toy schedule: what a new file in load/schedules/ would hold. ──────────────────
interface ConstantRateSpec {
  type: 'constant-rate'
  ratePerSecond: number
}

declare module '../../../load/schedules/types.js' {
  interface CustomScheduleSpecs {
    'constant-rate': ConstantRateSpec
  }
}

const constantRate: ScheduleDefinition<ConstantRateSpec> = {
  type: 'constant-rate',
  summary: 'requests in traffic order at a fixed rate, offsets unused',
  fields: ['ratePerSecond'],
  options: [{ flag: '--rate <n>', field: 'ratePerSecond', description: 'constant-rate: requests per second', selects: true }],
  parse: (read) => ({ type: 'constant-rate', ratePerSecond: read.number('ratePerSecond', { above: 0, required: true, example: 5 }) }),
  create(spec) {
    const gapMs = 1000 / spec.ratePerSecond
    return {
      timeScale: 1,
      lagMeasured: true,
      describe: () => `constant-rate schedule: ${spec.ratePerSecond} req/s`,
      plannedDurationMs: (estimate) => Math.max(0, estimate.requests - 1) * gapMs,
      connections: (maxInFlight) => maxInFlight,
      async run(requests, context, dispatch, drop) {
        const inFlight = new Set<Promise<void>>()
        let k = 0
        for await (const request of requests) {
          const scheduledAtMs = k++ * gapMs
          await waitUntil(context.clock, context.runStartMs + scheduledAtMs, context.signal)
          if (context.signal.aborted) break
          if (inFlight.size >= context.maxInFlight) {
            drop(request, scheduledAtMs)
            continue
          }
          const pending = dispatch(request, scheduledAtMs).finally(() => inFlight.delete(pending))
          inFlight.add(pending)
        }
        await Promise.all(inFlight)
      },
    }
  },
}
// ──────────────────────────────────────────────────────────────────────────────────────────

function requests(count: number): TrafficRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `r${i}`,
    offsetMs: i * 10_000,
    userId: `u${i % 3}`,
    task: 'chat',
    messages: [{ role: 'user' as const, content: 'hi' }],
    inputTokens: 5,
    maxOutputTokens: 5,
  }))
}

async function* iterate<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items
}

/** Answers every request at once with one token; records the calls. */
function scriptedAdapter(calls: string[]): Adapter {
  return {
    name: 'scripted',
    model: 'toy',
    baseUrl: 'http://127.0.0.1:9/v1',
    async *stream(request): AsyncIterable<StreamEvent> {
      calls.push(request.model)
      yield { type: 'response-start', status: 200, headers: {} }
      yield { type: 'text-delta', text: 'ok' }
      yield { type: 'usage', usage: { inputTokens: 5, outputTokens: 1 } }
      yield { type: 'stream-end', finishReason: 'stop' }
    },
  }
}

function runFlags(extra: Record<string, string>): RunFlags {
  const flags = { target: 'mock:exact', preset: 'peak-hour', stream: true, report: false, ...extra }
  return flags as RunFlags
}

function problemsOf(action: () => unknown): { code: string; lines: string[] } {
  try {
    action()
  } catch (error) {
    if (error instanceof GauntletError) return { code: error.code, lines: error.message.split('\n') }
    throw error
  }
  throw new Error('expected an error')
}

describe('a schedule registered from outside load/schedules', () => {
  beforeAll(() => registerSchedule(constantRate))
  afterAll(() => unregisterSchedule('constant-rate'))

  it('is listed after the built-ins', () => {
    expect(listSchedules()).toEqual(['open', 'closed', 'ramping', 'constant-rate'])
  })

  it('runs with a fake clock and a scripted dispatch: sends every 250 ms, drops past the cap', async () => {
    const clock = createFakeClock()
    const runStartMs = clock.now()
    const sent: [string, number][] = []
    const dropped: string[] = []
    const releases: (() => void)[] = []
    const schedule = createSchedule({ type: 'constant-rate', ratePerSecond: 4 })
    const done = schedule.run(
      iterate(requests(5)),
      { clock, runStartMs, signal: new AbortController().signal, maxInFlight: 3 },
      (request, scheduledAtMs) => {
        sent.push([request.id, clock.now() - runStartMs - scheduledAtMs])
        return new Promise<void>((resolve) => releases.push(resolve))
      },
      (request) => void dropped.push(request.id),
    )
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(sent.map(([id]) => id)).toEqual(['r0', 'r1', 'r2'])
    for (const [, lateMs] of sent) expect(lateMs).toBeGreaterThanOrEqual(0)
    expect(dropped).toEqual(['r3', 'r4'])
    for (const release of releases) release()
    await done
    expect(schedule.plannedDurationMs({ requests: 5, spanMs: 40_000 })).toBe(1_000)
  })

  it('drives run() end to end: planned duration, lag, send times and config.schedule from the definition', async () => {
    const calls: string[] = []
    const samples: Sample[] = []
    let info: RunInfo | undefined
    const lines: string[] = []
    const result = await run({
      traffic: { type: 'requests', requests: requests(6) },
      target: 'openai-compatible:toy@http://127.0.0.1:9/v1',
      adapter: scriptedAdapter(calls),
      schedule: { type: 'constant-rate', ratePerSecond: 10 },
      clock: createFakeClock(),
      outDir: null,
      patience: 'off',
      log: (line) => void lines.push(line),
      sinks: [{ name: 'probe', start: async (runInfo) => void (info = runInfo), record: (sample) => void samples.push(sample) }],
    })
    expect(calls).toHaveLength(6)
    expect(result.summary.plannedDurationMs).toBe(500)
    expect(samples.map((sample) => Math.round(sample.scheduledAtMs))).toEqual([0, 100, 200, 300, 400, 500])
    expect(result.summary.client?.scheduleLagP99Ms).not.toBeNull()
    expect(info?.config['schedule']).toEqual({ type: 'constant-rate', ratePerSecond: 10 })
    expect(lines.some((line) => line.startsWith('traffic: 6 requests over 500 ms'))).toBe(true)
  })

  it('gets its --rate flag into `gauntlet run` and picks itself by it', () => {
    const program = new Command()
    register(program, () => undefined)
    const command = program.commands.find((c) => c.name() === 'run')
    expect(command?.options.map((option) => option.long)).toContain('--rate')
    expect(buildRunOptions(runFlags({ rate: '4' })).schedule).toEqual({ type: 'constant-rate', ratePerSecond: 4 })
  })

  it('reports bad flag values and clashing schedules by flag', () => {
    expect(problemsOf(() => scheduleFromFlags({ rate: '0' }, { replayTimeScale: 1 }))).toEqual({
      code: 'USAGE_INVALID',
      lines: ["--rate: expected a number > 0, received '0'; e.g. --rate 5"],
    })
    expect(problemsOf(() => scheduleFromFlags({ rate: '4', users: '8' }, { replayTimeScale: 1 })).lines).toEqual([
      '--users (closed) and --rate (constant-rate) pick different schedules; give the flags of one',
    ])
    expect(problemsOf(() => scheduleFromFlags({ rate: '4', onCap: 'queue' }, { replayTimeScale: 1 })).lines).toEqual([
      '--on-cap applies to the open schedule, not the constant-rate one that --rate picks; drop it',
    ])
  })

  it('has no k6 mapping, and says so', () => {
    expect(problemsOf(() => k6ScheduleFor({ type: 'constant-rate', ratePerSecond: 4 }, [0], { mode: 'rate', requestTimeoutMs: 1000 })).code).toBe('USAGE_INVALID')
  })

  it('cannot take a type already registered, or a malformed flag', () => {
    expect(problemsOf(() => registerSchedule({ ...constantRate })).lines).toEqual([
      "schedule 'constant-rate' is already registered; pick another type or pass { replace: true }",
    ])
    expect(problemsOf(() => registerSchedule({ ...constantRate, type: 'Bad_Name' as 'constant-rate' })).code).toBe('CONFIG_INVALID')
    expect(problemsOf(() => registerSchedule({ ...constantRate, type: 'other-rate' as 'constant-rate', options: [{ flag: '--rate', field: 'ratePerSecond', description: '' }] })).code).toBe(
      'CONFIG_INVALID',
    )
  })
})

describe('built-in schedules through the registry', () => {
  it('CLI flags give the spec shapes summaries have always recorded', () => {
    expect(scheduleFromFlags({}, { replayTimeScale: 1 })).toEqual({ type: 'open', timeScale: 1 })
    expect(scheduleFromFlags({ onCap: 'queue' }, { replayTimeScale: 2 })).toEqual({ type: 'open', timeScale: 2, overflow: 'queue' })
    const closed = scheduleFromFlags({ users: '8' }, { replayTimeScale: 1 })
    expect(closed).toEqual({ type: 'closed', users: 8, thinkTimeMs: 0 })
    expect(Object.keys(closed)).toEqual(['type', 'users', 'thinkTimeMs'])
    expect(scheduleFromFlags({ users: '2', thinkTime: '250' }, { replayTimeScale: 1 })).toEqual({ type: 'closed', users: 2, thinkTimeMs: 250 })
  })

  it('flags of a schedule not picked are an error, with every problem at once', () => {
    expect(problemsOf(() => scheduleFromFlags({ users: '0', thinkTime: 'x', onCap: 'queue' }, { replayTimeScale: 1 }))).toEqual({
      code: 'USAGE_INVALID',
      lines: [
        '--on-cap applies to the open schedule, not the closed one that --users picks; drop it',
        "--users: expected a whole number ≥ 1, received '0'; e.g. --users 8",
        "--think-time: expected a number ≥ 0, received 'x'; e.g. --think-time 500",
      ],
    })
    expect(problemsOf(() => scheduleFromFlags({ thinkTime: '5' }, { replayTimeScale: 1 })).lines).toEqual([
      '--think-time applies to the closed schedule, not the open one (the default); drop it',
    ])
  })

  it.each([
    ['unknown type', { type: 'poisson' }, ['schedule.type: expected one of open, closed, ramping, received "poisson"; fix the name or register the schedule with registerSchedule() first']],
    ['not an object', 'closed', ['schedule: expected an object with a type (open, closed, ramping), received "closed"; e.g. { "type": "closed", "users": 8 }']],
    [
      'closed: every problem',
      { type: 'closed', users: 0, thinkTimeMs: -1, userz: 3 },
      [
        'schedule.userz: unknown field (known: users, thinkTimeMs); remove it or check the spelling',
        'schedule.users: expected a whole number ≥ 1, received 0; e.g. "users": 8',
        'schedule.thinkTimeMs: expected a number ≥ 0, received -1; e.g. "thinkTimeMs": 500',
      ],
    ],
    ['closed: users missing', { type: 'closed' }, ['schedule.users: missing (a whole number ≥ 1); e.g. "users": 8']],
    ['open: bad overflow and time scale', { type: 'open', timeScale: 0, overflow: 'wait' }, [
      'schedule.timeScale: expected a number > 0, received 0; e.g. "timeScale": 60',
      'schedule.overflow: expected drop or queue, received "wait"; e.g. "overflow": "queue"',
    ]],
    ['ramping: bad stages', { type: 'ramping', startRatePerSecond: 0, stages: [{ durationMs: 0, targetRatePerSecond: 0, rate: 1 }] }, [
      'schedule.stages[0].rate: unknown field (known: durationMs, targetRatePerSecond); remove it or check the spelling',
      'schedule.stages[0].durationMs: expected a number > 0, received 0; e.g. "durationMs": 60000',
      'schedule.stages: every rate is 0, so nothing would be sent; give a stage a targetRatePerSecond above 0, e.g. {"durationMs":60000,"targetRatePerSecond":10}',
    ]],
    ['ramping: no stages', { type: 'ramping', startRatePerSecond: 1, stages: [] }, [
      'schedule.stages: expected a list of at least 1, received []; e.g. "stages": [{"durationMs":60000,"targetRatePerSecond":10}]',
    ]],
  ])('rejects a spec: %s', (_, spec, lines) => {
    expect(problemsOf(() => parseSchedule(spec))).toEqual({ code: 'CONFIG_INVALID', lines })
  })

  it('plans, sizes and describes each built-in', () => {
    const estimate = { requests: 100, spanMs: 60_000 }
    const open = createSchedule({ type: 'open', timeScale: 2 })
    expect([open.plannedDurationMs(estimate), open.timeScale, open.connections(50), open.lagMeasured]).toEqual([30_000, 2, 50, true])
    const closed = createSchedule({ type: 'closed', users: 8 })
    expect([closed.plannedDurationMs(estimate), closed.timeScale, closed.connections(50), closed.lagMeasured]).toEqual([null, 1, 8, false])
    expect(closed.describe()).toBe('closed schedule: 8 virtual users, no think time')
    const ramping = createSchedule({ type: 'ramping', startRatePerSecond: 1, stages: [{ durationMs: 10_000, targetRatePerSecond: 5 }, { durationMs: 5_000, targetRatePerSecond: 5 }] })
    expect([ramping.plannedDurationMs(estimate), ramping.connections(50), ramping.lagMeasured]).toEqual([15_000, 50, true])
  })

  it('maps open and ramping to k6 scenarios; closed has none', () => {
    const open = k6ScheduleFor({ type: 'open' }, [0, 500, 1500], { mode: 'rate', requestTimeoutMs: 1000 })
    expect([open.scenario.executor, open.mode, open.followsOffsets]).toEqual(['ramping-arrival-rate', 'rate', true])
    expect(k6ScheduleFor({ type: 'open' }, [0, 500, 1500], { mode: 'exact', requestTimeoutMs: 1000 }).scenario.executor).toBe('shared-iterations')
    const ramp = k6ScheduleFor({ type: 'ramping', startRatePerSecond: 2, stages: [{ durationMs: 10_000, targetRatePerSecond: 2 }] }, [], { mode: 'rate', requestTimeoutMs: 1000 })
    expect(ramp).toMatchObject({ mode: 'rate', followsOffsets: false, scenario: { executor: 'ramping-arrival-rate', startRate: 2, timeUnit: '1000ms' } })
    if (ramp.scenario.executor === 'ramping-arrival-rate') expect(plannedStartsMs(ramp.scenario)).toHaveLength(20)
    const half = k6ScheduleFor({ type: 'ramping', startRatePerSecond: 0.5, stages: [{ durationMs: 10_000, targetRatePerSecond: 0.5 }] }, [], { mode: 'rate', requestTimeoutMs: 1000 })
    if (half.scenario.executor === 'ramping-arrival-rate') expect(plannedStartsMs(half.scenario)).toHaveLength(5)
    expect(problemsOf(() => k6ScheduleFor({ type: 'closed', users: 4 }, [0], { mode: 'rate', requestTimeoutMs: 1000 })).code).toBe('USAGE_INVALID')
  })
})
