// handleSummary for the exported scripts: k6's summary data wrapped with the plan (no secrets)
// as `summary.json`, which `gauntlet k6 import` reads, plus a short text summary on stdout.
import { K6_METRICS, K6_SUMMARY_SCHEMA, type K6Plan } from './plan.js'

type Values = Record<string, number>

function metricValues(data: unknown, name: string): Values | undefined {
  const metrics = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['metrics'] : undefined
  if (typeof metrics !== 'object' || metrics === null) return undefined
  const metric = (metrics as Record<string, unknown>)[name]
  if (typeof metric !== 'object' || metric === null) return undefined
  const values = (metric as Record<string, unknown>)['values']
  return typeof values === 'object' && values !== null ? (values as Values) : undefined
}

function formatNumber(value: number | undefined, digits: number): string {
  return value === undefined || !isFinite(value) ? '-' : value.toFixed(digits)
}

function trendLine(label: string, values: Values | undefined): string {
  const name = (label + ' ').padEnd(22, '.')
  if (values === undefined || !values['count']) return `  ${name} no samples`
  const columns: Array<[string, string]> = [['p50', 'p(50)'], ['p90', 'p(90)'], ['p95', 'p(95)'], ['p99', 'p(99)'], ['max', 'max']]
  const stats = columns.map(([label, stat]) => `${label}=${formatNumber(values[stat], 1)}`).join(' ')
  return `  ${name} ${stats} (n=${values['count']})`
}

function thresholdLines(data: unknown): string[] {
  const lines: string[] = []
  const metrics = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['metrics'] : undefined
  if (typeof metrics !== 'object' || metrics === null) return lines
  for (const name of Object.keys(metrics)) {
    const metric = (metrics as Record<string, Record<string, unknown>>)[name]
    const thresholds = metric === undefined ? undefined : metric['thresholds']
    if (typeof thresholds !== 'object' || thresholds === null) continue
    for (const expression of Object.keys(thresholds)) {
      if (expression === 'count>=0') continue
      const ok = ((thresholds as Record<string, { ok?: boolean }>)[expression] || {}).ok
      lines.push(`  ${ok ? 'PASS' : 'FAIL'} ${name} ${expression}`)
    }
  }
  return lines
}

function outcomeCount(data: unknown, outcome: string): number {
  const values = metricValues(data, `${K6_METRICS.requests}{outcome:${outcome}}`)
  return values === undefined ? 0 : values['count'] || 0
}

/** Where the JSON summary goes: `GAUNTLET_SUMMARY` (with `{host}` replaced by HOSTNAME) or summary.json. */
export function summaryPath(env: Record<string, string | undefined>): string {
  const path = env['GAUNTLET_SUMMARY'] || 'summary.json'
  return path.replace('{host}', env['HOSTNAME'] || 'local')
}

export function textSummary(data: unknown, plan: K6Plan): string {
  const requests = metricValues(data, K6_METRICS.requests)
  const errors = metricValues(data, K6_METRICS.errors)
  const abandoned = metricValues(data, K6_METRICS.abandoned)
  const dropped = metricValues(data, 'dropped_iterations')
  const input = metricValues(data, K6_METRICS.inputTokens)
  const output = metricValues(data, K6_METRICS.outputTokens)
  const spend = metricValues(data, K6_METRICS.spendUsd)
  const unpriced = metricValues(data, K6_METRICS.unpriced)
  const sent = requests === undefined ? 0 : requests['count'] || 0
  const lines = [
    '',
    `gauntlet k6 replay: ${plan.target.vendor}:${plan.target.model} (${plan.stream ? 'streaming' : 'non-streaming'}, ${plan.schedule} schedule, ${plan.requestCount} requests planned)`,
    `  ${'requests '.padEnd(22, '.')} ${sent} sent, ${outcomeCount(data, 'ok')} ok, ${errors === undefined ? 0 : errors['passes'] || 0} errors, ` +
      `${abandoned === undefined ? 0 : abandoned['passes'] || 0} abandoned, ${dropped === undefined ? 0 : dropped['count'] || 0} dropped by k6`,
  ]
  if (plan.stream) lines.push(trendLine('ttft ms', metricValues(data, K6_METRICS.ttft)))
  lines.push(trendLine('e2e ms', metricValues(data, K6_METRICS.e2e)))
  lines.push(trendLine('schedule lag ms', metricValues(data, K6_METRICS.scheduleLag)))
  lines.push(
    `  ${'tokens '.padEnd(22, '.')} input=${input === undefined ? 0 : input['count'] || 0} output=${output === undefined ? 0 : output['count'] || 0} (server-reported)`,
  )
  const unpricedCount = unpriced === undefined ? 0 : unpriced['count'] || 0
  lines.push(
    `  ${'spend '.padEnd(22, '.')} ${plan.price === null ? 'model not priced' : '$' + formatNumber(spend === undefined ? 0 : spend['count'] || 0, 6)}` +
      (unpricedCount > 0 ? ` (${unpricedCount} answers without usage)` : ''),
  )
  const thresholds = thresholdLines(data)
  if (thresholds.length > 0) lines.push('  thresholds:', ...thresholds)
  lines.push('')
  return lines.join('\n')
}

/** The value of `handleSummary`: file path -> content. */
export function summaryOutputs(data: unknown, plan: K6Plan, env: Record<string, string | undefined>): Record<string, string> {
  const wrapped = {
    schema: K6_SUMMARY_SCHEMA,
    generatorVersion: plan.generatorVersion,
    createdAt: new Date().toISOString(),
    plan: {
      target: { vendor: plan.target.vendor, model: plan.target.model, baseUrl: env['GAUNTLET_BASE_URL'] || plan.target.baseUrl },
      stream: plan.stream,
      schedule: plan.schedule,
      windowMs: plan.windowMs,
      requestCount: plan.requestCount,
      spanMs: plan.spanMs,
      trafficSource: plan.trafficSource,
      trafficSeed: plan.trafficSeed,
      priced: plan.price !== null,
      thresholds: plan.thresholdSources,
    },
    k6: data,
  }
  const outputs: Record<string, string> = {}
  outputs[summaryPath(env)] = JSON.stringify(wrapped, null, 2)
  outputs['stdout'] = textSummary(data, plan)
  return outputs
}
