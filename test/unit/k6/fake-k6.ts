// Test helper: a tiny stand-in for the k6 runtime, enough to run an exported script's logic
// in Node. It installs fake `k6`, `k6/http`, `k6/metrics`, `k6/data`, `k6/execution` and
// `k6/x/sse` packages beside the script, runs iterations, and builds the end-of-test summary
// data the way k6 documents it (trend percentiles interpolated like k6's TrendSink).
import { mkdir, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface FakeResponse {
  status: number
  body?: string
  error_code?: number
}

export interface FakeSseEvent {
  name?: string
  data: string
}

export interface FakeSseResult {
  status: number
  events: FakeSseEvent[]
}

export interface FakeK6Handlers {
  post?: (url: string, body: string, params: { headers: Record<string, string>; timeout: number; tags: Record<string, string> }) => FakeResponse
  sse?: (url: string, params: { method: string; headers: Record<string, string>; body: string }) => FakeSseResult
  /** k6 `sleep(seconds)`; default: throw (tests that need it drive a fake clock). */
  sleep?: (seconds: number) => void
}

interface Sample {
  value: number
  tags: Record<string, string>
}

interface MetricRecord {
  type: 'counter' | 'trend' | 'rate' | 'gauge'
  isTime: boolean
  samples: Sample[]
}

export interface FakeK6Run {
  metrics: Map<string, MetricRecord>
  checks: Map<string, { passes: number; fails: number }>
  options: Record<string, unknown>
  summaryData: Record<string, unknown>
  outputs: Record<string, string>
}

const PACKAGE_FILES: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'k6',
    type: 'module',
    exports: {
      '.': './index.js',
      './http': './http.js',
      './metrics': './metrics.js',
      './data': './data.js',
      './execution': './execution.js',
      './x/sse': './x/sse.js',
    },
  }),
  'index.js': `export function check(value, sets) {
  let all = true
  for (const name of Object.keys(sets)) { const ok = !!sets[name](value); globalThis.__k6.check(name, ok); if (!ok) all = false }
  return all
}
export function sleep(seconds) { globalThis.__k6.sleep(seconds) }
export default { check, sleep }
`,
  'http.js': `export default { post: (url, body, params) => globalThis.__k6.post(url, body, params) }\n`,
  'metrics.js': `class Metric {
  constructor(type, name, isTime) { this.name = name; globalThis.__k6.define(name, type, !!isTime) }
  add(value, tags) { globalThis.__k6.add(this.name, Number(value), tags || {}) }
}
export class Counter extends Metric { constructor(name) { super('counter', name, false) } }
export class Trend extends Metric { constructor(name, isTime) { super('trend', name, isTime) } }
export class Rate extends Metric { constructor(name) { super('rate', name, false) } }
export class Gauge extends Metric { constructor(name, isTime) { super('gauge', name, isTime) } }
`,
  'data.js': `export class SharedArray { constructor(name, callback) { return callback() } }\n`,
  'execution.js': `export default { get scenario() { return globalThis.__k6.scenario() } }\n`,
  'x/sse.js': `export default { open: (url, params, setup) => globalThis.__k6.sseOpen(url, params, setup) }\n`,
}

/** Writes the fake k6 packages under `<dir>/node_modules/k6`. */
export async function installFakeK6(dir: string): Promise<void> {
  const root = join(dir, 'node_modules', 'k6')
  await mkdir(join(root, 'x'), { recursive: true })
  for (const [name, text] of Object.entries(PACKAGE_FILES)) await writeFile(join(root, name), text)
}

/** k6's TrendSink percentile: linear interpolation between the sorted samples around pct·(n−1). */
export function k6Percentile(sorted: readonly number[], pct: number): number {
  if (sorted.length === 0) return 0
  if (sorted.length === 1) return sorted[0] as number
  const i = pct * (sorted.length - 1)
  const low = sorted[Math.floor(i)] as number
  const high = sorted[Math.ceil(i)] as number
  return low + (high - low) * (i - Math.floor(i))
}

function trendValues(samples: readonly number[], stats: readonly string[]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b)
  const values: Record<string, number> = {}
  for (const stat of stats) {
    if (stat === 'avg') values[stat] = sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length
    else if (stat === 'min') values[stat] = sorted[0] ?? 0
    else if (stat === 'max') values[stat] = sorted[sorted.length - 1] ?? 0
    else if (stat === 'med') values[stat] = k6Percentile(sorted, 0.5)
    else if (stat === 'count') values[stat] = sorted.length
    else {
      const match = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat)
      if (match !== null) values[stat] = k6Percentile(sorted, Number(match[1]) / 100)
    }
  }
  return values
}

function evaluate(expression: string, values: Record<string, number>): boolean {
  const match = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(expression)
  if (match === null) throw new Error(`fake k6 cannot evaluate threshold '${expression}'`)
  const actual = values[match[1] as string] ?? 0
  const limit = Number(match[3])
  switch (match[2]) {
    case '<':
      return actual < limit
    case '<=':
      return actual <= limit
    case '>':
      return actual > limit
    case '>=':
      return actual >= limit
    case '==':
      return actual === limit
    default:
      return actual !== limit
  }
}

/**
 * Imports `scriptPath` with fake k6 globals, runs `iterations` iterations (iterationInTest
 * 0..n−1) and calls handleSummary with k6-shaped data. `open()` reads relative to the script.
 */
