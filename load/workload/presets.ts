// Workload presets (peak hour, working day, weekend) and the JSON model file that edits them.
import type { z } from 'zod'
import { UserError } from '../../core/errors.js'
import { lazySchema } from '../../core/zod.js'
import { normalizeCurve, WEEKEND_CURVE, WORKDAY_CURVE } from './diurnal.js'
import { WEEKDAYS, type PopulationParameters, type Weekday } from './population.js'
import { checkTaskMix, DEFAULT_TASK_MIX, type TaskMix, type TaskProfile } from './tasks.js'

export interface WorkloadPreset {
  name: string
  description: string
  /** UTC weekday the traffic starts on. */
  startDay: Weekday
  /** UTC hour the traffic starts at, or `busiest`: the hour with the most expected requests that day. */
  startHourUtc: number | 'busiest'
  durationHours: number
  population: PopulationParameters
  taskMix: TaskMix
  /** Coefficient of variation of inter-arrival gaps: 1 = Poisson, > 1 bursty. */
  burstinessCv: number
}

/**
 * An international company of 10,000: US West and East, UK, Central Europe, India. Three in
 * four employees use the assistant, 30 requests on a working day each (the mission's example).
 */
export const DEFAULT_POPULATION: PopulationParameters = {
  employees: 10_000,
  timeZones: [
    { utcOffsetHours: -8, share: 0.1 },
    { utcOffsetHours: -5, share: 0.3 },
    { utcOffsetHours: 0, share: 0.15 },
    { utcOffsetHours: 1, share: 0.3 },
    { utcOffsetHours: 5.5, share: 0.15 },
  ],
  adoption: 0.75,
  queriesPerDay: 30,
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  workdayCurve: [...WORKDAY_CURVE],
  weekendCurve: [...WEEKEND_CURVE],
  weekendActivity: 0.05,
  userActivityCv: 0.8,
}

export const PRESETS: Record<string, WorkloadPreset> = {
  'peak-hour': {
    name: 'peak-hour',
    description: 'the busiest clock hour (UTC) of a mid-week working day, across all time zones',
    startDay: 'wed',
    startHourUtc: 'busiest',
    durationHours: 1,
    population: DEFAULT_POPULATION,
    taskMix: DEFAULT_TASK_MIX,
    burstinessCv: 1,
  },
  workday: {
    name: 'workday',
    description: 'a mid-week day, 00:00 to 24:00 UTC',
    startDay: 'wed',
    startHourUtc: 0,
    durationHours: 24,
    population: DEFAULT_POPULATION,
    taskMix: DEFAULT_TASK_MIX,
    burstinessCv: 1,
  },
  weekend: {
    name: 'weekend',
    description: 'Saturday 00:00 to Monday 00:00 UTC: low traffic for maintenance drills',
    startDay: 'sat',
    startHourUtc: 0,
    durationHours: 48,
    population: DEFAULT_POPULATION,
    taskMix: DEFAULT_TASK_MIX,
    burstinessCv: 1,
  },
}

export function getPreset(name: string): WorkloadPreset {
  const preset = PRESETS[name]
  if (preset === undefined) {
    throw new UserError('USAGE_INVALID', `--preset '${name}' is not a preset; expected one of ${Object.keys(PRESETS).join(', ')}`)
  }
  return preset
}

// ---------------------------------------------------------------- model file

/** The model file's schema, built at the first model file (zod is loaded then, not with the presets). */
const modelSchema = lazySchema((z) => {
  const positive = z.number({ error: 'must be a number > 0' }).positive({ error: 'must be a number > 0' })
  const nonNegative = z.number({ error: 'must be a number ≥ 0' }).nonnegative({ error: 'must be a number ≥ 0' })
  const curve = z.array(nonNegative, { error: 'must be a list of 24 numbers ≥ 0' }).length(24, { error: 'must have exactly 24 hourly weights' })
  const wholeNumber = z.number({ error: 'must be a whole number ≥ 0' }).int({ error: 'must be a whole number ≥ 0' }).nonnegative({ error: 'must be a whole number ≥ 0' })
  const tokenDistribution = z.strictObject({
    median: positive,
    sigma: nonNegative,
    min: z.number({ error: 'must be an integer ≥ 0' }).int({ error: 'must be an integer ≥ 0' }).nonnegative({ error: 'must be an integer ≥ 0' }),
    max: z.number({ error: 'must be an integer ≥ 1' }).int({ error: 'must be an integer ≥ 1' }).positive({ error: 'must be an integer ≥ 1' }),
  })

  return z.strictObject({
    startDay: z.enum(WEEKDAYS as [Weekday, ...Weekday[]], { error: `must be one of ${WEEKDAYS.join(', ')}` }).optional(),
    startHourUtc: z.union([z.number().min(0).max(23.99), z.literal('busiest')], { error: "must be an hour 0–23 or 'busiest'" }).optional(),
    durationHours: positive.max(24 * 14, { error: 'must be at most 336 (two weeks)' }).optional(),
    burstinessCv: positive.optional(),
    population: z
      .strictObject({
        employees: z.number({ error: 'must be a whole number ≥ 1' }).int({ error: 'must be a whole number ≥ 1' }).positive({ error: 'must be a whole number ≥ 1' }).optional(),
        timeZones: z
          .array(z.strictObject({ utcOffsetHours: z.number({ error: 'must be hours from UTC, -12 to 14' }).min(-12, { error: 'must be hours from UTC, -12 to 14' }).max(14, { error: 'must be hours from UTC, -12 to 14' }), share: positive }), {
            error: 'must be a list of {utcOffsetHours, share}',
          })
          .min(1, { error: 'must list at least one time zone' })
          .optional(),
        adoption: z.number({ error: 'must be a share in (0, 1]' }).gt(0, { error: 'must be a share in (0, 1]' }).max(1, { error: 'must be a share in (0, 1]' }).optional(),
        queriesPerDay: positive.optional(),
        workingDays: z.array(z.enum(WEEKDAYS as [Weekday, ...Weekday[]], { error: `must be one of ${WEEKDAYS.join(', ')}` })).optional(),
        workdayCurve: curve.optional(),
        weekendCurve: curve.optional(),
        weekendActivity: nonNegative.optional(),
        userActivityCv: nonNegative.optional(),
      })
      .optional(),
    taskMix: z
      .record(
        z.string(),
        z.strictObject({
          weight: nonNegative,
          input: tokenDistribution.optional(),
          output: tokenDistribution.optional(),
          maxOutputTokens: z.number({ error: 'must be a whole number ≥ 1' }).int({ error: 'must be a whole number ≥ 1' }).positive({ error: 'must be a whole number ≥ 1' }).optional(),
          prefix: z
            .strictObject({
              systemTokens: wholeNumber,
              systemVariants: wholeNumber.optional(),
              documentTokens: wholeNumber.optional(),
              documents: wholeNumber.optional(),
              documentsPerRequest: wholeNumber.optional(),
            })
            .optional(),
          conversation: z.strictObject({ turns: tokenDistribution, thinkMs: tokenDistribution, followUp: tokenDistribution }).optional(),
          agent: z.strictObject({ calls: tokenDistribution, toolMs: tokenDistribution, toolResult: tokenDistribution, callOutput: tokenDistribution }).optional(),
        }),
        { error: 'must be an object of task name -> {weight, input, output, maxOutputTokens}' },
      )
      .optional(),
  })
})

