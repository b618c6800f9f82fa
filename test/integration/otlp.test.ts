// `gauntlet run --otlp` against a loopback OTLP/HTTP collector written here (JSON bodies): the
// last export's figures equal summary.json, on a full run and on Ctrl-C; a collector that fails
// (500, closed port) costs one warning line and a count at the end, never the run or its records.
import { mkdtempSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { OTLP_METRICS } from '../../results/metrics/otlp-names.js'
import type { Summary } from '../../results/summary.js'
import { runCli } from '../helpers/cli.js'

// About 3.5 s of traffic against a mock with exact timing.
const TRAFFIC = ['--preset', 'peak-hour', '--employees', '200', '--time-scale', '200', '--max-requests', '60', '--max-output-tokens', '20', '--mock', 'exact', '--quiet', '--no-report']
const SECRET = 'Bearer otlp-test-secret-42'

// --- The OTLP/HTTP JSON shapes this test reads (opentelemetry-proto, JSON mapping). ---
interface KeyValue {
  key: string
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number }
}
interface DataPoint {
  attributes?: KeyValue[]
  asInt?: string | number
  asDouble?: number
  count?: string | number
  sum?: number
}
interface OtlpMetric {
  name: string
  unit?: string
  sum?: { dataPoints: DataPoint[] }
  gauge?: { dataPoints: DataPoint[] }
  histogram?: { dataPoints: DataPoint[] }
}
interface ExportRequest {
  resourceMetrics: { resource: { attributes: KeyValue[] }; scopeMetrics: { metrics: OtlpMetric[] }[] }[]
}
interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: ExportRequest
}

interface Collector {
  readonly url: string
  readonly received: Received[]
  close(): Promise<void>
}

