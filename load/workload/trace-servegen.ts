// Alibaba ServeGen client profiles -> traffic. The trace CSV gives, per 600 s window, a mean
// rate, the inter-arrival CV and a fitted gap distribution (Gamma or Weibull: shape, scale);
// the dataset JSON gives token-length PMFs per 6 h window. Arrivals: a renewal process per
// window whose gaps come from the fitted family, rescaled to the window's mean rate (as
// ServeGen's own generator does). Lengths: drawn from the PMF in force at the arrival time.
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { UserError } from '../../core/errors.js'
import { createRandom, type Random } from '../../core/random.js'
import type { TraceRow } from './trace-common.js'
import { checkImportOptions, defaultWarn, importHeader, readLines, traceError, traceRequests, type TraceImportOptions } from './trace-common.js'
import type { ImportedTrace } from './trace-azure.js'

export interface ServegenOptions extends TraceImportOptions {
  /** Token PMFs; default: the trace path with `-trace.csv` replaced by `-dataset.json`. */
  datasetPath?: string
}

/** Above this many expected requests an import needs --window or --max-requests. */
export const SERVEGEN_MAX_EXPECTED_REQUESTS = 5_000_000

export interface ServegenWindow {
  startS: number
  /** Mean requests per second. */
  rate: number
  cv: number
  family: 'Gamma' | 'Weibull' | ''
  shape: number
  scale: number
  line: number
}

export interface Pmf {
  values: Float64Array
  cumulative: Float64Array
}

interface DatasetWindow {
  startS: number
  input: Pmf
  output: Pmf
}

/** Γ(x) for x > 0 (Lanczos, g = 7), for rescaling Weibull gaps to a mean. */
export function gammaFunction(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFunction(1 - x))
  const g = 7
  const c = [0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7]
  const z = x - 1
  let sum = c[0] as number
  for (let i = 1; i < g + 2; i++) sum += (c[i] as number) / (z + i)
  const t = z + g + 0.5
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * sum
}

/** A gap sampler with mean 1/rate for one window. */
export function windowGaps(window: ServegenWindow, random: Random): () => number {
  const mean = 1 / window.rate
  if (window.family === 'Gamma' && window.shape > 0 && window.scale > 0) {
    const shape = window.shape
    return () => random.gamma(shape, mean / shape)
  }
  if (window.family === 'Weibull' && window.shape > 0 && window.scale > 0) {
    const c = window.shape
    const unitMean = gammaFunction(1 + 1 / c)
    return () => (Math.pow(-Math.log(1 - random.next()), 1 / c) / unitMean) * mean
  }
  if (window.cv > 0) {
    const shape = 1 / (window.cv * window.cv)
    return () => random.gamma(shape, mean / shape)
  }
  return () => mean
}

function parseNumber(file: string, line: number, column: string, text: string | undefined, min: number): number {
  const value = Number(text)
  if (text === undefined || text.trim() === '' || !Number.isFinite(value) || value < min) {
    throw traceError(file, line, `column '${column}' must be a number ≥ ${min} (got ${JSON.stringify(text ?? '')}); fix the row`)
  }
  return value
}

