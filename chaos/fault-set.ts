// The fault set in force: the static faults, the timeline's phase faults on the run clock, and the
// seeded draw of which of them fire for one request.
//
//   static faults ─┐
//                  ├─► candidates (in order) ─► match ─► active? ─► draw(seed × key × name) < toxicity ─► fired
//   timeline phase ┘   (phase toxicity × ramp factor)
import type { Clock } from '../core/clock.js'
import { UserError } from '../core/errors.js'
import { createRandom, type Random } from '../core/random.js'
import { createFault, parseFaultSpec, parseFaultSpecs } from './registry.js'
import type { Timeline } from './timeline.js'
import type { Fault, FaultContext, FaultMatch, FaultSpec, RequestInfo } from './types.js'

export interface CompiledFault {
  readonly spec: FaultSpec
  readonly name: string
  readonly fault: Fault
  readonly matches: (request: RequestInfo) => boolean
  /** Aborted when the fault is removed or replaced: its in-flight effects stop. */
  readonly interrupt: AbortController
}

export interface Candidate {
  compiled: CompiledFault
  toxicity: number
}

/** The faults a request meets on arrival, with the run time and timeline phase of that moment. */
export interface InForce {
  elapsedMs: number
  phase: string | undefined
  candidates: Candidate[]
}

export interface FiredFault {
  compiled: CompiledFault
  context: FaultContext
}

/** What a user changes of the fault set while traffic flows (the proxy's verbs, the control API's). */
export interface FaultSetControls {
  /** Replaces the static faults (validated; in-flight effects of the old ones are interrupted). */
  setFaults(specs: FaultSpec[]): FaultSpec[]
  /** Adds a static fault; its name must be free. Returns the spec with defaults filled in. */
  addFault(spec: FaultSpec): FaultSpec
  /** Changes `toxicity`, `match` or `params` (merged) of a static fault; `type` cannot change. */
  updateFault(name: string, patch: Partial<FaultSpec>): FaultSpec
  removeFault(name: string): boolean
  listFaults(): FaultSpec[]
  /** Replaces the timeline; it plays on the run clock (see `startTimeline`). */
  setTimeline(timeline: Timeline | undefined): void
  readonly timeline: Timeline | undefined
  /**
   * Restarts the run clock, and so the timeline, at `atMs` on the proxy's clock (default now).
   * Until called, run time counts from the proxy's creation. An in-process run passes its own
   * start so that `timeline.phaseAt(elapsed)` in its records agrees with the proxy.
   */
  startTimeline(atMs?: number): void
  /** Run time on the proxy's clock, from `startTimeline` or the proxy's creation. */
  elapsedMs(): number
  /** Timeline phase now. */
  phase(): string | undefined
}

export interface FaultSet extends FaultSetControls {
  /** Candidates now: the static faults first, then the phase's with ramped toxicity. */
  inForce(): InForce
  /**
   * The candidates that fire for `request`, in order. `contextFor` builds a fault's context
   * around the random stream it gets for its own draws.
   */
  decide(candidates: readonly Candidate[], request: RequestInfo, contextFor: (compiled: CompiledFault, random: Random) => FaultContext): FiredFault[]
  /** Interrupts every fault in force, static and timeline (the proxy is closing). */
  interruptAll(): void
}

export interface FaultSetOptions {
  faults: FaultSpec[] | undefined
  timeline: Timeline | undefined
  /** Seed for every decision and draw. */
  seed: number
  clock: Clock
}

