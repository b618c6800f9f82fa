// Enterprise traffic generation: population × time zones × diurnal curve × task mix -> seeded
// requests with scheduled offsets, streamed (never more than one request in memory).
//
// Rate of zone z at time t (requests per hour):
//   activeUsers_z × queriesPerDay × dayFactor_z(t) × curve_z(t)[local hour]
// where curve is the working-day (or non-working-day) curve normalised to sum 1 over 24 h and
// dayFactor is 1 on a local working day, `weekendActivity` otherwise. So one working day in a
// zone yields activeUsers × queriesPerDay requests on average.
import { UserError } from '../../core/errors.js'
import { createRandom, type Random } from '../../core/random.js'
import { DEFAULT_ENCODING, type EncodingName } from '../../core/tokens.js'
import { GENERATOR, VERSION } from '../../core/version.js'
import { TRAFFIC_SCHEMA_VERSION, type TrafficHeader, type TrafficRequest } from '../../core/traffic-types.js'
import { arrivals, expectedArrivals, type RateSegment } from './arrivals.js'
import { normalizeCurve } from './diurnal.js'
import { createUserPicker, userId, WEEKDAYS, zoneGroups, type ZoneGroup } from './population.js'
import { applyModelFile, getPreset, type WorkloadPreset } from './presets.js'
import { addChain, type ChainRandoms } from './chains.js'
import { responseSchemaFor } from './prompts.js'
import { sampleTokens, type TaskProfile } from './tasks.js'
import { checkTimeScale, formatWindow, parseWindow, type TimeWindow } from './window.js'

const HOUR_MS = 3_600_000

/** Reproducible files carry this `createdAt` unless a time is asked for (`--created-at`). */
export const REPRODUCIBLE_CREATED_AT = '1970-01-01T00:00:00.000Z'

export interface GenerateOptions {
  /** Preset name (`peak-hour`, `workday`, `weekend`) or a preset object. */
  preset: string | WorkloadPreset
  seed: number
  employees?: number
  /** Share of employees using the tool, (0, 1]. */
  adoption?: number
  queriesPerDay?: number
  /** Divide offsets by this factor (60: an hour replays in a minute). */
  timeScale?: number
  /** Part of the preset's span, from its start: `8-12` (hours) or a window object. */
  window?: string | TimeWindow
  /** Stop after this many requests. */
  maxRequests?: number
  /** Inter-arrival coefficient of variation (1 = Poisson). */
  burstinessCv?: number
  encoding?: EncodingName
  /** A parsed workload model file (JSON) applied over the preset, with its file name for errors. */
  model?: { json: unknown; file: string }
  createdAt?: string
}

/** Everything the generator derived from the options; written into the header's parameters. */
export interface TrafficPlan {
  preset: WorkloadPreset
  seed: number
  encoding: EncodingName
  zones: ZoneGroup[]
  /** Absolute start of the traffic in hours since Monday 00:00 UTC. */
  startHoursUtc: number
  window: TimeWindow
  timeScale: number
  maxRequests: number | undefined
  segments: RateSegment[]
  /** Per segment, the rate of each zone (requests per ms). */
  zoneRates: number[][]
  expectedRequests: number
  header: Omit<TrafficHeader, 'requestCount' | 'spanMs'>
}

export interface GeneratedTraffic extends Iterable<TrafficRequest>, AsyncIterable<TrafficRequest> {
  readonly plan: TrafficPlan
  /** Header without count and span (known without generating). */
  readonly draftHeader: Omit<TrafficHeader, 'requestCount' | 'spanMs'>
  /** Full header; the first access runs one counting pass over the (deterministic) requests. */
  readonly header: TrafficHeader
  readonly expectedRequests: number
  readonly requests: AsyncIterable<TrafficRequest>
}

function fail(message: string): never {
  throw new UserError('USAGE_INVALID', message)
}

