// Summary -> the data of every chart in the HTML report. Pure: the page's script only draws
// what this computes, so every plotted number is checked here, in TypeScript, by unit tests.
import type { LatencyStats, Summary, TimeBucket } from '../summary.js'
import { formatDuration } from './format.js'
import { COLORS, isCalmPhase, outcomeGroup, outcomeLabel, phaseColors } from './html-labels.js'

export interface ChartSeries {
  label: string
  color: string
  /** Plotted values, one per x; stacked charts hold running sums. */
  values: (number | null)[]
  /** The series' own values, shown in the legend when `values` are stacked sums. */
  raw?: (number | null)[]
  axis: 'left' | 'right'
  fill: boolean
  dash: boolean
  points: boolean
  /** Legend formatting: prefix, fraction digits, suffix. */
  prefix: string
  digits: number
  suffix: string
}

export interface Chart {
  id: string
  title: string
  caption: string
  /** `time`: x is time since the run's start in `ChartsData.timeUnit`; `percentile`: x is 1/(1 − q). */
  kind: 'time' | 'percentile'
  x: number[]
  xLabel: string
  /** Fixed x ticks with their labels (percentile charts). */
  xTicks?: { at: number; label: string }[]
  leftLabel: string
  rightLabel?: string
  /** Axes of counts get whole-number ticks only. */
  leftIntegers: boolean
  rightIntegers: boolean
  /** Per-bucket values hold for the whole bucket: drawn as steps. */
  stepped: boolean
  stacked: boolean
  series: ChartSeries[]
}

/** A fault phase's window on the time axis (in `timeUnit`). */
export interface PhaseBand {
  name: string
  from: number
  to: number
  color: string
  /** A phase without a fault (baseline, recovery): labelled but not tinted. */
  calm: boolean
}

export interface ChartsData {
  timeUnit: 'min' | 's'
  phases: PhaseBand[]
  charts: Chart[]
}

const MAX_ERROR_SERIES = 6

/**
 * Percentile positions on a log axis: q ↦ 1/(1 − q), so p50 = 2, p90 = 10, p99 = 100,
 * p99.9 = 1000. The minimum sits at 1 (q = 0); the maximum has no finite position, so it is
 * drawn one decade past p99.9 and labelled `max`.
 */
export const PERCENTILE_TICKS: readonly { key: keyof LatencyStats; at: number; label: string }[] = [
  { key: 'min', at: 1, label: 'min' },
  { key: 'p50', at: 2, label: 'p50' },
  { key: 'p90', at: 10, label: 'p90' },
  { key: 'p95', at: 20, label: 'p95' },
  { key: 'p99', at: 100, label: 'p99' },
  { key: 'p999', at: 1000, label: 'p99.9' },
  { key: 'max', at: 10_000, label: 'max' },
]

function series(partial: Partial<ChartSeries> & Pick<ChartSeries, 'label' | 'color' | 'values'>): ChartSeries {
  return { axis: 'left', fill: false, dash: false, points: false, prefix: '', digits: 0, suffix: '', ...partial }
}

/** Bucket values followed by the last one again, so the final step spans the last bucket. */
function stepValues(buckets: readonly TimeBucket[], pick: (bucket: TimeBucket) => number | null): (number | null)[] {
  const values = buckets.map(pick)
  values.push(values[values.length - 1] ?? null)
  return values
}

/** `10 s`, `5 min`, `1.5 s`: a bucket's length in words. */
export function bucketLength(bucketMs: number): string {
  if (bucketMs % 60_000 === 0) return `${bucketMs / 60_000} min`
  if (bucketMs % 1_000 === 0) return `${bucketMs / 1_000} s`
  return formatDuration(bucketMs)
}

function bucketPhrase(bucketMs: number): string {
  if (bucketMs === 1_000) return 'per second'
  if (bucketMs === 60_000) return 'per minute'
  return `per ${bucketLength(bucketMs)}`
}

/** Logical requests of a bucket that reached the endpoint (as `sent` in the summary). */
export function bucketSent(bucket: TimeBucket): number {
  return bucket.scheduled - bucket.dropped - bucket.lost_demand - (bucket.byOutcome['budget-stopped'] ?? 0)
}

