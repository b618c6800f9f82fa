// The OTLP sink against hand-made Samples and an in-memory exporter (no sockets): counts as the
// summary counts them, GenAI names, units and attributes, error.type, phase, and a failing
// exporter warned once and counted.
import { ExportResultCode } from '@opentelemetry/core'
import { AggregationTemporality, InMemoryMetricExporter, type MetricData, type PushMetricExporter } from '@opentelemetry/sdk-metrics'
import { describe, expect, it } from 'vitest'
import { errorTypeOf, targetAttributes } from '../../../results/metrics/otlp-attributes.js'
import { exportFailureReason } from '../../../results/metrics/otlp-exporter.js'
import { createOtlpSink } from '../../../results/metrics/otlp-sink.js'
import type { Sample } from '../../../results/types.js'

function sample(overrides: Partial<Sample> & Pick<Sample, 'requestId' | 'outcome' | 'scheduledAtMs'>): Sample {
  return { attempt: 1, userId: 'u', task: 'chat', ...overrides }
}

const SAMPLES: Sample[] = [
  sample({ requestId: 'A', outcome: 'ok', scheduledAtMs: 0, scheduleLagMs: 2, ttftMs: 300, e2eMs: 1_200, tpotMs: 45, itlMs: [10, 20], inputTokens: 100, outputTokens: 20, spendUsd: 0.001, phase: 'baseline' }),
  sample({ requestId: 'B', outcome: 'http', status: 429, willRetry: true, scheduledAtMs: 100, scheduleLagMs: 1, e2eMs: 50, spendUsd: 0, phase: 'baseline' }),
  sample({ requestId: 'B', attempt: 2, outcome: 'ok', scheduledAtMs: 100, ttftMs: 2_500, e2eMs: 4_000, inputTokens: 100, outputTokens: 30, spendUsd: 0.002, phase: 'baseline' }),
  sample({ requestId: 'C', outcome: 'abandoned', abandonReason: 'ttft', scheduledAtMs: 500, scheduleLagMs: 4, e2eMs: 4_000, inputTokens: 100, spendUsd: null, phase: 'outage' }),
  sample({ requestId: 'E', outcome: 'http', status: 503, scheduledAtMs: 450, scheduleLagMs: 1, e2eMs: 80, phase: 'outage' }),
  // Scheduled before C but recorded after it: the phase shown stays C's. Never sent: no duration.
  sample({ requestId: 'D', outcome: 'dropped', scheduledAtMs: 400, phase: 'baseline' }),
]

const RUN = {
  runId: 'r1',
  name: 'nightly',
  startedAt: '2026-01-01T00:00:00.000Z',
  config: { target: { label: 'openai-compatible:llama3@http://user:secret@127.0.0.1:8000/v1?key=abc', model: 'llama3' } },
}

const OPTIONS = { url: 'http://127.0.0.1:4318/v1/metrics', shownUrl: 'http://127.0.0.1:4318/v1/metrics', intervalMs: 60_000, headers: {} }

async function push(samples: readonly Sample[]): Promise<{ metrics: Map<string, MetricData>; resource: Record<string, unknown> }> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  const sink = createOtlpSink({ ...OPTIONS, warn: () => undefined, exporter })
  await sink.start?.(RUN)
  for (const s of samples) sink.record(s)
  sink.progress({ elapsedMs: 1_500, inFlight: 7 })
  const tally = await sink.close()
  expect(tally).toEqual({ exports: 1, failed: 0, pending: 0 })
  const last = exporter.getMetrics().at(-1)
  const metrics = new Map<string, MetricData>()
  for (const scope of last?.scopeMetrics ?? []) for (const metric of scope.metrics) metrics.set(metric.descriptor.name, metric)
  return { metrics, resource: last?.resource.attributes ?? {} }
}

type Where = Record<string, string | undefined>
const matches = (attributes: Record<string, unknown>, where: Where): boolean => Object.entries(where).every(([key, value]) => attributes[key] === value)

/** Counter/gauge value, or a histogram's count or sum, over the points matching `where`. */
function total(metrics: Map<string, MetricData>, name: string, where: Where = {}, field: 'count' | 'sum' = 'count'): number {
  let sum = 0
  for (const point of metrics.get(name)?.dataPoints ?? []) {
    if (!matches(point.attributes, where)) continue
    const value: unknown = point.value
    sum += typeof value === 'number' ? value : (value as { count: number; sum?: number })[field] ?? 0
  }
  return sum
}

