// How traffic is turned into send times: the seam every schedule (open, closed, ramping, yours)
// implements, one file each, listed in registry.ts. See README.md to add one.
//
//   spec (code, JSON, CLI flags) ─► definition.parse ─► definition.create ─► Schedule
//                                    every problem,        │  describe, timeScale, plannedDurationMs,
//                                    one line each         │  connections, lagMeasured, k6?
//                                                          └► run(requests, context, dispatch, drop)
import type { Clock } from '../../core/clock.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import type { K6Scenario, ScenarioOptions } from '../k6/scenarios.js'
import type { K6ScheduleMode } from '../k6/scripts/lib/plan.js'
import type { FieldReader } from './fields.js'

export type { ScheduleSpec } from './registry.js'

/** What every spec has: its schedule's name. The rest is the schedule's own fields. */
export interface ScheduleSpecBase {
  type: string
}

/**
 * Specs of schedules registered outside this folder, by type, so that they type-check as
 * `RunOptions.schedule`: `declare module 'llm-gauntlet/load/schedules/types.js' { interface
 * CustomScheduleSpecs { 'my-schedule': MySpec } }`. Built-ins are listed in registry.ts instead.
 */
export interface CustomScheduleSpecs {}

/**
 * Starts one logical request at `scheduledAtMs` (ms from run start) and returns when it is
 * done (including retries). The schedule never awaits it in open mode.
 */
export type Dispatch = (request: TrafficRequest, scheduledAtMs: number) => Promise<void>

/** Records a request that was due but not sent (in-flight cap full). */
export type Drop = (request: TrafficRequest, scheduledAtMs: number) => void

/** What a schedule gets at run time besides its spec. */
export interface ScheduleContext {
  clock: Clock
  runStartMs: number
  /** Stop sending (interrupted, or the time limit); in-flight requests are the runner's. */
  signal: AbortSignal
  /** The run's in-flight cap (`--max-in-flight`). */
  maxInFlight: number
}

/** The traffic as estimated before the run. */
export interface TrafficEstimate {
  requests: number
  /** Last offset, ms. */
  spanMs: number
}

/** A `gauntlet run` flag that sets one field of a schedule's spec. */
export interface ScheduleOption {
  /** Commander syntax: `--users <n>`; the value arrives as text and is parsed by `parse`. */
  flag: string
  field: string
  description: string
  /** Giving this flag picks the schedule (closed: `--users`); without one it is never picked by flags. */
  selects?: boolean
}

/** What the CLI knows besides the schedule's own flags. */
export interface CliContext {
  /** `--time-scale` for a traffic file (offsets replayed k× faster); 1 for generated traffic. */
  replayTimeScale: number
}

export interface K6ScheduleInput {
  /** The traffic's offsets, sorted; iteration n of the scenario sends request n. */
  offsetsMs: readonly number[]
  /** `gauntlet k6 export` options: rate or exact, window, VUs, request timeout. */
  options: ScenarioOptions
}

export interface K6Mapping {
  scenario: K6Scenario
  /** How the script times an iteration: `exact` sleeps to the request's offset, `rate` sends at once. */
  mode: K6ScheduleMode
  /** Starts aim at the traffic's offsets (so their deviation from them means something). */
  followsOffsets: boolean
}

/** A validated spec, ready to run. */
export interface Schedule {
  /** One line for logs: `closed schedule: 8 virtual users, no think time`. */
  describe(): string
  /** Offsets are divided by this (1 when they are not followed); chaos timelines are compressed alike. */
  readonly timeScale: number
  /** How long sending takes, ms; null when the endpoint's speed decides. */
  plannedDurationMs(estimate: TrafficEstimate): number | null
  /** Connections the HTTP pool may open: more than the schedule can use leaks set-up time into latency. */
  connections(maxInFlight: number): number
  /** Sends have planned times, so schedule lag measures the client (false: the client's readiness is the time). */
  readonly lagMeasured: boolean
  /** The k6 scenario that does the same (`gauntlet k6 export`); absent: no k6 equivalent. */
  k6?(input: K6ScheduleInput): K6Mapping
  /** Sends `requests` through `dispatch` (or `drop`s them) until they end or `context.signal` aborts. */
  run(requests: AsyncIterable<TrafficRequest>, context: ScheduleContext, dispatch: Dispatch, drop: Drop): Promise<void>
}

/** One schedule: its fields, flags, validation and behaviour. Registered by `type` in registry.ts. */
export interface ScheduleDefinition<S extends ScheduleSpecBase = ScheduleSpecBase> {
  /** Kebab-case name, the spec's `type`. */
  readonly type: S['type']
  /** One line: what it models. */
  readonly summary: string
  /** Every field of the spec besides `type`: anything else is rejected. */
  readonly fields: readonly string[]
  /** `gauntlet run` flags for its fields. */
  readonly options?: readonly ScheduleOption[]
  /** Fields the CLI fills that no flag of its own gives (open: the replay time scale); defaults. */
  fromCli?(fields: Record<string, unknown>, context: CliContext): Record<string, unknown>
  /**
   * Reads the spec through `read` (which records every problem, one line each, and parses flag
   * text); the registry rejects the spec when there was any, so the value returned then is unused.
   */
  parse(read: FieldReader): S
  /** A spec `parse` accepted -> the schedule a run uses. */
  create(spec: S): Schedule
}
