// Fault timelines: a declarative drill of phases, each switching faults on for a span of run time,
// optionally with a toxicity ramp. Pure: the proxy (or the run command) asks what is in force at a
// given elapsed time.
//
//   0s        60s              120s           180s
//   |baseline |latency-spike   |429-storm     |recovery ...
//              toxicity 0 ───► 1 (ramp)
import { z } from 'zod'
import { UserError } from '../core/errors.js'
import { checkFaultSpec, duplicateNameProblems, joinPath, problemsError, readJsonFile, zodProblems, type Problem } from './registry.js'
import type { FaultSpec } from './types.js'

export interface TimelineRamp {
  /** Factor on every fault's toxicity at the phase start, 0..1. */
  toxicityFrom: number
  /** Factor at the phase end; linear in between. */
  toxicityTo: number
}

export interface TimelinePhase {
  readonly name: string
  /** Seconds of run time; the phase holds on [fromS, toS). */
  readonly fromS: number
  readonly toS: number
  /** The same bounds in ms of run time. */
  readonly fromMs: number
  readonly toMs: number
  /** Validated specs, defaults filled in. */
  readonly faults: readonly FaultSpec[]
  readonly ramp: TimelineRamp | undefined
  readonly description: string | undefined
}

export interface ActiveFaults {
  /** Index in `phases`, or -1 between or outside phases. */
  phaseIndex: number
  phase: TimelinePhase | undefined
  /** Toxicity multiplied by the ramp factor. */
  faults: FaultSpec[]
  /** The ramp factor applied (1 without a ramp). */
  toxicityFactor: number
}

export interface Timeline {
  /** Sorted by start. Phases never overlap; gaps between them have no faults. */
  readonly phases: readonly TimelinePhase[]
  /** End of the last phase, ms. */
  readonly durationMs: number
  /** Where it came from (file path), for messages. */
  readonly source: string
  /** Phase name at `elapsedMs` of run time, undefined between phases and after the last. */
  phaseAt(elapsedMs: number): string | undefined
  /** Specs in force at `elapsedMs`, with ramped toxicity. */
  faultsAt(elapsedMs: number): FaultSpec[]
  activeAt(elapsedMs: number): ActiveFaults
  /**
   * The same drill `k` times faster: phase boundaries divided by `k` (fault parameters such as
   * latencies are not scaled). `scale(60)` plays a one-hour drill in one minute.
   */
  scale(k: number): Timeline
}

const rampShape = z.strictObject({
  toxicityFrom: z.number().min(0).max(1),
  toxicityTo: z.number().min(0).max(1),
})

const phaseShape = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits and . _ - only (it is sent in a header)'),
  fromS: z.number().min(0),
  toS: z.number().positive(),
  description: z.string().optional(),
  faults: z.array(z.unknown()).optional(),
  ramp: rampShape.optional(),
})

const timelineShape = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  phases: z.array(z.unknown()).min(1),
})