function phaseBands(summary: Summary, unitMs: number): PhaseBand[] {
  const { bucketMs, buckets } = summary.timeseries
  const windows: { name: string; fromMs: number; toMs: number }[] = []
  const withWindow = new Set<string>()
  for (const [name, phase] of Object.entries(summary.phases)) {
    if (phase.toMs > phase.fromMs) {
      windows.push({ name, fromMs: phase.fromMs, toMs: phase.toMs })
      withWindow.add(name)
    }
  }
  // Phases without a timeline window: contiguous runs of buckets tagged with them.
  let run: { name: string; fromMs: number; toMs: number } | undefined
  for (const bucket of buckets) {
    const name = bucket.phase
    if (run !== undefined && run.name === name && run.toMs === bucket.t) {
      run.toMs = bucket.t + bucketMs
      continue
    }
    if (run !== undefined) windows.push(run)
    run = name === undefined || withWindow.has(name) ? undefined : { name, fromMs: bucket.t, toMs: bucket.t + bucketMs }
  }
  if (run !== undefined) windows.push(run)
  windows.sort((a, b) => a.fromMs - b.fromMs)
  const colors = phaseColors(windows.map((window) => window.name))
  return windows.map((window) => ({
    name: window.name,
    from: window.fromMs / unitMs,
    to: window.toMs / unitMs,
    color: colors.get(window.name) as string,
    calm: isCalmPhase(window.name),
  }))
}

function outcomeSeries(buckets: readonly TimeBucket[]): ChartSeries[] {
  const totals = new Map<string, number>()
  for (const bucket of buckets) {
    for (const [key, count] of Object.entries(bucket.byOutcome)) {
      if (outcomeGroup(key) === 'error') totals.set(key, (totals.get(key) ?? 0) + count)
    }
  }
  const errorKeys = [...totals].filter(([, total]) => total > 0).sort((a, b) => b[1] - a[1]).map(([key]) => key)
  const shown = errorKeys.length > MAX_ERROR_SERIES ? errorKeys.slice(0, MAX_ERROR_SERIES - 1) : errorKeys
  const rest = errorKeys.slice(shown.length)
  const layers: { label: string; color: string; pick: (bucket: TimeBucket) => number }[] = [
    { label: 'ok', color: COLORS.ok, pick: (bucket) => bucket.ok },
  ]
  shown.forEach((key, index) =>
    layers.push({ label: outcomeLabel(key), color: COLORS.errors[index % COLORS.errors.length] as string, pick: (bucket) => bucket.byOutcome[key] ?? 0 }),
  )
  if (rest.length > 0) {
    layers.push({
      label: 'other errors',
      color: COLORS.errors[COLORS.errors.length - 1] as string,
      pick: (bucket) => rest.reduce((sum, key) => sum + (bucket.byOutcome[key] ?? 0), 0),
    })
  }
  const otherCount = (bucket: TimeBucket): number =>
    Object.entries(bucket.byOutcome).reduce((sum, [key, count]) => sum + (outcomeGroup(key) === 'other' ? count : 0), 0)
  for (const layer of [
    { label: 'abandoned by user', color: COLORS.abandoned, pick: (bucket: TimeBucket) => bucket.abandoned },
    { label: 'dropped (too many in flight)', color: COLORS.dropped, pick: (bucket: TimeBucket) => bucket.dropped },
    { label: 'lost demand (user quit)', color: COLORS.lostDemand, pick: (bucket: TimeBucket) => bucket.lost_demand },
    { label: 'other (not sent, interrupted)', color: COLORS.other, pick: otherCount },
  ]) {
    if (buckets.some((bucket) => layer.pick(bucket) > 0)) layers.push(layer)
  }
  const running = new Array<number>(buckets.length + 1).fill(0)
  return layers.map((layer) => {
    const raw = stepValues(buckets, layer.pick) as number[]
    const values = raw.map((value, index) => (running[index] = (running[index] ?? 0) + value))
    return series({ label: layer.label, color: layer.color, values, raw, fill: true })
  })
}

