// The drill report as one HTML page: verdict, what broke, then charts of every time bucket
// against the baseline band and the SLOs (fault phases shaded), and the detail tables.
import { mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { join } from 'node:path'
import { formatPercent, formatDuration } from '../../core/format.js'
import {
  describeCheck,
  DRIFT_LABELS,
  formatDriftChange,
  formatDriftThreshold,
  formatDriftValue,
  rateLimitFor,
  type DrillBucket,
  type DrillDocument,
} from '../drill/index.js'
import type { Summary } from '../summary.js'
import { buildCharts, type Chart, type ChartsData } from './html-charts.js'
import { REPORT_SCRIPT } from './html-client.js'
import { escapeHtml } from './html-escape.js'
import { COLORS } from './html-labels.js'
import { formatUsd } from './format.js'
import { chartFigure, chartSeries, htmlTable, renderPage } from './drill-page.js'
import { incidentDetectText, incidentRecoverText } from './drill-terminal.js'

const BAND_COLOR = '#2a9d8f'
const SLO_COLOR = '#b3261e'

function stepValues(buckets: readonly DrillBucket[], pick: (bucket: DrillBucket) => number | null): (number | null)[] {
  const values = buckets.map(pick)
  values.push(values[values.length - 1] ?? null)
  return values
}

function constant(buckets: readonly DrillBucket[], value: number): number[] {
  return new Array<number>(buckets.length + 1).fill(value)
}

/** The drill's charts: per-bucket p95 latency and failure rates against the band and the SLOs. */
export function buildDrillCharts(document: DrillDocument, summary: Summary): ChartsData {
  const base = buildCharts(summary)
  const { bucketMs, buckets } = document
  if (buckets.length === 0) return { ...base, charts: [] }
  const unitMs = base.timeUnit === 'min' ? 60_000 : 1_000
  const x = buckets.map((bucket) => bucket.t / unitMs)
  x.push((buckets.length * bucketMs) / unitMs)
  const common = { kind: 'time' as const, x, xLabel: `run time (${base.timeUnit})`, stepped: true, stacked: false, leftIntegers: false, rightIntegers: false }
  const band = document.band
  const slo = document.limits.slo
  const latency = (id: 'ttft' | 'e2e', title: string, caption: string): Chart => {
    const series = [
      chartSeries({ label: 'p95 per bucket', color: (id === 'ttft' ? COLORS.ttft : COLORS.e2e)[1], values: stepValues(buckets, (bucket) => bucket[`${id}_p95`]), suffix: ' ms' }),
    ]
    const bandLimit = id === 'ttft' ? band?.ttftP95LimitMs : band?.e2eP95LimitMs
    if (bandLimit !== null && bandLimit !== undefined) series.push(chartSeries({ label: 'baseline band', color: BAND_COLOR, values: constant(buckets, bandLimit), dash: true, suffix: ' ms' }))
    const sloLimit = id === 'ttft' ? slo.ttft_ms : slo.e2e_ms
    if (sloLimit !== undefined) series.push(chartSeries({ label: 'SLO', color: SLO_COLOR, values: constant(buckets, sloLimit), dash: true, suffix: ' ms' }))
    return { ...common, id: `drill-${id}`, title, caption, leftLabel: 'milliseconds', series }
  }
  const rate = (pick: (bucket: DrillBucket) => number, bucket: DrillBucket): number | null => (bucket.sent === 0 ? null : (pick(bucket) / bucket.sent) * 100)
  const failures: Chart = {
    ...common,
    id: 'drill-failures',
    title: 'Errors and abandonment',
    caption: 'Share of the requests sent in each bucket that failed (endpoint errors) or that the user gave up on, against the band (wider for buckets with few requests) and the per-phase error limit.',
    leftLabel: '% of requests sent',
    series: [
      chartSeries({ label: 'errors', color: COLORS.errors[0], values: stepValues(buckets, (bucket) => rate((b) => b.errors, bucket)), digits: 1, suffix: ' %', fill: true }),
      chartSeries({ label: 'abandoned', color: COLORS.abandoned, values: stepValues(buckets, (bucket) => rate((b) => b.abandoned, bucket)), digits: 1, suffix: ' %' }),
      ...(band === null
        ? []
        : [
            chartSeries({
              label: 'band (errors)',
              color: BAND_COLOR,
              values: stepValues(buckets, (bucket) => (bucket.sent < band.options.minRequests ? null : rateLimitFor(band.errorRate, bucket.sent, band.options) * 100)),
              dash: true,
              digits: 1,
              suffix: ' %',
            }),
          ]),
      chartSeries({ label: 'limit (errors)', color: SLO_COLOR, values: constant(buckets, document.limits.maxErrorRate * 100), dash: true, digits: 1, suffix: ' %' }),
    ],
  }
  const outcomes = base.charts.filter((chart) => chart.id === 'outcomes')
  return {
    timeUnit: base.timeUnit,
    phases: base.phases,
    charts: [
      latency('ttft', 'Time to first token (p95) against the band', 'The slowest 5 % of first tokens in each bucket. Above the teal line the bucket is outside the baseline band; above the red line it breaks the SLO.'),
      latency('e2e', 'Time to full answer (p95) against the band', 'The slowest 5 % of full answers in each bucket, against the baseline band and the SLO.'),
      failures,
      ...outcomes,
    ],
  }
}

function verdictClass(status: string): string {
  return status === 'PASS' ? 'verdict-pass' : status === 'FAIL' ? 'verdict-fail' : 'verdict-degraded'
}

export function renderDrillHtml(document: DrillDocument, summary: Summary): string {
  const charts = buildDrillCharts(document, summary)
  const { run, timeScale } = document
  const headline = document.verdict.sentence.split(' — ')[0] ?? document.verdict.status
  const rest = document.verdict.sentence.slice(headline.length).replace(/^ — /, '')
  const parts: string[] = []
  parts.push(
    `<section class="verdict ${verdictClass(document.verdict.status)}" id="verdict"><p class="verdict-headline">${escapeHtml(headline)}</p><p class="verdict-detail">${escapeHtml(rest)}</p>` +
      (document.broke.length === 0 ? '' : `<ul class="broke">${document.broke.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`) +
      '</section>',
  )
  const figures = charts.charts.map((chart) => chartFigure(chart.id, chart.title, chart.caption)).join('\n')
  parts.push(`<section class="charts" id="charts"><h2>The drill, bucket by bucket</h2><p class="intro">${escapeHtml(`Buckets of ${formatDuration(document.bucketMs)} of run time, by when requests were due; fault phases shaded.${timeScale === 1 ? '' : ` The ${formatDuration(run.timeline.durationMs)} drill was compressed ×${timeScale}.`}${run.timeline.tailMs > 0 ? ' The steady tail at the end has no faults: it shows the recovery.' : ''}`)}</p>${figures}</section>`)

  const band = document.band
  if (band !== null) {
    const rows = document.incidents.map((incident) => ({
      cells: [escapeHtml(incident.phase), escapeHtml(incidentDetectText(incident, timeScale)), escapeHtml(incident.detectReasons.join(', ') || '–'), escapeHtml(incidentRecoverText(incident, timeScale))],
      className: incident.recovery === 'not-recovered' ? 'fail' : incident.recovery === 'recovered' ? 'pass' : 'none',
    }))
    const limits = [
      band.ttftP95LimitMs === null ? null : `TTFT p95 ≤ ${formatDuration(band.ttftP95LimitMs)}`,
      band.e2eP95LimitMs === null ? null : `e2e p95 ≤ ${formatDuration(band.e2eP95LimitMs)}`,
      `errors ≤ ${formatPercent(band.errorRateLimit)}`,
      `abandoned ≤ ${formatPercent(band.abandonRateLimit)} (more for buckets with few requests)`,
    ].filter((part): part is string => part !== null)
    parts.push(
      `<section id="incidents"><h2>Time to detect and to recover</h2><p class="intro">${escapeHtml(
        `A bucket is inside the baseline band when ${limits.join(', ')} (${band.options.latencyFactor}× the '${band.baselinePhase}' phase's p95 latencies, its rates + ${(band.options.rateMargin * 100).toFixed(0)} pp, or + ${band.options.noiseSigmas} standard errors for a bucket's size when larger; buckets with fewer than ${band.options.minRequests} requests are not judged). Detected by: from the fault's start to the end of the first bucket outside the band, when a monitor with buckets this wide could first have raised an alert. Recovered: the first of ${band.options.recoverBuckets} judged buckets in a row inside it after the fault ended. ${band.noise.outside} of ${band.noise.judged} baseline buckets fell outside the band by chance.`,
      )}</p>${htmlTable('incidents-table', 'Per fault phase', ['fault', 'detected by (after the fault began)', 'first bucket outside the band', 'back inside the band after it ended'], rows)}</section>`,
    )
  }

  const phaseRows = document.phases.map((phase) => ({
    cells: [
      escapeHtml(phase.name) + (phase.description === undefined ? '' : `<br><span class="detail">${escapeHtml(phase.description)}</span>`),
      String(phase.requests),
      phase.ttftP95Ms === null ? '–' : formatDuration(phase.ttftP95Ms),
      phase.e2eP95Ms === null ? '–' : formatDuration(phase.e2eP95Ms),
      phase.noData ? '–' : formatPercent(phase.errorRate),
      phase.noData ? '–' : formatPercent(phase.abandonRate),
      phase.noData ? '–' : `×${phase.retryAmplification.toFixed(2)}`,
      escapeHtml(formatUsd(phase.spendUsd)),
      escapeHtml(formatUsd(phase.wastedUsd)),
      phase.noData ? 'no data' : phase.pass ? 'pass' : `FAIL<br><span class="detail">${escapeHtml(phase.checks.filter((c) => !c.pass).map(describeCheck).join('; '))}</span>`,
    ],
    className: phase.pass ? 'pass' : 'fail',
  }))
  const slo = document.limits.slo
  const sloText = [
    slo.ttft_ms === undefined ? null : `TTFT p95 ≤ ${formatDuration(slo.ttft_ms)}`,
    slo.e2e_ms === undefined ? null : `e2e p95 ≤ ${formatDuration(slo.e2e_ms)}`,
    `errors ≤ ${formatPercent(document.limits.maxErrorRate)}`,
    `abandoned ≤ ${formatPercent(document.limits.maxAbandonRate)}`,
  ].filter((part): part is string => part !== null)
  parts.push(
    `<section id="phases"><h2>Phase by phase</h2><p class="intro">${escapeHtml(
      `Every phase is judged against the same SLOs: ${sloText.join(', ')}. Retries: attempts per request sent. Wasted: ${document.wastedBasis === 'failed-attempts' ? 'spend on attempts that delivered no answer (errors mid-stream, retried and abandoned attempts)' : 'spend on answers users abandoned'}.`,
    )}</p>${htmlTable('phases-table', 'Per-phase SLO verdicts', ['phase', 'requests', 'TTFT p95', 'e2e p95', 'errors', 'abandoned', 'retries', 'spend', 'wasted', 'verdict'], phaseRows, [false, true, true, true, true, true, true, true, true, false])}</section>`,
  )

  const drift = document.drift
  if (drift !== null) {
    const rows = drift.rows.map((row) => ({
      cells: [
        escapeHtml(DRIFT_LABELS[row.metric]),
        escapeHtml(formatDriftValue(row.metric, row.before)),
        escapeHtml(formatDriftValue(row.metric, row.now)),
        escapeHtml(formatDriftChange(row)),
        escapeHtml(formatDriftThreshold(row)),
        row.status === 'drift' ? 'DRIFT' : row.status === 'insufficient' ? 'too few requests' : 'ok',
      ],
      className: row.status === 'drift' ? 'fail' : 'pass',
    }))
    parts.push(
      `<section id="drift"><h2>Drift since the last drill</h2><p class="intro">${escapeHtml(`Against ${drift.runId} (${drift.source}); compared: ${drift.scope}.`)}</p>${htmlTable('drift-table', 'Drift', ['figure', 'before', 'now', 'change', 'limit', 'status'], rows, [false, true, true, true, true, false])}</section>`,
    )
  }
  if (document.notes.length > 0) parts.push(`<section id="notes"><h2>Notes</h2><ul>${document.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul></section>`)
  parts.push(
    `<section id="run"><h2>Run details</h2><p class="intro">${escapeHtml(
      `Preset ${run.preset} from hour ${run.startHour}, ${run.simulatedEmployees.toLocaleString('en-US')} simulated employees${run.simulatedEmployees === run.employees ? '' : ` (1/${timeScale} of ${run.employees.toLocaleString('en-US')}, keeping their real request rate)`}, ≈ ${run.expectedRatePerSecond} requests/s; timeline ${run.timeline.source}; retries ${run.retries}. `,
    )}<a href="report.html">The full run report</a> has every other chart.</p></section>`,
  )
  return renderPage({
    title: `Maintenance drill — ${run.target.label}`,
    subtitle: `${run.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')} · ${run.timeline.phases.length} phases · ${formatDuration(run.durationMs)} of run time${run.partial ? ' · interrupted' : ''}`,
    verdict: document.verdict.status,
    body: parts.join('\n'),
    charts,
    script: REPORT_SCRIPT,
  })
}

/** Writes `outDir/drill.html` and returns its path. */
export async function writeDrillHtml(document: DrillDocument, summary: Summary, outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true })
  const path = join(outDir, 'drill.html')
  await writeFileAtomic(path, renderDrillHtml(document, summary))
  return path
}