export function createFaultSet(options: FaultSetOptions): FaultSet {
  const { clock } = options
  const rootRandom: Random = createRandom(options.seed)
  let staticFaults: CompiledFault[] = options.faults === undefined ? [] : compileAll(parseFaultSpecs(options.faults, 'createChaosProxy faults'))
  let timeline: Timeline | undefined
  let timelineFaults: CompiledFault[][] = []
  let timelineInterrupt = new AbortController()
  let runStartMs = clock.now()

  const installTimeline = (next: Timeline | undefined): void => {
    timelineInterrupt.abort()
    timelineInterrupt = new AbortController()
    timeline = next
    const interrupt = timelineInterrupt
    timelineFaults = next === undefined ? [] : next.phases.map((phase) => phase.faults.map((spec) => compile(spec, interrupt)))
  }
  installTimeline(options.timeline)

  const findStatic = (name: string): number => staticFaults.findIndex((compiled) => compiled.name === name)
  const elapsedMs = (): number => clock.now() - runStartMs

  return {
    inForce() {
      const now = elapsedMs()
      const candidates: Candidate[] = staticFaults.map((compiled) => ({ compiled, toxicity: compiled.spec.toxicity ?? 1 }))
      if (timeline === undefined) return { elapsedMs: now, phase: undefined, candidates }
      const active = timeline.activeAt(now)
      const compiledPhase = timelineFaults[active.phaseIndex]
      if (active.phase === undefined || compiledPhase === undefined) return { elapsedMs: now, phase: undefined, candidates }
      for (const compiled of compiledPhase) {
        candidates.push({ compiled, toxicity: (compiled.spec.toxicity ?? 1) * active.toxicityFactor })
      }
      return { elapsedMs: now, phase: active.phase.name, candidates }
    },
    decide(candidates, request, contextFor) {
      const requestRandom = rootRandom.fork(request.key)
      const fired: FiredFault[] = []
      for (const { compiled, toxicity } of candidates) {
        if (!compiled.matches(request)) continue
        const context = contextFor(compiled, requestRandom.fork(`fault:${compiled.name}`))
        if (compiled.fault.active !== undefined && !compiled.fault.active(context)) continue
        // Drawn from its own stream whatever the toxicity, so changing one fault's toxicity never
        // shifts another fault's draws.
        const draw = requestRandom.fork(`decide:${compiled.name}`).next()
        if (!(draw < toxicity)) continue
        fired.push({ compiled, context })
      }
      return fired
    },
    setFaults(specs) {
      const next = compileAll(parseFaultSpecs(specs, 'setFaults'))
      const previous = staticFaults
      staticFaults = next
      for (const compiled of previous) compiled.interrupt.abort()
      return next.map((compiled) => compiled.spec)
    },
    addFault(spec) {
      const validated = parseFaultSpec(spec, 'addFault')
      const name = validated.name ?? validated.type
      if (findStatic(name) !== -1) {
        throw new UserError('CHAOS_INVALID', `addFault: a fault named ${JSON.stringify(name)} already exists; fix: remove it first, update it, or give the new one another "name"`)
      }
      const compiled = compile(validated, new AbortController())
      staticFaults = [...staticFaults, compiled]
      return compiled.spec
    },
    updateFault(name, patch) {
      const index = findStatic(name)
      const current = staticFaults[index]
      if (current === undefined) throw new UserError('CHAOS_INVALID', `updateFault: no fault named ${JSON.stringify(name)}; fix: use one of ${staticFaults.map((c) => c.name).join(', ') || '(none)'}`)
      if (patch.type !== undefined && patch.type !== current.spec.type) {
        throw new UserError('CHAOS_INVALID', `updateFault ${name}: type cannot change (${current.spec.type} → ${patch.type}); fix: remove it and add a new fault`)
      }
      if (patch.name !== undefined && patch.name !== name) {
        throw new UserError('CHAOS_INVALID', `updateFault ${name}: name cannot change; fix: remove it and add it under the new name`)
      }
      const merged: FaultSpec = {
        ...current.spec,
        ...(patch.toxicity === undefined ? {} : { toxicity: patch.toxicity }),
        ...(patch.match === undefined ? {} : { match: patch.match }),
        params: { ...current.spec.params, ...patch.params },
      }
      const compiled = compile(parseFaultSpec(merged, `updateFault ${name}`), new AbortController())
      const next = [...staticFaults]
      next[index] = compiled
      staticFaults = next
      current.interrupt.abort()
      return compiled.spec
    },
    removeFault(name) {
      const index = findStatic(name)
      const current = staticFaults[index]
      if (current === undefined) return false
      staticFaults = staticFaults.filter((_, i) => i !== index)
      current.interrupt.abort()
      return true
    },
    listFaults: () => staticFaults.map((compiled) => structuredClone(compiled.spec)),
    setTimeline: installTimeline,
    get timeline() {
      return timeline
    },
    startTimeline(atMs) {
      runStartMs = atMs ?? clock.now()
    },
    elapsedMs,
    phase: () => timeline?.phaseAt(elapsedMs()),
    interruptAll() {
      for (const compiled of staticFaults) compiled.interrupt.abort()
      timelineInterrupt.abort()
    },
  }
}

/** Compiles a spec's `match` into a predicate; no match means every request. */
export function compileMatch(match: FaultMatch | undefined): (request: RequestInfo) => boolean {
  if (match === undefined) return () => true
  const path = match.path === undefined ? undefined : globToRegExp(match.path)
  const model = match.model === undefined ? undefined : globToRegExp(match.model)
  const header = Object.entries(match.header ?? {}).map(([name, value]) => [name.toLowerCase(), globToRegExp(value)] as const)
  return (request) => {
    if (path !== undefined && !path.test(request.path.split('?')[0] ?? request.path)) return false
    if (model !== undefined && (request.model === undefined || !model.test(request.model))) return false
    for (const [name, value] of header) {
      const actual = request.headers[name]
      if (actual === undefined || !value.test(actual)) return false
    }
    return true
  }
}

function compile(spec: FaultSpec, interrupt: AbortController): CompiledFault {
  return { spec, name: spec.name ?? spec.type, fault: createFault(spec), matches: compileMatch(spec.match), interrupt }
}

function compileAll(specs: FaultSpec[]): CompiledFault[] {
  return specs.map((spec) => compile(spec, new AbortController()))
}

function globToRegExp(glob: string, flags = ''): RegExp {
  const pattern = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${pattern}$`, flags)
}