function timeCharts(summary: Summary, unit: 'min' | 's', unitMs: number): Chart[] {
  const { bucketMs, buckets } = summary.timeseries
  const x = buckets.map((bucket) => bucket.t / unitMs)
  const last = buckets[buckets.length - 1]
  if (last !== undefined) x.push((last.t + bucketMs) / unitMs)
  const xLabel = `time since start (${unit})`
  const perBucket = bucketPhrase(bucketMs)
  const bucketS = bucketMs / 1000
  const common = { kind: 'time' as const, x, xLabel, stepped: true, stacked: false, leftIntegers: false, rightIntegers: false }
  const latency = (id: 'ttft' | 'e2e', title: string, caption: string): Chart => {
    const colors = id === 'ttft' ? COLORS.ttft : COLORS.e2e
    return {
      ...common,
      id,
      title,
      caption,
      leftLabel: 'milliseconds',
      series: (['p50', 'p95', 'p99'] as const).map((p, index) =>
        series({
          label: p,
          color: colors[index] as string,
          values: stepValues(buckets, (bucket) => bucket[`${id}_${p}` as const]),
          suffix: ' ms',
          dash: p === 'p50',
        }),
      ),
    }
  }
  let cumulative = 0
  const spendValues = [0, ...buckets.map((bucket) => (cumulative += bucket.spend_usd))]
  const spendCaption =
    summary.spend.usd === 'unknown'
      ? 'Money spent so far, by when requests were due. Spend is unknown for part of the run (a model without a price): the line counts priced requests only.'
      : 'Money spent so far, by when requests were due, including retried and abandoned attempts.'
  return [
    latency('ttft', 'Time to first token', `How long users waited for the first word of an answer, ${perBucket}: half of them waited less than p50, 1 in 100 longer than p99.`),
    latency('e2e', 'Time to full answer', `How long until the whole answer had arrived (end to end), ${perBucket}.`),
    {
      ...common,
      id: 'rate',
      title: 'Request rate and requests in flight',
      caption: `Requests per second that came due and that completed ok (each ${bucketLength(bucketMs)} bucket's count divided by its length); right axis: the most requests open at once.`,
      leftLabel: 'requests per second',
      rightLabel: 'in flight (max)',
      rightIntegers: true,
      series: [
        series({ label: 'due', color: COLORS.rate, values: stepValues(buckets, (bucket) => bucket.scheduled / bucketS), digits: 2, suffix: ' req/s' }),
        series({ label: 'completed ok', color: COLORS.okRate, values: stepValues(buckets, (bucket) => bucket.ok / bucketS), digits: 2, suffix: ' req/s' }),
        series({ label: 'in flight (max)', color: COLORS.inFlight, values: stepValues(buckets, (bucket) => bucket.in_flight_max), axis: 'right', dash: true }),
      ],
    },
    {
      ...common,
      id: 'outcomes',
      title: 'What happened to each request',
      caption: `Every request that came due, ${perBucket}, stacked by how it ended: ok at the bottom, then errors by kind, then requests users gave up on or that were never sent.`,
      leftLabel: `requests ${perBucket}`,
      stacked: true,
      leftIntegers: true,
      series: outcomeSeries(buckets),
    },
    {
      ...common,
      id: 'spend',
      title: 'Spend over time',
      caption: spendCaption,
      leftLabel: 'US dollars, cumulative',
      stepped: false,
      series: [series({ label: 'spend so far', color: COLORS.spend, values: spendValues.map((value) => Math.round(value * 1e6) / 1e6), prefix: '$', digits: cumulative >= 1 ? 2 : 4, fill: true })],
    },
    {
      ...common,
      id: 'users',
      title: 'Users giving up, and active users',
      caption: `Share of sent requests the simulated user abandoned because the answer was too slow, ${perBucket}; right axis: distinct users who sent a request.`,
      leftLabel: '% abandoned',
      rightLabel: 'active users',
      rightIntegers: true,
      series: [
        series({
          label: 'abandoned',
          color: COLORS.abandoned,
          values: stepValues(buckets, (bucket) => {
            const sent = bucketSent(bucket)
            return sent > 0 ? (bucket.abandoned / sent) * 100 : null
          }),
          digits: 1,
          suffix: ' %',
          fill: true,
        }),
        series({ label: 'active users', color: COLORS.users, values: stepValues(buckets, (bucket) => bucket.active_users), axis: 'right', dash: true }),
      ],
    },
  ]
}

function distributionChart(summary: Summary): Chart {
  const curve = (stats: LatencyStats): (number | null)[] => PERCENTILE_TICKS.map((tick) => stats[tick.key])
  return {
    id: 'distribution',
    kind: 'percentile',
    title: 'Latency distribution (percentiles from the summary, not raw samples)',
    caption:
      'Each point is a percentile the summary measured over the whole run: p95 = 95 % of requests were faster. The summary keeps percentiles, not raw samples, so lines only join the points; the maximum is drawn one step past p99.9.',
    x: PERCENTILE_TICKS.map((tick) => tick.at),
    xLabel: 'percentile (log scale)',
    xTicks: PERCENTILE_TICKS.map(({ at, label }) => ({ at, label })),
    leftLabel: 'milliseconds',
    leftIntegers: false,
    rightIntegers: false,
    stepped: false,
    stacked: false,
    series: [
      series({ label: 'time to first token', color: COLORS.ttft[1], values: curve(summary.latency.ttft_ms), points: true, suffix: ' ms' }),
      series({ label: 'time to full answer', color: COLORS.e2e[1], values: curve(summary.latency.e2e_ms), points: true, suffix: ' ms' }),
    ],
  }
}

export function buildCharts(summary: Summary): ChartsData {
  const { bucketMs, buckets } = summary.timeseries
  const spanMs = buckets.length * bucketMs
  const timeUnit = spanMs >= 5 * 60_000 ? 'min' : 's'
  const unitMs = timeUnit === 'min' ? 60_000 : 1_000
  const charts = buckets.length === 0 ? [] : timeCharts(summary, timeUnit, unitMs)
  if (summary.latency.ttft_ms.count > 0 || summary.latency.e2e_ms.count > 0) charts.push(distributionChart(summary))
  return { timeUnit, phases: phaseBands(summary, unitMs), charts }
}
