// Token spend in USD: per request, the pre-run estimate, the spend-cap worst case, and workforce forecasts.
//
// Usage conventions (what the adapters must hand us, whatever the vendor reports):
//
//   inputTokens      every prompt token, cached ones included
//     ├ cachedInputTokens      the part read from the prompt cache   (subset of inputTokens)
//     └ cacheWriteInputTokens  the part written to the cache         (subset of inputTokens)
//   outputTokens     every generated token, reasoning included
//     └ reasoningTokens        the hidden reasoning part              (subset of outputTokens)
//
//   OpenAI / Azure / DeepSeek / vLLM: prompt_tokens already includes cached_tokens and
//     completion_tokens already includes reasoning_tokens — map them straight across.
//   Anthropic: input_tokens EXCLUDES cache_read_input_tokens and cache_creation_input_tokens, so
//     inputTokens = input + cache_read + cache_creation; output_tokens includes thinking.
//   Gemini (native API): candidatesTokenCount excludes thoughtsTokenCount, so
//     outputTokens = candidates + thoughts and reasoningTokens = thoughts.
//
// So nothing is charged twice: cached and cache-write tokens are taken out of the plain input
// before pricing, and reasoning tokens out of the plain output (they are priced apart only
// when the table gives a reasoning price).
import { UserError } from '../core/errors.js'

/** The prices spend needs, in USD per million tokens. `ModelPrice` from adapters/pricing fits it. */
export interface TokenPrices {
  inputUsdPerMTok: number
  cachedInputUsdPerMTok?: number
  cacheWriteUsdPerMTok?: number
  outputUsdPerMTok: number
  reasoningUsdPerMTok?: number
  /** Whole-request prices once the input passes `aboveInputTokens`. */
  longContext?: {
    aboveInputTokens: number
    inputUsdPerMTok: number
    cachedInputUsdPerMTok?: number
    cacheWriteUsdPerMTok?: number
    outputUsdPerMTok: number
  }
}

export interface TokenUsage {
  inputTokens?: number
  cachedInputTokens?: number
  cacheWriteInputTokens?: number
  outputTokens?: number
  reasoningTokens?: number
}

const PER_MILLION = 1_000_000

function count(value: number | undefined, field: string): number {
  if (value === undefined) return 0
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`token count ${field} must be a finite number >= 0, got ${value}`)
  return value
}

interface Rates {
  input: number
  cached: number
  cacheWrite: number
  output: number
  reasoning: number
}

/**
 * The per-token rates for a request with `inputTokens` of prompt. Past a long-context threshold
 * every token of the request is billed at the tier's prices (Anthropic, Google and OpenAI all
 * bill that way); a tier without its own cache price keeps the base cache price.
 */
function ratesFor(price: TokenPrices, inputTokens: number): Rates {
  const tier = price.longContext
  const inTier = tier !== undefined && inputTokens > tier.aboveInputTokens
  const input = inTier ? tier.inputUsdPerMTok : price.inputUsdPerMTok
  const output = inTier ? tier.outputUsdPerMTok : price.outputUsdPerMTok
  return {
    input,
    cached: (inTier ? tier.cachedInputUsdPerMTok : undefined) ?? price.cachedInputUsdPerMTok ?? input,
    cacheWrite: (inTier ? tier.cacheWriteUsdPerMTok : undefined) ?? price.cacheWriteUsdPerMTok ?? input,
    output,
    reasoning: price.reasoningUsdPerMTok ?? output,
  }
}

/**
 * USD for one request: plain input × input price + cached × cached price + cache writes × write
 * price + output × output price (reasoning tokens at the reasoning price when one is set).
 * Null when the model is not priced, or when neither input nor output tokens are known — an
 * unknown spend is never reported as 0. One missing count of the two counts as 0.
 */
export function spendUsd(usage: TokenUsage, price: TokenPrices | undefined): number | null {
  if (price === undefined) return null
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return null
  const input = count(usage.inputTokens, 'inputTokens')
  const cached = Math.min(count(usage.cachedInputTokens, 'cachedInputTokens'), input)
  const cacheWrite = Math.min(count(usage.cacheWriteInputTokens, 'cacheWriteInputTokens'), input - cached)
  const output = count(usage.outputTokens, 'outputTokens')
  const reasoning = Math.min(count(usage.reasoningTokens, 'reasoningTokens'), output)
  const rates = ratesFor(price, input)
  const micro =
    (input - cached - cacheWrite) * rates.input +
    cached * rates.cached +
    cacheWrite * rates.cacheWrite +
    (output - reasoning) * rates.output +
    reasoning * rates.reasoning
  return micro / PER_MILLION
}