function checkNumber(flag: string, value: number | undefined, ok: (n: number) => boolean, expected: string, example: string): void {
  if (value !== undefined && !(typeof value === 'number' && ok(value))) fail(`${flag} must be ${expected} (got ${JSON.stringify(value)}); e.g. ${flag} ${example}`)
}

function modulo(value: number, by: number): number {
  return ((value % by) + by) % by
}

/** Rate of each zone (requests per ms) at absolute UTC hour `hoursUtc` (hours since Monday 00:00). */
function zoneRatesAt(preset: WorkloadPreset, zones: readonly ZoneGroup[], hoursUtc: number, curves: { work: number[]; rest: number[] }): number[] {
  const { population } = preset
  return zones.map((zone) => {
    const local = hoursUtc + zone.utcOffsetHours
    const day = WEEKDAYS[modulo(Math.floor(local / 24), 7)] as (typeof WEEKDAYS)[number]
    const hour = modulo(Math.floor(local), 24)
    const working = population.workingDays.includes(day)
    const share = working ? (curves.work[hour] as number) : population.weekendActivity * (curves.rest[hour] as number)
    return (zone.activeUsers * population.queriesPerDay * share) / HOUR_MS
  })
}

/** Piecewise-constant segments over [startMs, endMs) of the timeline, split at every local hour. */
function buildSegments(preset: WorkloadPreset, zones: readonly ZoneGroup[], startHoursUtc: number, window: TimeWindow): { segments: RateSegment[]; zoneRates: number[][] } {
  const curves = { work: normalizeCurve(preset.population.workdayCurve) as number[], rest: normalizeCurve(preset.population.weekendCurve) as number[] }
  const cuts = new Set<number>([window.startMs, window.endMs])
  for (const zone of zones) {
    // Local hour boundaries fall where startHoursUtc + t/h + offset is an integer.
    const shift = startHoursUtc + zone.utcOffsetHours
    for (let k = Math.ceil(shift + window.startMs / HOUR_MS); ; k++) {
      const at = (k - shift) * HOUR_MS
      if (at >= window.endMs) break
      if (at > window.startMs) cuts.add(Math.round(at * 1000) / 1000)
    }
  }
  const sorted = [...cuts].sort((a, b) => a - b)
  const segments: RateSegment[] = []
  const zoneRates: number[][] = []
  for (let i = 0; i + 1 < sorted.length; i++) {
    const startMs = sorted[i] as number
    const endMs = sorted[i + 1] as number
    const rates = zoneRatesAt(preset, zones, startHoursUtc + (startMs + endMs) / 2 / HOUR_MS, curves)
    segments.push({ startMs, endMs, rate: rates.reduce((a, b) => a + b, 0) })
    zoneRates.push(rates)
  }
  return { segments, zoneRates }
}

/** The UTC hour of `day` with the most expected requests (ties: the earliest). */
export function busiestHour(preset: WorkloadPreset, zones: readonly ZoneGroup[]): number {
  const dayStart = WEEKDAYS.indexOf(preset.startDay) * 24
  let best = 0
  let bestCount = -1
  for (let hour = 0; hour < 24; hour++) {
    const { segments } = buildSegments(preset, zones, dayStart, { startMs: hour * HOUR_MS, endMs: (hour + 1) * HOUR_MS })
    const count = expectedArrivals(segments)
    if (count > bestCount + 1e-9) {
      best = hour
      bestCount = count
    }
  }
  return best
}

