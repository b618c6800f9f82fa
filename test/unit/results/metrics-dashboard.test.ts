// deploy/grafana/llm-gauntlet.json parses, has the panels the README promises, and queries only
// metric names the run registry exports.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { METRIC_NAMES } from '../../../results/metrics/names.js'

const DASHBOARD = JSON.parse(readFileSync(new URL('../../../deploy/grafana/llm-gauntlet.json', import.meta.url), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[]; datasource: { uid: string } }[]
  templating: { list: { name: string; type: string; query?: unknown }[] }
}
const EXPORTED = new Set<string>(Object.values(METRIC_NAMES))
const HISTOGRAMS = new Set<string>([METRIC_NAMES.ttft, METRIC_NAMES.e2e, METRIC_NAMES.itl, METRIC_NAMES.scheduleLag])

function exportedName(series: string): boolean {
  if (EXPORTED.has(series)) return true
  const base = series.replace(/_(bucket|sum|count)$/, '')
  return base !== series && HISTOGRAMS.has(base)
}

describe('grafana dashboard', () => {
  it('has a Prometheus datasource variable used by every panel', () => {
    const variable = DASHBOARD.templating.list.find((entry) => entry.type === 'datasource')
    expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' })
    for (const panel of DASHBOARD.panels) expect(panel.datasource.uid).toBe('${datasource}')
  })

  it('has the promised panels', () => {
    const titles = DASHBOARD.panels.map((panel) => panel.title).join(' | ')
    for (const word of [/rate by outcome/i, /TTFT p50 \/ p95 \/ p99/, /End-to-end p50/, /In flight/, /Spend/, /Abandonment/, /phase/i]) expect(titles).toMatch(word)
  })

  it('queries only metrics the sink exports, quantiles over histogram buckets', () => {
    const exprs = DASHBOARD.panels.flatMap((panel) => panel.targets.map((target) => target.expr))
    expect(exprs.length).toBeGreaterThan(10)
    for (const expr of exprs) {
      const names = expr.match(/gauntlet_[a-zA-Z0-9_:]+/g) ?? []
      expect(names.length, expr).toBeGreaterThan(0)
      for (const name of names) expect(exportedName(name), `${name} in ${expr}`).toBe(true)
      if (expr.includes('histogram_quantile')) expect(expr).toMatch(/_bucket\{.*\}\[\$__rate_interval\]\)\)\)$/)
    }
  })
})
