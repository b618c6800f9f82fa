// Schedule types → definitions, the one list of schedules: run(), the runner, the CLI flags and
// k6 export ask it instead of branching on `type` (grafana/k6 lib/executor: one file each,
// found by name). A built-in is its file plus one entry in BUILT_IN; a plugin calls registerSchedule.
import { UserError, type ErrorCode } from '../../core/errors.js'
import type { ScenarioOptions } from '../k6/scenarios.js'
import { closedSchedule } from './closed.js'
import { createFieldReader, specNames, unknownField, type FieldNames } from './fields.js'
import { openSchedule } from './open.js'
import { rampingSchedule } from './ramping.js'
import type { CliContext, CustomScheduleSpecs, K6Mapping, Schedule, ScheduleDefinition, ScheduleOption, ScheduleSpecBase } from './types.js'

const BUILT_IN = [openSchedule, closedSchedule, rampingSchedule] as const

type SpecOf<D> = D extends ScheduleDefinition<infer S> ? S : never

/** What `RunOptions.schedule` takes (and summaries record as `config.schedule`). */
export type ScheduleSpec = SpecOf<(typeof BUILT_IN)[number]> | CustomScheduleSpecs[keyof CustomScheduleSpecs]

/** Used when a run names none: the traffic's own offsets. */
export const DEFAULT_SCHEDULE: ScheduleSpec = { type: 'open', timeScale: 1 }

const definitions = new Map<string, ScheduleDefinition>(BUILT_IN.map((definition) => [definition.type, definition]))

const TYPE_NAME = /^[a-z][a-z0-9-]*$/
const FLAG = /^--([a-z][a-z0-9-]*) <[a-z]+>$/

export interface RegisterScheduleOptions {
  /** Replace a schedule already registered under this type (built-ins included). */
  replace?: boolean
}

/** `--think-time <ms>` → `thinkTime`, the key commander gives the value under. */
function flagKey(flag: string): string {
  const name = FLAG.exec(flag)?.[1] ?? flag
  return name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())
}

function flagName(flag: string): string {
  return flag.split(' ')[0] as string
}

/**
 * Makes `definition.type` usable as a spec's `type` (and its flags usable by `gauntlet run` when
 * registered before the CLI is built). Registering the same definition again is a no-op.
 */
export function registerSchedule<S extends ScheduleSpecBase>(definition: ScheduleDefinition<S>, options: RegisterScheduleOptions = {}): void {
  const problems: string[] = []
  const type: unknown = definition.type
  if (typeof type !== 'string' || !TYPE_NAME.test(type)) {
    problems.push(`schedule type ${JSON.stringify(type)}: expected kebab-case like 'constant-rate'; rename it`)
  }
  for (const option of definition.options ?? []) {
    if (!FLAG.test(option.flag)) problems.push(`schedule '${String(type)}' option '${option.flag}': expected '--kebab-name <value>'; e.g. '--rate <n>'`)
    if (!definition.fields.includes(option.field)) {
      problems.push(`schedule '${String(type)}' option ${option.flag}: field '${option.field}' is not in its fields (${definition.fields.join(', ')}); add it or fix the name`)
    }
    for (const other of definitions.values()) {
      const clash = other.type !== definition.type && other.options?.find((o) => flagName(o.flag) === flagName(option.flag) && o.field !== option.field)
      if (clash) problems.push(`schedule '${String(type)}' option ${option.flag} sets '${option.field}', but the ${other.type} schedule's sets '${clash.field}'; rename the flag or the field`)
    }
  }
  if (definitions.get(definition.type) === definition) return
  if (definitions.has(definition.type) && options.replace !== true) {
    problems.push(`schedule '${definition.type}' is already registered; pick another type or pass { replace: true }`)
  }
  if (problems.length > 0) throw new UserError('CONFIG_INVALID', problems.join('\n'))
  definitions.set(definition.type, definition as unknown as ScheduleDefinition)
}

/** Removes a registered schedule (tests); true when there was one. */
export function unregisterSchedule(type: string): boolean {
  return definitions.delete(type)
}

export function getScheduleDefinition(type: string): ScheduleDefinition | undefined {
  return definitions.get(type)
}

/** Registered types, built-ins first. */
export function listSchedules(): string[] {
  return [...definitions.keys()]
}

function parseWith(definition: ScheduleDefinition, input: Readonly<Record<string, unknown>>, names: FieldNames, problems: string[]): ScheduleSpecBase {
  for (const key of Object.keys(input)) {
    if (key !== 'type' && !definition.fields.includes(key)) problems.push(unknownField(names.of(key), definition.fields))
  }
  return definition.parse(createFieldReader(input, names, problems))
}

function reject(code: ErrorCode, problems: readonly string[]): never {
  throw new UserError(code, problems.join('\n'))
}