export async function readServegenTrace(path: string, warn: (message: string) => void = defaultWarn): Promise<ServegenWindow[]> {
  const file = basename(path)
  const windows: ServegenWindow[] = []
  for await (const { line, number } of readLines(path)) {
    if (line.trim() === '') continue
    const fields = line.split(',')
    if (fields.length !== 6) {
      throw traceError(file, number, `expected 6 fields (window start s, rate, cv, family, shape, scale), got ${fields.length}; is this a ServeGen *-trace.csv?`)
    }
    const family = (fields[3] as string).trim()
    if (family !== 'Gamma' && family !== 'Weibull' && family !== '') {
      throw traceError(file, number, `column 'family' must be Gamma, Weibull or empty (got ${JSON.stringify(family)}); fix the row`)
    }
    windows.push({
      startS: parseNumber(file, number, 'start', fields[0], 0),
      rate: parseNumber(file, number, 'rate', fields[1], 0),
      cv: parseNumber(file, number, 'cv', fields[2], 0),
      family,
      shape: family === '' ? 0 : parseNumber(file, number, 'shape', fields[4], 0),
      scale: family === '' ? 0 : parseNumber(file, number, 'scale', fields[5], 0),
      line: number,
    })
  }
  if (windows.length === 0) throw traceError(file, 1, 'the file is empty; expected one line per window: start, rate, cv, family, shape, scale')
  const unsorted = windows.filter((window, i) => i > 0 && window.startS < (windows[i - 1] as ServegenWindow).startS).length
  if (unsorted > 0) {
    windows.sort((a, b) => a.startS - b.startS || a.line - b.line)
    warn(`${file}: ${unsorted} windows are earlier than the window before them; sorted all windows by start time`)
  }
  for (let i = 1; i < windows.length; i++) {
    const window = windows[i] as ServegenWindow
    if (window.startS === (windows[i - 1] as ServegenWindow).startS) throw traceError(file, window.line, `window start ${window.startS} s appears twice; each window must be listed once`)
  }
  return windows
}

const PAIR = /(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g

/** Parses a Python dict literal `{length: probability, ...}` into a sampling table. */
export function parsePmf(text: string, where: string): Pmf {
  const values: number[] = []
  const weights: number[] = []
  for (const match of text.matchAll(PAIR)) {
    const value = Number(match[1])
    const weight = Number(match[2])
    if (!Number.isInteger(value) || value < 0) throw new UserError('TRACE_INVALID', `${where}: length ${match[1]} is not a token count (a whole number ≥ 0); fix the dataset`)
    if (!(weight >= 0)) throw new UserError('TRACE_INVALID', `${where}: probability ${match[2]} for length ${value} must be ≥ 0; fix the dataset`)
    if (weight > 0) {
      values.push(value)
      weights.push(weight)
    }
  }
  const total = weights.reduce((a, b) => a + b, 0)
  if (values.length === 0 || !(total > 0)) throw new UserError('TRACE_INVALID', `${where}: no length has a positive probability; expected a dict like {12: 0.5, 40: 0.5}`)
  const cumulative = new Float64Array(weights.length)
  let running = 0
  for (const [i, weight] of weights.entries()) cumulative[i] = running += weight / total
  cumulative[cumulative.length - 1] = 1
  return { values: Float64Array.from(values), cumulative }
}

export function samplePmf(pmf: Pmf, random: Random): number {
  const u = random.next()
  let lo = 0
  let hi = pmf.cumulative.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((pmf.cumulative[mid] as number) > u) hi = mid
    else lo = mid + 1
  }
  return pmf.values[lo] as number
}

export async function readServegenDataset(path: string): Promise<DatasetWindow[]> {
  const file = basename(path)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UserError('FILE_NOT_FOUND', `ServeGen dataset '${path}' not found; pass --dataset FILE (the *-dataset.json next to the trace)`, { cause: error })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UserError('TRACE_INVALID', `${file}: not valid JSON (${(error as Error).message}); expected the ServeGen *-dataset.json`, { cause: error })
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new UserError('TRACE_INVALID', `${file}: must be a JSON object keyed by window start (seconds)`)
  const windows: DatasetWindow[] = []
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const startS = Number(key)
    if (!Number.isFinite(startS) || startS < 0) throw new UserError('TRACE_INVALID', `${file}: key ${JSON.stringify(key)} must be a window start in seconds`)
    const entry = value as Record<string, unknown> | null
    for (const field of ['input_tokens', 'output_tokens']) {
      if (typeof entry?.[field] !== 'string') throw new UserError('TRACE_INVALID', `${file}: window ${key} field '${field}' must be a dict literal string (got ${JSON.stringify(entry?.[field])}); is this a ServeGen dataset?`)
    }
    windows.push({
      startS,
      input: parsePmf((entry as Record<string, string>)['input_tokens'] as string, `${file} window ${key} field 'input_tokens'`),
      output: parsePmf((entry as Record<string, string>)['output_tokens'] as string, `${file} window ${key} field 'output_tokens'`),
    })
  }
  if (windows.length === 0) throw new UserError('TRACE_INVALID', `${file}: no windows; expected {"0": {"input_tokens": "...", "output_tokens": "..."}, ...}`)
  return windows.sort((a, b) => a.startS - b.startS)
}