/** Validates the options and derives the plan. Throws UserError for bad input. */
export function planTraffic(options: GenerateOptions): TrafficPlan {
  let preset = typeof options.preset === 'string' ? getPreset(options.preset) : options.preset
  if (options.model !== undefined) preset = applyModelFile(preset, options.model.json, options.model.file)
  checkNumber('--seed', options.seed, (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'a whole number from 0 to 4294967295', '7')
  checkNumber('--employees', options.employees, (n) => Number.isInteger(n) && n >= 1 && n <= 10_000_000, 'a whole number from 1 to 10,000,000', '10000')
  checkNumber('--adoption', options.adoption, (n) => n > 0 && n <= 1, 'a share in (0, 1]', '0.6')
  checkNumber('--queries-per-day', options.queriesPerDay, (n) => Number.isFinite(n) && n > 0, 'a number > 0', '30')
  checkNumber('--max-requests', options.maxRequests, (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0', '100000')
  checkNumber('--burstiness', options.burstinessCv, (n) => Number.isFinite(n) && n > 0 && n <= 50, 'a coefficient of variation in (0, 50]', '2')
  const timeScale = checkTimeScale(options.timeScale ?? 1)
  const population = { ...preset.population }
  if (options.employees !== undefined) population.employees = options.employees
  if (options.adoption !== undefined) population.adoption = options.adoption
  if (options.queriesPerDay !== undefined) population.queriesPerDay = options.queriesPerDay
  preset = { ...preset, population }
  if (options.burstinessCv !== undefined) preset.burstinessCv = options.burstinessCv
  const zones = zoneGroups(population)
  const startHour = preset.startHourUtc === 'busiest' ? busiestHour(preset, zones) : preset.startHourUtc
  const startHoursUtc = WEEKDAYS.indexOf(preset.startDay) * 24 + startHour
  const spanMs = preset.durationHours * HOUR_MS
  const window = options.window === undefined ? { startMs: 0, endMs: spanMs } : typeof options.window === 'string' ? parseWindow(options.window) : options.window
  if (window.startMs < 0 || window.endMs > spanMs + 1e-6 || !(window.endMs > window.startMs)) {
    fail(`--window ${formatWindow(window)} must lie within the preset's ${preset.durationHours} h (0-${preset.durationHours}); e.g. --window 0-${Math.min(1, preset.durationHours)}`)
  }
  const { segments, zoneRates } = buildSegments(preset, zones, startHoursUtc, window)
  const expectedRequests = expectedArrivals(segments)
  const encoding = options.encoding ?? DEFAULT_ENCODING
  const header: Omit<TrafficHeader, 'requestCount' | 'spanMs'> = {
    type: 'header',
    schemaVersion: TRAFFIC_SCHEMA_VERSION,
    generator: GENERATOR,
    generatorVersion: VERSION,
    seed: options.seed,
    source: `preset:${preset.name}`,
    createdAt: options.createdAt ?? REPRODUCIBLE_CREATED_AT,
    encoding,
    parameters: {
      preset: preset.name,
      employees: population.employees,
      adoption: population.adoption,
      queriesPerDay: population.queriesPerDay,
      workingDays: population.workingDays,
      weekendActivity: population.weekendActivity,
      userActivityCv: population.userActivityCv,
      timeZones: zones.map((zone) => ({ ...zone, lastUser: zone.firstUser + zone.activeUsers - 1 })),
      start: { day: preset.startDay, hourUtc: startHour },
      window: { startHours: window.startMs / HOUR_MS, endHours: window.endMs / HOUR_MS },
      durationMs: (window.endMs - window.startMs) / timeScale,
      timeScale,
      burstinessCv: preset.burstinessCv,
      maxRequests: options.maxRequests ?? null,
      expectedRequests: Math.round(expectedRequests * 10) / 10,
      workdayCurve: population.workdayCurve,
      weekendCurve: population.weekendCurve,
      taskMix: preset.taskMix,
    },
  }
  return { preset, seed: options.seed, encoding, zones, startHoursUtc, window, timeScale, maxRequests: options.maxRequests, segments, zoneRates, expectedRequests, header }
}

function cumulativePicker(weights: readonly number[]): (random: Random) => number {
  const cumulative: number[] = []
  let total = 0
  for (const weight of weights) cumulative.push((total += weight))
  return (random) => {
    const target = random.next() * total
    for (let i = 0; i < cumulative.length; i++) if ((cumulative[i] as number) > target) return i
    return cumulative.length - 1
  }
}

/** The requests of a plan, in offset order. Each stream of randomness is forked by purpose. */
export function* generateRequests(plan: TrafficPlan): Generator<TrafficRequest> {
  const root = createRandom(plan.seed)
  const arrivalRandom = root.fork('arrivals')
  const whoRandom = root.fork('who')
  const taskRandom = root.fork('tasks')
  const tokenRandom = root.fork('tokens')
  const promptRandom = root.fork('prompts')
  const pickers = plan.zones.map((zone, i) => createUserPicker(zone, plan.preset.population.userActivityCv, root.fork(`activity-${i}`)))
  const zonePickers = plan.zoneRates.map((rates) => cumulativePicker(rates))
  const taskNames = Object.keys(plan.preset.taskMix)
  const tasks = taskNames.map((name) => plan.preset.taskMix[name] as TaskProfile)
  const pickTask = cumulativePicker(tasks.map((task) => task.weight))
  const limit = plan.maxRequests ?? Infinity
  const encoding = plan.encoding === DEFAULT_ENCODING ? undefined : plan.encoding
  let chainRandoms: ChainRandoms | undefined
  let n = 0
  for (const arrival of arrivals(plan.segments, plan.preset.burstinessCv, arrivalRandom)) {
    if (n >= limit) return
    const zone = (zonePickers[arrival.segment] as (random: Random) => number)(whoRandom)
    const user = (pickers[zone] as { pick(random: Random): number }).pick(whoRandom)
    const taskIndex = pickTask(taskRandom)
    const task = tasks[taskIndex] as TaskProfile
    const name = taskNames[taskIndex] as string
    const inputTokens = sampleTokens(task.input, tokenRandom)
    const targetOutputTokens = sampleTokens(task.output, tokenRandom)
    const seed = Math.floor(promptRandom.next() * 0x100000000)
    const request: TrafficRequest = {
      id: `r${String(n).padStart(7, '0')}`,
      offsetMs: Math.round((arrival.timeMs - plan.window.startMs) / plan.timeScale),
      userId: userId(user),
      task: name,
      prompt: encoding === undefined ? { task: name, tokens: inputTokens, seed } : { task: name, tokens: inputTokens, seed, encoding },
      inputTokens,
      maxOutputTokens: Math.max(task.maxOutputTokens, targetOutputTokens, 1),
      targetOutputTokens,
    }
    const schema = responseSchemaFor({ task: name, seed })
    if (schema !== undefined) request.responseSchema = schema
    if (task.prefix !== undefined || task.conversation !== undefined || task.agent !== undefined) {
      chainRandoms ??= { prefix: root.fork('prefix'), turns: root.fork('turns') }
      addChain(request, name, task, chainRandoms, encoding, plan.timeScale)
    }
    yield request
    n++
  }
}

/**
 * Seeded enterprise traffic. Iterate it (sync or async), or read `header` (one counting pass,
 * exact) and `requests`. The same options always give the same requests.
 */
export function generateTraffic(options: GenerateOptions): GeneratedTraffic {
  const plan = planTraffic(options)
  let header: TrafficHeader | undefined
  const asyncRequests = (): AsyncIterator<TrafficRequest> => {
    const iterator = generateRequests(plan)
    return {
      next: async () => iterator.next(),
      return: async () => iterator.return(undefined),
    }
  }
  return {
    plan,
    draftHeader: plan.header,
    expectedRequests: plan.expectedRequests,
    get header(): TrafficHeader {
      if (header === undefined) {
        let requestCount = 0
        let spanMs = 0
        for (const request of generateRequests(plan)) {
          requestCount++
          spanMs = request.offsetMs
        }
        header = { ...plan.header, requestCount, spanMs }
      }
      return header
    },
    requests: { [Symbol.asyncIterator]: asyncRequests },
    [Symbol.iterator]: () => generateRequests(plan),
    [Symbol.asyncIterator]: asyncRequests,
  }
}