/**
 * The most one request can cost: its whole input uncached and `maxOutputTokens` of output at
 * the dearer of the output and reasoning prices. What the spend cap reserves while it is in flight.
 */
export function worstCaseSpendUsd(request: { inputTokens: number; maxOutputTokens: number }, price: TokenPrices | undefined): number | null {
  if (price === undefined) return null
  const input = count(request.inputTokens, 'inputTokens')
  const output = count(request.maxOutputTokens, 'maxOutputTokens')
  const rates = ratesFor(price, input)
  return (input * rates.input + output * Math.max(rates.output, rates.reasoning)) / PER_MILLION
}

/** What the estimate needs from a traffic request (a `TrafficRequest` fits). */
export interface EstimateRequest {
  inputTokens: number
  maxOutputTokens: number
  targetOutputTokens?: number
}

export interface SpendEstimate {
  requests: number
  inputTokens: number
  /** Target output tokens summed; `maxOutputTokens` for requests without a target. */
  outputTokens: number
  /** Requests that had no target, so their max output counted. */
  requestsWithoutTarget: number
  /** Estimated USD (no prompt-cache discount assumed); null when the model is not priced. */
  usd: number | null
  /** USD if every request produced its max output. */
  worstCaseUsd: number | null
}

export interface SpendEstimator {
  add(request: EstimateRequest): void
  result(): SpendEstimate
}

/** Accumulates the pre-run estimate one request at a time (traffic is streamed, not held). */
export function createSpendEstimator(price: TokenPrices | undefined): SpendEstimator {
  let requests = 0
  let inputTokens = 0
  let outputTokens = 0
  let requestsWithoutTarget = 0
  let usd = 0
  let worstCaseUsd = 0
  return {
    add(request) {
      const output = request.targetOutputTokens ?? request.maxOutputTokens
      if (request.targetOutputTokens === undefined) requestsWithoutTarget++
      requests++
      inputTokens += request.inputTokens
      outputTokens += output
      // Per request, not on the totals: a long-context tier applies request by request.
      usd += spendUsd({ inputTokens: request.inputTokens, outputTokens: output }, price) ?? 0
      worstCaseUsd += worstCaseSpendUsd(request, price) ?? 0
    },
    result() {
      const priced = price !== undefined
      return {
        requests,
        inputTokens,
        outputTokens,
        requestsWithoutTarget,
        usd: priced ? usd : null,
        worstCaseUsd: priced ? worstCaseUsd : null,
      }
    },
  }
}

/** The pre-run estimate for a list of traffic requests. */
export function estimateSpend(requests: Iterable<EstimateRequest>, price: TokenPrices | undefined): SpendEstimate {
  const estimator = createSpendEstimator(price)
  for (const request of requests) estimator.add(request)
  return estimator.result()
}

// ---------------------------------------------------------------------------------------------
// Forecast at workforce scale

export interface ForecastTask {
  name: string
  /** Share of queries that are this task; shares are normalised to sum to 1. */
  share: number
  inputTokens: number
  outputTokens: number
  cachedInputTokens?: number
  reasoningTokens?: number
}

export interface ForecastOptions {
  /** Measured USD per request (e.g. a run's spend per request). Or give `tasks` and `price`. */
  perRequestUsd?: number | null
  tasks?: ForecastTask[]
  price?: TokenPrices
  employees: number
  /** Share of employees who use the tool, 0..1. */
  adoption: number
  /** Queries per active user per working day. */
  queriesPerDay: number
  /** Default 21. */
  workingDaysPerMonth?: number
}

export interface TaskForecast {
  name: string
  /** Normalised share, 0..1. */
  share: number
  perRequestUsd: number | null
  perDayUsd: number | null
  perMonthUsd: number | null
}

