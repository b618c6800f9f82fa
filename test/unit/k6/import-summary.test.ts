// k6 summaries -> gauntlet's summary shape: handleSummary data, the legacy --summary-export
// file (flat metrics, `value` for rates, `true` = failed threshold), and bad input.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { formatK6Summary, importK6Summary, k6SummaryToSummary } from '../../../load/k6/import-summary.js'

const trend = (p50: number, max: number, count: number) => ({
  avg: p50 + 1,
  min: 1,
  med: p50,
  max,
  'p(50)': p50,
  'p(90)': p50 * 2,
  'p(95)': p50 * 3,
  'p(99)': p50 * 4,
  'p(99.9)': p50 * 5,
  count,
})

/** What k6 hands handleSummary for an exported script (abridged to the metrics we read). */
const handleSummaryData = {
  root_group: { name: '', path: '', id: 'x', groups: [], checks: [] },
  options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(50)', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'count'], summaryTimeUnit: '', noColor: false },
  state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 61_250.5 },
  metrics: {
    llm_requests: { type: 'counter', contains: 'default', values: { count: 120, rate: 1.96 } },
    'llm_requests{outcome:ok}': { type: 'counter', contains: 'default', values: { count: 115, rate: 1.88 }, thresholds: { 'count>=0': { ok: true } } },
    'llm_requests{outcome:http}': { type: 'counter', contains: 'default', values: { count: 3, rate: 0.05 }, thresholds: { 'count>=0': { ok: true } } },
    'llm_requests{outcome:abandoned}': { type: 'counter', contains: 'default', values: { count: 2, rate: 0.03 }, thresholds: { 'count>=0': { ok: true } } },
    'llm_requests{outcome:timeout}': { type: 'counter', contains: 'default', values: { count: 0, rate: 0 }, thresholds: { 'count>=0': { ok: true } } },
    llm_e2e: { type: 'trend', contains: 'time', values: trend(800, 4000, 115), thresholds: { 'p(95)<2000': { ok: false } } },
    llm_ttft: { type: 'trend', contains: 'time', values: trend(300, 900, 115) },
    llm_schedule_lag: { type: 'trend', contains: 'time', values: trend(2, 40, 120) },
    llm_tpot: { type: 'trend', contains: 'time', values: { avg: 0, min: 0, med: 0, max: 0, 'p(50)': 0, 'p(90)': 0, 'p(95)': 0, 'p(99)': 0, 'p(99.9)': 0, count: 0 } },
    llm_input_tokens: { type: 'counter', contains: 'default', values: { count: 23_000, rate: 375 } },
    llm_output_tokens: { type: 'counter', contains: 'default', values: { count: 9_200, rate: 150 } },
    llm_spend_usd: { type: 'counter', contains: 'default', values: { count: 0.0598, rate: 0.001 } },
    llm_errors: { type: 'rate', contains: 'default', values: { rate: 3 / 120, passes: 3, fails: 117 } },
    llm_abandoned: { type: 'rate', contains: 'default', values: { rate: 2 / 120, passes: 2, fails: 118 } },
    dropped_iterations: { type: 'counter', contains: 'default', values: { count: 4, rate: 0.07 } },
    checks: { type: 'rate', contains: 'default', values: { rate: 0.97, passes: 233, fails: 7 } },
    http_reqs: { type: 'counter', contains: 'default', values: { count: 120, rate: 1.96 } },
    http_req_duration: { type: 'trend', contains: 'time', values: trend(780, 3900, 120) },
    http_req_failed: { type: 'rate', contains: 'default', values: { rate: 0.025, passes: 3, fails: 117 } },
  },
}

const wrapped = {
  schema: 'gauntlet-k6-summary/1',
  generatorVersion: '0.1.0',
  createdAt: '2026-01-01T00:00:00.000Z',
  plan: {
    target: { vendor: 'openai', model: 'gpt-4o-mini', baseUrl: 'http://127.0.0.1:8000/v1' },
    stream: true,
    schedule: 'rate',
    windowMs: 1000,
    requestCount: 124,
    spanMs: 60_000,
    trafficSource: 'preset:peak-hour',
    trafficSeed: 7,
    priced: true,
    thresholds: [{ text: 'e2e_ms.p95<2000', metric: 'llm_e2e', expression: 'p(95)<2000' }],
  },
  k6: handleSummaryData,
}

/** k6's legacy --summary-export of the same run: values flattened, rate as `value`, thresholds true = failed. */
function legacyExport(): Record<string, unknown> {
  const metrics: Record<string, unknown> = {}
  for (const [name, metric] of Object.entries(handleSummaryData.metrics)) {
    const flat: Record<string, unknown> = { ...metric.values }
    if (metric.type === 'rate') {
      flat['value'] = flat['rate']
      delete flat['rate']
    }
    if ('thresholds' in metric) {
      flat['thresholds'] = Object.fromEntries(Object.entries(metric.thresholds).map(([expression, result]) => [expression, !result.ok]))
    }
    metrics[name] = flat
  }
  return { root_group: handleSummaryData.root_group, metrics, state: handleSummaryData.state }
}