export async function runFakeK6(
  scriptPath: string,
  options: { iterations: number; env?: Record<string, string>; handlers: FakeK6Handlers; durationMs?: number },
): Promise<FakeK6Run> {
  const metrics = new Map<string, MetricRecord>()
  const checks = new Map<string, { passes: number; fails: number }>()
  let iteration = 0
  const startTime = Date.now()
  const scriptDir = resolve(scriptPath, '..')
  const globals = globalThis as Record<string, unknown>
  globals['__ENV'] = { ...(options.env ?? {}) }
  globals['open'] = (path: string) => readFileSync(resolve(scriptDir, path), 'utf8')
  globals['__k6'] = {
    define(name: string, type: MetricRecord['type'], isTime: boolean) {
      if (!metrics.has(name)) metrics.set(name, { type, isTime, samples: [] })
    },
    add(name: string, value: number, tags: Record<string, string>) {
      metrics.get(name)?.samples.push({ value, tags })
    },
    check(name: string, ok: boolean) {
      const entry = checks.get(name) ?? { passes: 0, fails: 0 }
      if (ok) entry.passes++
      else entry.fails++
      checks.set(name, entry)
    },
    sleep(seconds: number) {
      if (options.handlers.sleep === undefined) throw new Error('the fake k6 does not sleep unless a test gives it a sleep handler')
      options.handlers.sleep(seconds)
    },
    scenario: () => ({ name: 'replay', executor: 'fake', startTime, progress: 0, iterationInInstance: iteration, iterationInTest: iteration }),
    post(url: string, body: string, params: Parameters<NonNullable<FakeK6Handlers['post']>>[2]) {
      if (options.handlers.post === undefined) throw new Error('no fake http handler')
      const response = options.handlers.post(url, body, params)
      return { status: response.status, body: response.body ?? '', error_code: response.error_code ?? 0 }
    },
    sseOpen(url: string, params: { method: string; headers: Record<string, string>; body: string }, setup: (client: unknown) => void) {
      if (options.handlers.sse === undefined) throw new Error('no fake sse handler')
      const result = options.handlers.sse(url, params)
      const handlers: Record<string, Array<(value: unknown) => void>> = {}
      let closed = false
      const client = {
        on(event: string, handler: (value: unknown) => void) {
          ;(handlers[event] ??= []).push(handler)
        },
        close() {
          closed = true
        },
      }
      setup(client)
      for (const handler of handlers['open'] ?? []) handler(undefined)
      for (const event of result.events) {
        if (closed) break
        for (const handler of handlers['event'] ?? []) handler({ id: '', name: event.name ?? '', data: event.data })
      }
      return { url, status: result.status, headers: {}, error: '' }
    },
  }
  const module = (await import(pathToFileURL(scriptPath).href)) as {
    default: () => void
    options: Record<string, unknown>
    handleSummary: (data: unknown) => Record<string, string>
  }
  for (iteration = 0; iteration < options.iterations; iteration++) module.default()
  const durationMs = options.durationMs ?? Math.max(1, Date.now() - startTime)
  const trendStats = (module.options['summaryTrendStats'] as string[] | undefined) ?? ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']
  const thresholds = (module.options['thresholds'] as Record<string, string[]> | undefined) ?? {}
  const valuesOf = (record: MetricRecord, samples: Sample[]): Record<string, number> => {
    const numbers = samples.map((s) => s.value)
    if (record.type === 'trend') return trendValues(numbers, trendStats)
    if (record.type === 'counter') {
      const count = numbers.reduce((a, b) => a + b, 0)
      return { count, rate: count / (durationMs / 1000) }
    }
    if (record.type === 'rate') {
      const passes = numbers.filter((n) => n !== 0).length
      return { rate: numbers.length === 0 ? 0 : passes / numbers.length, passes, fails: numbers.length - passes }
    }
    const last = numbers[numbers.length - 1] ?? 0
    return { value: last, min: Math.min(...numbers), max: Math.max(...numbers) }
  }
  const summaryMetrics: Record<string, unknown> = {}
  for (const [name, record] of metrics) {
    // Like k6, only metrics that received a sample (or carry a threshold, below) are in the summary.
    if (record.samples.length === 0) continue
    summaryMetrics[name] = { type: record.type, contains: record.isTime ? 'time' : 'default', values: valuesOf(record, record.samples) }
  }
  for (const [key, expressions] of Object.entries(thresholds)) {
    const match = /^([^{]+)(?:\{([^:]+):([^}]+)\})?$/.exec(key)
    if (match === null) throw new Error(`bad threshold key ${key}`)
    const base = metrics.get(match[1] as string)
    if (base === undefined) throw new Error(`threshold on unknown metric ${key}`)
    const samples = match[2] === undefined ? base.samples : base.samples.filter((s) => s.tags[match[2] as string] === match[3])
    const values = valuesOf(base, samples)
    const results: Record<string, { ok: boolean }> = {}
    for (const expression of expressions) results[expression] = { ok: evaluate(expression, values) }
    summaryMetrics[key] = { type: base.type, contains: base.isTime ? 'time' : 'default', values, thresholds: results }
  }
  let passes = 0
  let fails = 0
  for (const entry of checks.values()) {
    passes += entry.passes
    fails += entry.fails
  }
  summaryMetrics['checks'] = { type: 'rate', contains: 'default', values: { rate: passes / Math.max(1, passes + fails), passes, fails } }
  const summaryData = {
    root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] },
    options: { summaryTrendStats: trendStats, summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: durationMs },
    metrics: summaryMetrics,
  }
  const outputs = module.handleSummary(summaryData)
  return { metrics, checks, options: module.options, summaryData, outputs }
}