export interface SpendForecast {
  activeUsers: number
  requestsPerDay: number
  requestsPerMonth: number
  requestsPerYear: number
  perRequestUsd: number | null
  /** Per working day. */
  perDayUsd: number | null
  perMonthUsd: number | null
  /** 12 months of `workingDaysPerMonth`. */
  perYearUsd: number | null
  perTask: TaskForecast[]
}

const FORECAST_FIX: Record<string, string> = {
  employees: 'the head count, e.g. 10000',
  adoption: 'the share of employees who use the tool, e.g. 0.6 for 60%',
  queriesPerDay: 'queries per active user per working day, e.g. 30',
  workingDaysPerMonth: 'working days in a month, e.g. 21',
  perRequestUsd: 'USD per request, e.g. 0.0042',
}

function forecastError(message: string): UserError {
  return new UserError('CONFIG_INVALID', message)
}

function requireNumber(value: number, field: string, min: number, max = Number.POSITIVE_INFINITY): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `between ${min} and ${max}`
    const fix = FORECAST_FIX[field.replace(/^tasks\[\d+\]\./, '')] ?? 'a token count per request, e.g. 1200'
    throw forecastError(`forecast ${field}: expected a number ${range}, got ${String(value)}; fix: give ${fix}`)
  }
}

const times = (value: number | null, factor: number): number | null => (value === null ? null : value * factor)

/**
 * Spend per working day, month and year for a workforce: employees × adoption × queries per day
 * requests a day, each at `perRequestUsd` or at the task mix's weighted per-request spend.
 * Throws `UserError('CONFIG_INVALID')` naming the field for impossible inputs.
 */
export function forecastSpend(options: ForecastOptions): SpendForecast {
  requireNumber(options.employees, 'employees', 0)
  requireNumber(options.adoption, 'adoption', 0, 1)
  requireNumber(options.queriesPerDay, 'queriesPerDay', 0)
  const workingDaysPerMonth = options.workingDaysPerMonth ?? 21
  requireNumber(workingDaysPerMonth, 'workingDaysPerMonth', 0, 31)
  const activeUsers = options.employees * options.adoption
  const requestsPerDay = activeUsers * options.queriesPerDay
  const requestsPerMonth = requestsPerDay * workingDaysPerMonth

  let perRequestUsd: number | null
  const perTask: TaskForecast[] = []
  if (options.tasks !== undefined && options.tasks.length > 0) {
    if (options.perRequestUsd !== undefined) throw forecastError('forecast: both perRequestUsd and tasks given; fix: give one of them')
    let totalShare = 0
    options.tasks.forEach((task, index) => {
      requireNumber(task.share, `tasks[${index}].share`, 0)
      requireNumber(task.inputTokens, `tasks[${index}].inputTokens`, 0)
      requireNumber(task.outputTokens, `tasks[${index}].outputTokens`, 0)
      totalShare += task.share
    })
    if (totalShare <= 0) throw forecastError('forecast tasks: the shares sum to 0; fix: give at least one task a share above 0')
    perRequestUsd = options.price === undefined ? null : 0
    for (const task of options.tasks) {
      const share = task.share / totalShare
      const usage: TokenUsage = { inputTokens: task.inputTokens, outputTokens: task.outputTokens }
      if (task.cachedInputTokens !== undefined) usage.cachedInputTokens = task.cachedInputTokens
      if (task.reasoningTokens !== undefined) usage.reasoningTokens = task.reasoningTokens
      const taskUsd = spendUsd(usage, options.price)
      if (perRequestUsd !== null && taskUsd !== null) perRequestUsd += share * taskUsd
      const perDayUsd = times(taskUsd, requestsPerDay * share)
      perTask.push({ name: task.name, share, perRequestUsd: taskUsd, perDayUsd, perMonthUsd: times(perDayUsd, workingDaysPerMonth) })
    }
  } else {
    perRequestUsd = options.perRequestUsd ?? null
    if (perRequestUsd !== null) requireNumber(perRequestUsd, 'perRequestUsd', 0)
  }

  const perDayUsd = times(perRequestUsd, requestsPerDay)
  const perMonthUsd = times(perDayUsd, workingDaysPerMonth)
  return {
    activeUsers,
    requestsPerDay,
    requestsPerMonth,
    requestsPerYear: requestsPerMonth * 12,
    perRequestUsd,
    perDayUsd,
    perMonthUsd,
    perYearUsd: times(perMonthUsd, 12),
    perTask,
  }
}