/**
 * Checks a spec from code or JSON against its schedule: every problem at once, one line each,
 * named from `where` (`schedule.users`), as `CONFIG_INVALID`.
 */
export function parseSchedule(input: unknown, where = 'schedule'): ScheduleSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    reject('CONFIG_INVALID', [`${where}: expected an object with a type (${listSchedules().join(', ')}), received ${JSON.stringify(input)}; e.g. { "type": "closed", "users": 8 }`])
  }
  const record = input as Record<string, unknown>
  const definition = typeof record['type'] === 'string' ? definitions.get(record['type']) : undefined
  if (definition === undefined) {
    reject('CONFIG_INVALID', [
      `${where}.type: expected one of ${listSchedules().join(', ')}, received ${JSON.stringify(record['type'])}; fix the name or register the schedule with registerSchedule() first`,
    ])
  }
  const problems: string[] = []
  const spec = parseWith(definition, record, specNames(where), problems)
  if (problems.length > 0) reject('CONFIG_INVALID', problems)
  return spec as ScheduleSpec
}

/** A spec, checked (see parseSchedule), ready to run. */
export function createSchedule(input: ScheduleSpec, where = 'schedule'): Schedule {
  const spec = parseSchedule(input, where)
  return (definitions.get(spec.type) as ScheduleDefinition).create(spec)
}

/** Every flag the registered schedules take, once each (a flag shared by two is listed once). */
export function scheduleCliOptions(): ScheduleOption[] {
  const seen = new Map<string, ScheduleOption>()
  for (const definition of definitions.values()) for (const option of definition.options ?? []) if (!seen.has(flagName(option.flag))) seen.set(flagName(option.flag), option)
  return [...seen.values()]
}

/**
 * `gauntlet run` flags (commander's camel-cased values) → a spec. A schedule is picked by one of
 * its `selects` flags (closed: `--users`), else the default (open); flags of a schedule not
 * picked, two picked schedules, and bad values are all reported at once, as `USAGE_INVALID`.
 */
export function scheduleFromFlags(values: Readonly<Record<string, unknown>>, context: CliContext): ScheduleSpec {
  const given = (option: ScheduleOption): boolean => values[flagKey(option.flag)] !== undefined
  const picked = [...definitions.values()].filter((definition) => definition.options?.some((option) => option.selects === true && given(option)))
  const pickedBy = (definition: ScheduleDefinition): string =>
    (definition.options ?? []).filter((option) => option.selects === true && given(option)).map((option) => flagName(option.flag)).join(', ')
  if (picked.length > 1) {
    reject('USAGE_INVALID', [`${picked.map((d) => `${pickedBy(d)} (${d.type})`).join(' and ')} pick different schedules; give the flags of one`])
  }
  const definition = picked[0] ?? (definitions.get(DEFAULT_SCHEDULE.type) as ScheduleDefinition)
  const problems: string[] = []
  const own = new Map((definition.options ?? []).map((option) => [flagName(option.flag), option]))
  for (const option of scheduleCliOptions()) {
    if (!given(option) || own.has(flagName(option.flag))) continue
    const owners = [...definitions.values()].filter((d) => d.options?.some((o) => flagName(o.flag) === flagName(option.flag))).map((d) => d.type)
    problems.push(
      `${flagName(option.flag)} applies to the ${owners.join(' or ')} schedule, not the ${definition.type} one${picked.length > 0 ? ` that ${pickedBy(definition)} picks` : ' (the default)'}; drop it`,
    )
  }
  const fields: Record<string, unknown> = {}
  for (const option of own.values()) if (given(option)) fields[option.field] = values[flagKey(option.flag)]
  const input = { type: definition.type, ...(definition.fromCli?.(fields, context) ?? fields) }
  const fieldFlags = new Map([...own.values()].map((option) => [option.field, flagName(option.flag)]))
  const spec = specNames('schedule')
  const names: FieldNames = {
    of: (field) => fieldFlags.get(field) ?? spec.of(field),
    example: (field, value) => (fieldFlags.has(field) ? `${fieldFlags.get(field)} ${String(value)}` : spec.example(field, value)),
    fromText: true,
  }
  const parsed = parseWith(definition, input, names, problems)
  if (problems.length > 0) reject('USAGE_INVALID', problems)
  return parsed as ScheduleSpec
}

/** The k6 scenario for a spec (`gauntlet k6 export`); `USAGE_INVALID` when its schedule has none. */
export function k6ScheduleFor(input: ScheduleSpec, offsetsMs: readonly number[], options: ScenarioOptions): K6Mapping {
  const schedule = createSchedule(input)
  if (schedule.k6 === undefined) {
    reject('USAGE_INVALID', [`schedule.type '${input.type}': the ${input.type} schedule has no k6 equivalent; export with the default (open) schedule, which replays the traffic's offsets`])
  }
  return schedule.k6({ offsetsMs, options })
}