/** Validates a parsed timeline document; throws one UserError listing every problem. */
export function parseTimeline(input: unknown, source = 'timeline'): Timeline {
  const top = timelineShape.safeParse(input, { reportInput: true })
  if (!top.success) throw problemsError(source, zodProblems(top.error, ''))
  const problems: Problem[] = []
  const phases: TimelinePhase[] = []
  top.data.phases.forEach((rawPhase, index) => {
    const path = joinPath('phases', index)
    const parsed = phaseShape.safeParse(rawPhase, { reportInput: true })
    if (!parsed.success) {
      problems.push(...zodProblems(parsed.error, path))
      return
    }
    const phase = parsed.data
    if (phase.toS <= phase.fromS) {
      problems.push({ code: 'CHAOS_INVALID', path: joinPath(path, 'toS'), message: `must be greater than fromS (${phase.fromS}), received ${phase.toS}; fix: end the phase after it starts` })
    }
    const faultsPath = joinPath(path, 'faults')
    const specs = (phase.faults ?? []).map((fault, faultIndex) => {
      const checked = checkFaultSpec(fault, joinPath(faultsPath, faultIndex))
      problems.push(...checked.problems)
      return checked.spec
    })
    problems.push(...duplicateNameProblems(specs, faultsPath))
    phases.push({
      name: phase.name,
      fromS: phase.fromS,
      toS: phase.toS,
      fromMs: phase.fromS * 1000,
      toMs: phase.toS * 1000,
      faults: specs.filter((spec): spec is FaultSpec => spec !== undefined),
      ramp: phase.ramp,
      description: phase.description,
    })
  })
  const seenNames = new Map<string, number>()
  phases.forEach((phase, index) => {
    const first = seenNames.get(phase.name)
    if (first !== undefined) {
      problems.push({ code: 'CHAOS_INVALID', path: joinPath(joinPath('phases', index), 'name'), message: `duplicate phase name ${JSON.stringify(phase.name)} (also phases[${first}]); fix: give each phase its own name` })
    } else {
      seenNames.set(phase.name, index)
    }
  })
  const sorted = [...phases].sort((a, b) => a.fromS - b.fromS)
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1] as TimelinePhase
    const after = sorted[i] as TimelinePhase
    if (after.fromS < before.toS) {
      problems.push({
        code: 'CHAOS_INVALID',
        path: joinPath(joinPath('phases', phases.indexOf(after)), 'fromS'),
        message: `phase "${after.name}" starts at ${after.fromS}s, inside "${before.name}" (${before.fromS}s–${before.toS}s); fix: start it at ${before.toS} or later`,
      })
    }
  }
  if (problems.length > 0) throw problemsError(source, problems)
  return createTimeline(sorted, source)
}

/** Reads and validates a timeline file (JSON). */
/** `flag` names the option the path came from in error messages (`--chaos`, `--timeline`). */
export async function loadTimeline(path: string, flag = '--timeline'): Promise<Timeline> {
  return parseTimeline(await readJsonFile(path, flag), path)
}

function createTimeline(phases: readonly TimelinePhase[], source: string): Timeline {
  const last = phases[phases.length - 1]
  const durationMs = last === undefined ? 0 : last.toMs

  const indexAt = (elapsedMs: number): number => {
    for (let i = 0; i < phases.length; i++) {
      const phase = phases[i] as TimelinePhase
      if (elapsedMs >= phase.fromMs && elapsedMs < phase.toMs) return i
    }
    return -1
  }

  const activeAt = (elapsedMs: number): ActiveFaults => {
    const phaseIndex = indexAt(elapsedMs)
    const phase = phases[phaseIndex]
    if (phase === undefined) return { phaseIndex: -1, phase: undefined, faults: [], toxicityFactor: 1 }
    const toxicityFactor = rampFactor(phase, elapsedMs)
    const faults = phase.faults.map((spec) => ({ ...spec, toxicity: (spec.toxicity ?? 1) * toxicityFactor }))
    return { phaseIndex, phase, faults, toxicityFactor }
  }

  return {
    phases,
    durationMs,
    source,
    phaseAt: (elapsedMs) => phases[indexAt(elapsedMs)]?.name,
    faultsAt: (elapsedMs) => activeAt(elapsedMs).faults,
    activeAt,
    scale(k) {
      if (!(k > 0) || !Number.isFinite(k)) {
        throw new UserError('CHAOS_INVALID', `${source}: time scale must be a positive number, received ${k}; fix: use e.g. 60 to play an hour in a minute`)
      }
      return createTimeline(
        phases.map((phase) => ({ ...phase, fromS: phase.fromS / k, toS: phase.toS / k, fromMs: (phase.fromS / k) * 1000, toMs: (phase.toS / k) * 1000 })),
        source,
      )
    },
  }
}

/** The ramp's toxicity factor at `elapsedMs` inside `phase` (1 without a ramp). */
export function rampFactor(phase: TimelinePhase, elapsedMs: number): number {
  const ramp = phase.ramp
  if (ramp === undefined) return 1
  const progress = Math.min(1, Math.max(0, (elapsedMs - phase.fromMs) / (phase.toMs - phase.fromMs)))
  return ramp.toxicityFrom + (ramp.toxicityTo - ramp.toxicityFrom) * progress
}
