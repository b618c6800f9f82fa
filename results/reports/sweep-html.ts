// The capacity sweep as one HTML page: latency p50/p95 and served throughput against the
// offered load (uPlot, log-2 load axis), the knee and the highest load meeting the SLOs marked.
import { mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { join } from 'node:path'
import { formatLoad, type SweepDocument } from '../sweep.js'
import { escapeHtml } from './html-escape.js'
import { COLORS } from './html-labels.js'
import { formatMsValue, formatNumber, formatPercent } from './format.js'
import { chartFigure, htmlTable, renderPage } from './drill-page.js'
import { sloText, stepVerdictText, sweepLoadUnit } from './sweep-terminal.js'

export interface SweepSeries {
  label: string
  color: string
  values: (number | null)[]
  axis: 'left' | 'right'
  dash: boolean
  digits: number
  suffix: string
}

export interface SweepChart {
  id: string
  title: string
  caption: string
  leftLabel: string
  rightLabel?: string
  series: SweepSeries[]
}

export interface SweepChartsData {
  unit: string
  xLabel: string
  x: number[]
  markers: { at: number; label: string; color: string }[]
  charts: SweepChart[]
}

function line(partial: Partial<SweepSeries> & Pick<SweepSeries, 'label' | 'color' | 'values'>): SweepSeries {
  return { axis: 'left', dash: false, digits: 0, suffix: '', ...partial }
}

/** Chart data: every plotted number is computed here (and unit-tested), the page only draws it. */
export function buildSweepCharts(document: SweepDocument): SweepChartsData {
  const steps = [...document.steps].sort((a, b) => a.load - b.load)
  const unit = sweepLoadUnit(document)
  const x = steps.map((step) => step.load)
  const ttft: SweepChart = {
    id: 'sweep-ttft',
    title: 'Time to first token against load',
    caption: 'p50 and p95 time to the first token at each step, measured from the scheduled send: where queueing shows first. Dashed red: the SLO.',
    leftLabel: 'milliseconds',
    series: [
      line({ label: 'TTFT p50', color: COLORS.ttft[0], values: steps.map((s) => s.ttftMs.p50), suffix: ' ms' }),
      line({ label: 'TTFT p95', color: COLORS.ttft[2], values: steps.map((s) => s.ttftMs.p95), suffix: ' ms' }),
    ],
  }
  if (document.slo.ttft_ms !== undefined) ttft.series.push(line({ label: 'TTFT SLO', color: '#b3261e', values: steps.map(() => document.slo.ttft_ms as number), dash: true, suffix: ' ms' }))
  const e2e: SweepChart = {
    id: 'sweep-e2e',
    title: 'Time to full answer against load',
    caption: 'p50 and p95 time to the whole answer at each step. It grows with the answers’ length as well as with the load.',
    leftLabel: 'milliseconds',
    series: [
      line({ label: 'e2e p50', color: COLORS.e2e[0], values: steps.map((s) => s.e2eMs.p50), suffix: ' ms' }),
      line({ label: 'e2e p95', color: COLORS.e2e[2], values: steps.map((s) => s.e2eMs.p95), suffix: ' ms' }),
    ],
  }
  if (document.slo.e2e_ms !== undefined) e2e.series.push(line({ label: 'e2e SLO', color: '#8c2f39', values: steps.map(() => document.slo.e2e_ms as number), dash: true, suffix: ' ms' }))
  const throughput: SweepChart = {
    id: 'sweep-throughput',
    title: 'Served throughput and goodput against load',
    caption:
      document.mode === 'rate'
        ? 'Completed-ok requests per second the endpoint served at each step (between the first and last of their first tokens), beside the rate offered (dashed): where the lines part, the endpoint stopped keeping up. Right axis: share of requests within every SLO.'
        : 'Completed-ok requests per second served at each number of concurrent users. Right axis: share of requests within every SLO.',
    leftLabel: 'requests per second',
    rightLabel: '% within SLO',
    series: [line({ label: 'served', color: COLORS.okRate, values: steps.map((s) => s.throughputPerSecond), digits: 2, suffix: ' req/s' })],
  }
  if (document.mode === 'rate') throughput.series.push(line({ label: 'offered', color: COLORS.rate, values: steps.map((s) => s.load), dash: true, digits: 2, suffix: ' req/s' }))
  throughput.series.push(line({ label: 'goodput share', color: COLORS.abandoned, values: steps.map((s) => Math.round(s.goodputShare * 1000) / 10), axis: 'right', digits: 1, suffix: ' %' }))
  const markers: SweepChartsData['markers'] = []
  if (document.analysis.maxLoadMeetingSlo !== null) markers.push({ at: document.analysis.maxLoadMeetingSlo, label: `meets SLOs up to ${formatLoad(document.analysis.maxLoadMeetingSlo)}`, color: '#1f7a44' })
  if (document.analysis.knee !== null) markers.push({ at: document.analysis.knee.load, label: `knee ${formatLoad(document.analysis.knee.load)}`, color: '#b3261e' })
  return { unit, xLabel: document.mode === 'rate' ? 'offered load (requests per second, log scale)' : 'concurrent users (log scale)', x, markers, charts: [ttft, e2e, throughput] }
}

/** Draws the sweep charts with uPlot: x is the load on a log-2 axis, each step a point. */
export const SWEEP_SCRIPT = String.raw`
(function () {
  'use strict';
  var source = document.getElementById('gauntlet-charts');
  if (!source || typeof uPlot === 'undefined') return;
  var spec = JSON.parse(source.textContent);
  var HEIGHT = 320;
  var plots = [];
  function format(v, digits, suffix) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) + suffix;
  }
  function markerPlugin() {
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx; var px = uPlot.pxRatio || 1;
      ctx.save();
      ctx.font = Math.round(11 * px) + 'px system-ui, sans-serif';
      spec.markers.forEach(function (m, i) {
        var x = u.valToPos(m.at, 'x', true);
        ctx.strokeStyle = m.color; ctx.lineWidth = 2 * px; ctx.setLineDash([5 * px, 4 * px]);
        ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
        ctx.fillStyle = m.color; ctx.textAlign = 'left';
        ctx.fillText(m.label, x + 4 * px, u.bbox.top + (12 + 14 * i) * px);
      });
      ctx.restore();
    }] } };
  }
  function loadText(v) { return v === null || v === undefined ? '' : v.toLocaleString('en-US', { maximumFractionDigits: 3 }) + ' ' + spec.unit; }
  spec.charts.forEach(function (chart) {
    var el = document.getElementById('chart-' + chart.id);
    if (!el) return;
    el.textContent = '';
    var hasRight = false;
    var series = [{ label: 'load', value: function (u, v, si, di) { return di === null || di === undefined ? '' : loadText(v); } }];
    chart.series.forEach(function (s) {
      if (s.axis === 'right') hasRight = true;
      series.push({
        label: s.label, stroke: s.color, width: 2, scale: s.axis === 'right' ? 'y2' : 'y', spanGaps: false,
        dash: s.dash ? [6, 4] : undefined,
        points: { show: !s.dash, size: 8, fill: s.color, stroke: s.color },
        value: function (u, v, si, di) { return di === null || di === undefined ? '' : format(v, s.digits, s.suffix); }
      });
    });
    var grid = { stroke: '#e9edf0', width: 1 };
    var axes = [
      { label: spec.xLabel, stroke: '#3a434b', grid: grid, splits: function () { return spec.x; }, filter: function (u, splits) { return splits; },
        values: function (u, splits) { return splits.map(function (v) { return v.toLocaleString('en-US', { maximumFractionDigits: 3 }); }); } },
      { label: chart.leftLabel, stroke: '#3a434b', grid: grid, size: 70 }
    ];
    var scales = { x: { time: false, distr: 3, log: 2, range: function (u, min, max) { return [min / 1.25, max * 1.25]; } }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } };
    if (hasRight) {
      scales.y2 = { range: [0, 105] };
      axes.push({ scale: 'y2', side: 1, label: chart.rightLabel, stroke: '#3a434b', grid: { show: false }, size: 60 });
    }
    var width = Math.max(320, el.clientWidth || 900);
    var plot = new uPlot({ width: width, height: HEIGHT, series: series, axes: axes, scales: scales, legend: { live: true }, plugins: [markerPlugin()] },
      [spec.x].concat(chart.series.map(function (s) { return s.values; })), el);
    plots.push({ plot: plot, el: el });
  });
  window.addEventListener('resize', function () {
    plots.forEach(function (p) { p.plot.setSize({ width: Math.max(320, p.el.clientWidth || 900), height: HEIGHT }); });
  });
  document.documentElement.setAttribute('data-charts', String(plots.length));
})();
`

export function renderSweepHtml(document: SweepDocument): string {
  const charts = buildSweepCharts(document)
  const unit = sweepLoadUnit(document)
  const analysis = document.analysis
  const status = analysis.maxLoadMeetingSlo === null ? 'FAIL' : 'PASS'
  const parts: string[] = []
  const details = [
    analysis.knee === null ? null : `Knee ${analysis.knee.reason}.`,
    document.stoppedEarly === null ? null : `Stopped early: ${document.stoppedEarly}.`,
  ].filter((part): part is string => part !== null)
  parts.push(
    `<section class="verdict ${status === 'PASS' ? 'verdict-pass' : 'verdict-fail'}" id="verdict"><p class="verdict-headline">${escapeHtml(analysis.headline)}</p>` +
      (details.length === 0 ? '' : `<p class="verdict-detail">${escapeHtml(details.join(' '))}</p>`) +
      '</section>',
  )
  parts.push(`<section class="charts" id="charts"><h2>Latency and throughput against load</h2>${charts.charts.map((chart) => chartFigure(chart.id, chart.title, chart.caption)).join('\n')}</section>`)
  const verdicts = new Map(analysis.steps.map((verdict) => [verdict.index, verdict]))
  const rows = document.steps.map((step) => {
    const verdict = verdicts.get(step.index)
    return {
      cells: [
        escapeHtml(`${formatLoad(step.load)} ${unit}`),
        formatNumber(step.sent),
        formatMsValue(step.ttftMs.p50),
        formatMsValue(step.ttftMs.p95),
        formatMsValue(step.e2eMs.p50),
        formatMsValue(step.e2eMs.p95),
        step.throughputPerSecond === null ? '–' : formatNumber(step.throughputPerSecond, 2),
        formatPercent(step.goodputShare),
        formatPercent(step.errorRate),
        formatPercent(step.abandonRate),
        escapeHtml(stepVerdictText(verdict)),
      ],
      className: verdict?.meetsSlo === true ? 'pass' : 'fail',
    }
  })
  parts.push(
    `<section id="steps"><h2>Step by step</h2><p class="intro">${escapeHtml(
      `SLOs: ${sloText(document)}. Served/s: completed-ok requests per second between the first and the last of their first tokens (the rate answers got going; the same as completions once steady, without the spread of answer lengths). Knee: the last step before p95 TTFT grew more than ${document.criteria.latencyGrowthPerDoubling}× per doubling of load, or throughput rose by less than ${formatPercent(document.criteria.minThroughputGain, 0)} of the added load.`,
    )}</p>${htmlTable(
      'steps-table',
      `${document.target.label} with ${document.traffic}`,
      ['load', 'sent', 'TTFT p50 (ms)', 'TTFT p95 (ms)', 'e2e p50 (ms)', 'e2e p95 (ms)', 'served/s', 'goodput', 'errors', 'abandoned', 'verdict'],
      rows,
      [false, true, true, true, true, true, true, true, true, true, false],
    )}</section>`,
  )
  return renderPage({
    title: `Capacity sweep — ${document.target.label}`,
    subtitle: `${document.createdAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')} · ${document.steps.length} of ${document.plannedLoads.length} steps run · ${document.mode === 'rate' ? `${formatNumber((document.stepDurationMs ?? 0) / 1000)} s per step` : 'closed model'}`,
    verdict: status,
    body: parts.join('\n'),
    charts,
    script: SWEEP_SCRIPT,
  })
}

/** Writes `outDir/sweep.html` and returns its path. */
export async function writeSweepHtml(document: SweepDocument, outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true })
  const path = join(outDir, 'sweep.html')
  await writeFileAtomic(path, renderSweepHtml(document))
  return path
}