export type WorkloadModelFile = z.infer<ReturnType<typeof modelSchema>>

function pathText(path: readonly PropertyKey[]): string {
  let text = ''
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : text === '' ? String(key) : `.${String(key)}`
  return text
}

/**
 * Checks a workload model file (JSON) and applies it over `preset`. Every field is optional;
 * a task in `taskMix` that is not in the preset needs `input`, `output` and `maxOutputTokens`.
 * The mix given replaces the preset's mix.
 */
export function applyModelFile(preset: WorkloadPreset, json: unknown, file: string): WorkloadPreset {
  const result = modelSchema().safeParse(json)
  if (!result.success) {
    const issue = result.error.issues[0] as z.core.$ZodIssue
    const detail =
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((key) => `'${[pathText(issue.path), key].filter((x) => x !== '').join('.')}'`).join(', ')}; remove it or check its spelling`
        : issue.path.length === 0
          ? 'must be a JSON object'
          : `field '${pathText(issue.path)}' ${issue.message}`
    throw new UserError('CONFIG_INVALID', `${file}: ${detail}; fix the workload model file`)
  }
  const model = result.data
  const population: PopulationParameters = { ...preset.population }
  for (const [key, value] of Object.entries(model.population ?? {})) {
    if (value !== undefined) (population as unknown as Record<string, unknown>)[key] = value
  }
  for (const name of ['workdayCurve', 'weekendCurve'] as const) {
    const normalized = normalizeCurve(population[name])
    if (typeof normalized === 'string') throw new UserError('CONFIG_INVALID', `${file}: field 'population.${name}' ${normalized}; fix the workload model file`)
  }
  let taskMix = preset.taskMix
  if (model.taskMix !== undefined) {
    taskMix = {}
    for (const [name, entry] of Object.entries(model.taskMix)) {
      const base = preset.taskMix[name] ?? DEFAULT_TASK_MIX[name]
      const input = entry.input ?? base?.input
      const output = entry.output ?? base?.output
      const maxOutputTokens = entry.maxOutputTokens ?? base?.maxOutputTokens
      if (input === undefined || output === undefined || maxOutputTokens === undefined) {
        throw new UserError('CONFIG_INVALID', `${file}: field 'taskMix.${name}' is a new task and needs input, output and maxOutputTokens; add them or use a known task (${Object.keys(DEFAULT_TASK_MIX).join(', ')})`)
      }
      const profile: TaskProfile = { weight: entry.weight, input, output, maxOutputTokens }
      const prefix = entry.prefix ?? base?.prefix
      if (prefix !== undefined) {
        profile.prefix = { systemTokens: prefix.systemTokens, systemVariants: prefix.systemVariants ?? 1, documentTokens: prefix.documentTokens ?? 0, documents: prefix.documents ?? 0, documentsPerRequest: prefix.documentsPerRequest ?? 0 }
      }
      const conversation = entry.conversation ?? base?.conversation
      if (conversation !== undefined) profile.conversation = conversation
      const agent = entry.agent ?? base?.agent
      if (agent !== undefined) profile.agent = agent
      taskMix[name] = profile
    }
    const problem = checkTaskMix(taskMix)
    if (problem !== undefined) throw new UserError('CONFIG_INVALID', `${file}: field 'taskMix' ${problem}; fix the workload model file`)
  }
  const applied: WorkloadPreset = { ...preset, population, taskMix }
  if (model.startDay !== undefined) applied.startDay = model.startDay
  if (model.startHourUtc !== undefined) applied.startHourUtc = model.startHourUtc
  if (model.durationHours !== undefined) applied.durationHours = model.durationHours
  if (model.burstinessCv !== undefined) applied.burstinessCv = model.burstinessCv
  return applied
}