/** Answers every POST with `status`, keeping the decoded bodies. */
async function startCollector(status = 200): Promise<Collector> {
  const received: Received[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (status === 200) received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportRequest })
      response.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{}' : '{"message":"collector down"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/v1/metrics`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** A port nothing listens on (bound then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const attributesOf = (list: KeyValue[] | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, String(kv.value.stringValue ?? kv.value.intValue ?? kv.value.doubleValue)]))

function metricsOf(request: ExportRequest): Map<string, OtlpMetric> {
  const byName = new Map<string, OtlpMetric>()
  for (const resource of request.resourceMetrics) for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.name, metric)
  return byName
}

const pointsOf = (metric: OtlpMetric | undefined): DataPoint[] => metric?.sum?.dataPoints ?? metric?.gauge?.dataPoints ?? metric?.histogram?.dataPoints ?? []
const valueOf = (point: DataPoint): number => Number(point.asInt ?? point.asDouble ?? 0)

/** Sum of a counter or gauge, or of a histogram's `count`/`sum`, over points matching `where`. */
function total(metrics: Map<string, OtlpMetric>, name: string, field: 'value' | 'count' | 'sum' = 'value', where: (attributes: Record<string, string>) => boolean = () => true): number {
  let sum = 0
  for (const point of pointsOf(metrics.get(name))) {
    if (!where(attributesOf(point.attributes))) continue
    sum += field === 'value' ? valueOf(point) : Number(point[field] ?? 0)
  }
  return sum
}

const tempOut = (): string => join(mkdtempSync(join(tmpdir(), 'gauntlet-otlp-')), 'run')
const readSummary = async (out: string): Promise<Summary> => JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
/** Records of attempts (the header line aside). */
const recordLines = async (out: string): Promise<number> =>
  (await readFile(join(out, 'records.jsonl'), 'utf8')).split('\n').filter((line) => line !== '' && !line.startsWith('{"type":"header"')).length

let collector: Collector | undefined
afterEach(async () => {
  await collector?.close()
  collector = undefined
})

describe('gauntlet run --otlp (CLI)', () => {
  it('pushes GenAI and gauntlet metrics whose last export equals summary.json', async () => {
    collector = await startCollector()
    const out = tempOut()
    const result = await runCli(['run', ...TRAFFIC, '--out', out, '--otlp', collector.url, '--otlp-interval', '200ms', '--otlp-header', `authorization=${SECRET}`], { timeoutMs: 60_000 })
    expect(result.code, result.stderr).toBe(0)
    const received = collector.received
    // Exports every 200 ms during a ~3.5 s run, plus the final flush.
    expect(received.length).toBeGreaterThan(5)
    expect(result.stderr).toContain(`otlp: ${received.length} exports to ${collector.url}, 0 failed`)
    for (const request of received) {
      expect(request.path).toBe('/v1/metrics')
      expect(request.headers['content-type']).toBe('application/json')
      expect(request.headers['authorization']).toBe(SECRET)
    }
    // The header value is sent, and shown nowhere.
    const files = await Promise.all(['summary.json', 'records.jsonl'].map((file) => readFile(join(out, file), 'utf8')))
    for (const text of [result.stdout, result.stderr, ...files]) expect(text).not.toContain('otlp-test-secret')

    const summary = await readSummary(out)
    const last = received[received.length - 1] as Received
    const resource = attributesOf(last.body.resourceMetrics[0]?.resource.attributes)
    expect(resource).toMatchObject({ 'service.name': 'llm-gauntlet', 'gauntlet.run.id': summary.runId, 'gauntlet.run.name': summary.name })
    const metrics = metricsOf(last.body)
    const always = Object.values(OTLP_METRICS).filter((metric) => ![OTLP_METRICS.abandoned, OTLP_METRICS.unpriced, OTLP_METRICS.phase].some((m) => m === metric))
    for (const metric of always) expect(metrics.get(metric.name)?.unit, metric.name).toBe(metric.unit)

    const byOutcome: Record<string, number> = {}
    for (const point of pointsOf(metrics.get('gauntlet.requests'))) byOutcome[attributesOf(point.attributes)['gauntlet.outcome'] ?? '?'] = valueOf(point)
    expect(byOutcome).toEqual(summary.requests.byOutcome)
    expect(total(metrics, 'gauntlet.attempts')).toBe(summary.requests.attempts)
    const tokens = (type: string): number => total(metrics, 'gen_ai.client.token.usage', 'sum', (a) => a['gen_ai.token.type'] === type)
    expect(tokens('input')).toBe(summary.tokens.input)
    expect(tokens('output')).toBe(summary.tokens.output)
    expect(total(metrics, 'gen_ai.client.operation.duration', 'count', (a) => a['error.type'] === undefined)).toBe(summary.latency.e2e_ms.count)
    expect(total(metrics, 'gen_ai.client.operation.duration', 'count')).toBe(summary.requests.sent)
    expect(total(metrics, 'gen_ai.server.time_to_first_token', 'count')).toBe(summary.latency.ttft_ms.count)
    expect(total(metrics, 'gen_ai.server.time_per_output_token', 'count')).toBe(summary.latency.tpot_ms.count)
    expect(total(metrics, 'gauntlet.spend')).toBeCloseTo(summary.spend.usd as number, 9)
    expect(total(metrics, 'gauntlet.active_requests')).toBe(0)
    // Exact mock: TTFT 200 ms from the scheduled time plus the client's own lag.
    expect(total(metrics, 'gen_ai.server.time_to_first_token', 'sum') / summary.latency.ttft_ms.count).toBeGreaterThan(0.19)
    for (const metric of metrics.values()) {
      for (const point of pointsOf(metric)) expect(attributesOf(point.attributes)).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'mock', 'gen_ai.request.model': 'mock-exact' })
    }
  })

  it('flushes the figures so far on Ctrl-C, equal to the partial summary', async () => {
    collector = await startCollector()
    const out = tempOut()
    const current = collector
    const result = await runCli(['run', ...TRAFFIC, '--out', out, '--otlp', collector.url, '--otlp-interval', '200ms'], {
      timeoutMs: 60_000,
      onSpawn: (child) => {
        // Once some requests have been pushed, interrupt as a user would.
        const timer = setInterval(() => {
          const last = current.received[current.received.length - 1]
          if (last !== undefined && total(metricsOf(last.body), 'gauntlet.requests') >= 10) {
            clearInterval(timer)
            child.kill('SIGINT')
          }
        }, 50)
        child.on('close', () => clearInterval(timer))
      },
    })
    expect(result.code, result.stderr).toBe(130)
    expect(result.stderr).toMatch(/otlp: \d+ exports to .*, 0 failed/)
    const summary = await readSummary(out)
    const metrics = metricsOf((collector.received[collector.received.length - 1] as Received).body)
    expect(total(metrics, 'gauntlet.requests')).toBe(summary.requests.scheduled)
    expect(summary.requests.scheduled).toBeLessThan(60)
    expect(total(metrics, 'gen_ai.client.token.usage', 'sum', (a) => a['gen_ai.token.type'] === 'output')).toBe(summary.tokens.output)
  })

  it.each([
    ['a collector answering 500', async (): Promise<string> => (collector = await startCollector(500)).url, /failed \(HTTP 500\)/],
    ['a closed port', async (): Promise<string> => `http://127.0.0.1:${await closedPort()}/v1/metrics`, /failed \(ECONNREFUSED\)/],
  ])('%s: the run exits 0 with all its records and one warning line', async (_name, urlOf, reason) => {
    const url = await urlOf()
    const out = tempOut()
    const result = await runCli(['run', ...TRAFFIC, '--out', out, '--otlp', url, '--otlp-interval', '200ms', '--otlp-header', `x-api-key=${SECRET}`], { timeoutMs: 60_000 })
    expect(result.code, result.stderr).toBe(0)
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('otlp: export to'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(reason)
    expect(warnings[0]).toContain(url)
    const tally = /otlp: (\d+) exports to \S+, (\d+) failed/.exec(result.stderr)
    expect(tally?.[1], result.stderr).toBeDefined()
    expect(Number(tally?.[1])).toBeGreaterThan(5)
    expect(tally?.[2]).toBe(tally?.[1])
    expect(result.stderr + result.stdout).not.toContain('otlp-test-secret')
    const summary = await readSummary(out)
    expect(summary.requests.byOutcome).toEqual({ ok: 60 })
    expect(await recordLines(out)).toBe(60)
  })

  it.each([
    [['--otlp', 'ftp://127.0.0.1/v1/metrics'], /--otlp must be an http:\/\/ or https:\/\/ URL, not 'ftp:'/],
    [['--otlp', 'not a url'], /--otlp 'not a url' is not a URL/],
    [['--otlp-interval', '1s'], /need --otlp/],
    [['--otlp', 'http://127.0.0.1:4318', '--otlp-interval', '5'], /--otlp-interval '5'/],
    [['--otlp', 'http://127.0.0.1:4318', '--otlp-header', 'otlp-test-secret'], /--otlp-header number 1 is not name=value/],
  ])('%j exits 2 with one line', async (flags, message) => {
    const result = await runCli(['run', ...TRAFFIC, '--out', tempOut(), ...flags])
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toContain('otlp-test-secret')
  })
})

describe('gauntlet drill --otlp (CLI)', () => {
  it('pushes the drill\'s requests by outcome, equal to its summary.json, phases included', async () => {
    collector = await startCollector()
    const out = tempOut()
    const result = await runCli(['drill', '--time-scale', '400', '--mock', 'instant', '--patience', 'off', '--quiet', '--no-report', '--out', out, '--otlp', collector.url, '--otlp-interval', '200ms'], { timeoutMs: 60_000 })
    expect([0, 1], result.stderr).toContain(result.code)
    expect(result.stderr).toContain(`otlp: ${collector.received.length} exports to ${collector.url}, 0 failed`)
    const summary = await readSummary(out)
    const metrics = metricsOf((collector.received[collector.received.length - 1] as Received).body)
    const byOutcome: Record<string, number> = {}
    for (const point of pointsOf(metrics.get('gauntlet.requests'))) byOutcome[attributesOf(point.attributes)['gauntlet.outcome'] ?? '?'] = valueOf(point)
    expect(byOutcome).toEqual(summary.requests.byOutcome)
    const phases = pointsOf(metrics.get('gauntlet.phase')).map((point) => attributesOf(point.attributes)['gauntlet.phase.name'])
    expect(phases).toContain('baseline')
  })
})