function windowSeconds(windows: readonly ServegenWindow[]): number {
  const second = windows[1]
  return second === undefined ? 600 : second.startS - (windows[0] as ServegenWindow).startS
}

/** Rows over [fromMs, toMs) of the trace's timeline, in time order. */
export function* servegenRows(windows: readonly ServegenWindow[], dataset: readonly DatasetWindow[], range: { fromMs: number; toMs: number }, seed: number): Generator<TraceRow> {
  const root = createRandom(seed)
  const arrivalRandom = root.fork('arrivals')
  const tokenRandom = root.fork('tokens')
  const lengthS = windowSeconds(windows)
  let datasetIndex = 0
  for (const [i, window] of windows.entries()) {
    const startMs = window.startS * 1000
    const endMs = Math.min((windows[i + 1]?.startS ?? window.startS + lengthS) * 1000, startMs + lengthS * 1000)
    if (endMs <= range.fromMs || window.rate <= 0) continue
    if (startMs >= range.toMs) return
    const gap = windowGaps(window, arrivalRandom)
    for (let t = startMs + gap() * 1000; t < endMs; t += gap() * 1000) {
      if (t >= range.toMs) return
      while (datasetIndex + 1 < dataset.length && (dataset[datasetIndex + 1] as DatasetWindow).startS * 1000 <= t) datasetIndex++
      const lengths = dataset[datasetIndex] as DatasetWindow
      const inputTokens = samplePmf(lengths.input, tokenRandom)
      const outputTokens = samplePmf(lengths.output, tokenRandom)
      if (t >= range.fromMs) yield { timeMs: t, inputTokens, outputTokens }
    }
  }
}

/** Expected requests over a range: Σ rate × overlap. */
export function servegenExpected(windows: readonly ServegenWindow[], range: { fromMs: number; toMs: number }): number {
  const lengthS = windowSeconds(windows)
  let total = 0
  for (const [i, window] of windows.entries()) {
    const startMs = window.startS * 1000
    const endMs = Math.min((windows[i + 1]?.startS ?? window.startS + lengthS) * 1000, startMs + lengthS * 1000)
    const overlapMs = Math.max(0, Math.min(endMs, range.toMs) - Math.max(startMs, range.fromMs))
    total += (window.rate * overlapMs) / 1000
  }
  return total
}

export async function importServegenTrace(path: string, options: ServegenOptions = {}): Promise<ImportedTrace> {
  checkImportOptions(options)
  const windows = await readServegenTrace(path, options.warn ?? defaultWarn)
  const datasetPath = options.datasetPath ?? path.replace(/-trace\.csv$/, '-dataset.json')
  if (datasetPath === path) throw new UserError('USAGE_INVALID', `cannot guess the ServeGen dataset for '${path}'; pass --dataset FILE (the *-dataset.json with the token PMFs)`)
  const dataset = await readServegenDataset(datasetPath)
  const range = { fromMs: options.window?.startMs ?? 0, toMs: options.window?.endMs ?? Infinity }
  const expected = servegenExpected(windows, range)
  if (options.maxRequests === undefined && expected > SERVEGEN_MAX_EXPECTED_REQUESTS) {
    throw new UserError('USAGE_INVALID', `${basename(path)} would give about ${Math.round(expected).toLocaleString('en-US')} requests; pass --window (hours from day 0, e.g. --window 9-10) or --max-requests to cut it below ${SERVEGEN_MAX_EXPECTED_REQUESTS.toLocaleString('en-US')}`)
  }
  const seed = options.seed ?? 1
  const task = options.task ?? 'chat'
  return {
    header: importHeader('servegen', path, options, task, { dataset: basename(datasetPath), windows: windows.length, expectedRequests: Math.round(expected * 10) / 10 }),
    rows: windows.length,
    requests: { [Symbol.iterator]: () => traceRequests(servegenRows(windows, dataset, range, seed), options, task) },
  }
}