describe('k6SummaryToSummary', () => {
  it('maps the summary an exported script writes', () => {
    const summary = k6SummaryToSummary(wrapped)
    expect(summary.format).toBe('gauntlet')
    expect(summary.source).toBe('k6')
    expect(summary.target).toEqual({ vendor: 'openai', model: 'gpt-4o-mini', baseUrl: 'http://127.0.0.1:8000/v1' })
    expect(summary.traffic).toEqual({ source: 'preset:peak-hour', requests: 124, seed: 7 })
    expect(summary.durationMs).toBe(61_250.5)
    expect(summary.requests).toEqual({ scheduled: 124, sent: 120, completed: 115, byOutcome: { ok: 115, http: 3, abandoned: 2, dropped: 4 }, per_s: 1.96 })
    expect(summary.latency.e2e_ms).toEqual({ count: 115, p50: 800, p90: 1600, p95: 2400, p99: 3200, p999: 4000, max: 4000, mean: 801, min: 1 })
    expect(summary.latency.ttft_ms.p95).toBe(900)
    // No samples: nulls, not k6's zeros.
    expect(summary.latency.tpot_ms).toEqual({ count: 0, p50: null, p90: null, p95: null, p99: null, p999: null, max: null, mean: null, min: null })
    expect(summary.latency.e2e_service_ms.count).toBeNull()
    expect(summary.tokens).toEqual({ input: 23_000, cached_input: null, output: 9_200 })
    expect(summary.spend.usd).toBe(0.0598)
    expect(summary.errors).toEqual({ rate: 0.025, count: 3 })
    expect(summary.abandonment).toEqual({ rate: 2 / 120, abandoned: 2 })
    expect(summary.checks).toEqual({ passes: 233, fails: 7 })
    expect(summary.thresholds).toEqual([{ metric: 'llm_e2e', expression: 'p(95)<2000', text: 'e2e_ms.p95<2000', pass: false }])
    expect(summary.http.requests).toBe(120)
    expect(summary.notes.join('\n')).toMatch(/could not start 4 iterations/)
  })

  it('maps k6 handleSummary data without our wrapper', () => {
    const summary = k6SummaryToSummary(handleSummaryData)
    expect(summary.format).toBe('k6-handle-summary')
    expect(summary.target).toBeNull()
    expect(summary.requests.scheduled).toBeNull()
    expect(summary.requests.sent).toBe(120)
    expect(summary.thresholds).toEqual([{ metric: 'llm_e2e', expression: 'p(95)<2000', text: null, pass: false }])
  })

  it('maps the legacy --summary-export file to the same figures', () => {
    const fromLegacy = k6SummaryToSummary(legacyExport())
    const fromData = k6SummaryToSummary(handleSummaryData)
    expect(fromLegacy.format).toBe('k6-summary-export')
    expect({ ...fromLegacy, format: 'x' }).toEqual({ ...fromData, format: 'x' })
  })

  it('reports spend as unknown when the model was not priced', () => {
    const unpriced = { ...wrapped, plan: { ...wrapped.plan, priced: false } }
    expect(k6SummaryToSummary(unpriced).spend.usd).toBe('unknown')
  })

  const bad: Array<[string, unknown, RegExp]> = [
    ['an array', [], /is not a JSON object/],
    ['no metrics', { root_group: {} }, /has no 'metrics' object/],
    ['a newer schema', { schema: 'gauntlet-k6-summary/9', k6: {} }, /does not read/],
    ['a wrapper without k6 data', { schema: 'gauntlet-k6-summary/1' }, /has no 'k6' object/],
  ]
  for (const [name, input, message] of bad) {
    it(`rejects ${name} with K6_SUMMARY_INVALID`, () => {
      expect(() => k6SummaryToSummary(input, 'in.json')).toThrow(message)
      try {
        k6SummaryToSummary(input, 'in.json')
      } catch (error) {
        expect((error as { code?: string }).code).toBe('K6_SUMMARY_INVALID')
        expect((error as Error).message).toMatch(/^in\.json: /)
      }
    })
  }
})

describe('importK6Summary', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('writes summary.json into the out folder and formats a table', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gauntlet-k6-import-'))
    dirs.push(dir)
    const input = join(dir, 'summary.json')
    await writeFile(input, JSON.stringify(wrapped))
    const { path, summary } = await importK6Summary(input, join(dir, 'imported'))
    expect(path).toBe(join(dir, 'imported', 'summary.json'))
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(summary)
    const table = formatK6Summary(summary)
    expect(table).toContain('120 sent of 124')
    expect(table).toContain('FAIL e2e_ms.p95<2000')
    expect(table).toMatch(/e2e_ms\s+800\s+1600\s+2400\s+3200\s+4000\s+115/)
  })

  it('names a missing file and invalid JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gauntlet-k6-import-'))
    dirs.push(dir)
    await expect(importK6Summary(join(dir, 'nope.json'), dir)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
    await writeFile(join(dir, 'bad.json'), '{oops')
    await expect(importK6Summary(join(dir, 'bad.json'), dir)).rejects.toMatchObject({ code: 'K6_SUMMARY_INVALID' })
  })
})