describe('otlp sink', () => {
  it('counts requests by final outcome and attempts by send', async () => {
    const { metrics } = await push(SAMPLES)
    expect(total(metrics, 'gauntlet.requests', { 'gauntlet.outcome': 'ok' })).toBe(2)
    expect(total(metrics, 'gauntlet.requests', { 'gauntlet.outcome': 'http_503' })).toBe(1)
    expect(total(metrics, 'gauntlet.requests', { 'gauntlet.outcome': 'http_429' })).toBe(0)
    expect(total(metrics, 'gauntlet.requests')).toBe(5)
    expect(total(metrics, 'gauntlet.attempts', { 'gauntlet.outcome': 'http_429' })).toBe(1)
    expect(total(metrics, 'gauntlet.attempts')).toBe(5)
    expect(total(metrics, 'gauntlet.abandoned_requests', { 'gauntlet.abandon.reason': 'ttft' })).toBe(1)
    expect(total(metrics, 'gauntlet.unpriced_attempts')).toBe(1)
    expect(total(metrics, 'gauntlet.spend')).toBeCloseTo(0.003, 12)
  })

  it('records GenAI durations of sent requests, with error.type on failures', async () => {
    const { metrics } = await push(SAMPLES)
    const duration = 'gen_ai.client.operation.duration'
    expect(total(metrics, duration)).toBe(4)
    expect(total(metrics, duration, { 'error.type': undefined })).toBe(2)
    expect(total(metrics, duration, { 'error.type': undefined }, 'sum')).toBeCloseTo(5.2, 9)
    expect(total(metrics, duration, { 'error.type': '503' })).toBe(1)
    expect(total(metrics, duration, { 'error.type': 'abandoned' })).toBe(1)
    expect(total(metrics, 'gen_ai.client.token.usage', { 'gen_ai.token.type': 'input' }, 'sum')).toBe(300)
    expect(total(metrics, 'gen_ai.client.token.usage', { 'gen_ai.token.type': 'output' }, 'sum')).toBe(50)
    // No usage point where the count is unknown (C had no output count).
    expect(total(metrics, 'gen_ai.client.token.usage', { 'gen_ai.token.type': 'output' })).toBe(2)
    expect(total(metrics, 'gen_ai.server.time_to_first_token', {}, 'sum')).toBeCloseTo(2.8, 9)
    expect(total(metrics, 'gen_ai.server.time_per_output_token', {}, 'sum')).toBeCloseTo(0.045, 9)
    expect(total(metrics, 'gen_ai.client.operation.time_per_output_chunk', {}, 'sum')).toBeCloseTo(0.03, 9)
    expect(total(metrics, 'gauntlet.schedule_lag')).toBe(4)
  })

  it('uses the conventions: units, attributes without the URL, resource with the run id', async () => {
    const { metrics, resource } = await push(SAMPLES)
    expect(resource).toMatchObject({ 'service.name': 'llm-gauntlet', 'gauntlet.run.id': 'r1', 'gauntlet.run.name': 'nightly' })
    expect(metrics.get('gen_ai.client.operation.duration')?.descriptor.unit).toBe('s')
    expect(metrics.get('gen_ai.client.token.usage')?.descriptor.unit).toBe('{token}')
    expect(metrics.get('gauntlet.spend')?.descriptor.unit).toBe('{USD}')
    for (const metric of metrics.values()) {
      for (const point of metric.dataPoints) {
        expect(point.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai-compatible', 'gen_ai.request.model': 'llama3' })
        expect(JSON.stringify(point.attributes)).not.toMatch(/secret|key=abc|127\.0\.0\.1/)
      }
    }
    expect(total(metrics, 'gauntlet.active_requests')).toBe(7)
    expect(total(metrics, 'gauntlet.elapsed')).toBe(1.5)
    expect(total(metrics, 'gauntlet.phase', { 'gauntlet.phase.name': 'outage' })).toBe(1)
    expect(total(metrics, 'gauntlet.phase', { 'gauntlet.phase.name': 'baseline' })).toBe(0)
  })

  it('warns once on failing exports, counts them, and never throws', async () => {
    const failing: PushMetricExporter = {
      export: (_metrics, done) => done({ code: ExportResultCode.FAILED, error: Object.assign(new Error('Internal Server Error'), { code: 500 }) }),
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    }
    const warnings: string[] = []
    const sink = createOtlpSink({ ...OPTIONS, intervalMs: 100, warn: (line) => warnings.push(line), exporter: failing })
    await sink.start?.(RUN)
    for (const s of SAMPLES) sink.record(s)
    await new Promise((resolve) => setTimeout(resolve, 350))
    const tally = await sink.close()
    expect(tally.exports).toBeGreaterThanOrEqual(3)
    expect(tally.failed).toBe(tally.exports)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^otlp: export to http:\/\/127\.0\.0\.1:4318\/v1\/metrics failed \(HTTP 500\);/)
  })

  it('closes without a start (a run stopped by bad input) and maps adapters to GenAI providers', async () => {
    const sink = createOtlpSink({ ...OPTIONS, warn: () => undefined, exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE) })
    expect(await sink.close()).toEqual({ exports: 0, failed: 0, pending: 0 })
    expect(targetAttributes('azure:my-deployment')).toEqual({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'azure.ai.openai', 'gen_ai.request.model': 'my-deployment' })
    expect(targetAttributes('openai-compatible:llama3:8b@http://127.0.0.1:11434/v1')['gen_ai.request.model']).toBe('llama3:8b')
    expect(targetAttributes('anthropic:claude-sonnet-4-5')['gen_ai.provider.name']).toBe('anthropic')
    expect(errorTypeOf({ outcome: 'ok' })).toBeUndefined()
    expect(errorTypeOf({ outcome: 'http', status: 429 })).toBe('429')
    expect(errorTypeOf({ outcome: 'timeout' })).toBe('timeout')
    expect(exportFailureReason(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED')
    expect(exportFailureReason(new Error('Request timed out'))).toBe('Request timed out')
  })
})
