// The spend rows: per 1k requests, per 1k completed answers, and projected per month.
import type { Random } from '../../core/random.js'
import { bootstrapMeanDifference, bootstrapRatioDifference, mean, ratioOfSums, type DifferenceEstimate, type RatioValues } from '../bootstrap.js'
import type { TargetData } from './collector.js'
import type { RowContext } from './decide.js'
import { formatWhole } from './format.js'
import type { CompareRow, WorkforceAssumption } from './types.js'

export function spendRows(ctx: RowContext, workforce: WorkforceAssumption, requestsPerMonth: number): CompareRow[] {
  const { data } = ctx
  const excluded = new Map<number, string>()
  data.forEach((d, index) => {
    if (d.spendUnknown) excluded.set(index, 'spend unknown (model not priced)')
  })
  const perRequest = data.map((d, index) => (excluded.has(index) || d.requestSpendUsd.length === 0 ? null : mean(d.requestSpendUsd)))
  const requests = data.map((d) => d.requestSpendUsd.length)
  // Both rows built on spend per request share one random stream, so they always agree.
  const meanSpend = (best: number, other: number, resamples: number, random: Random): DifferenceEstimate =>
    bootstrapMeanDifference((data[best] as TargetData).requestSpendUsd, (data[other] as TargetData).requestSpendUsd, ctx.bootstrap(resamples, random))
  const perAnswer = data.map((d, index) => {
    if (excluded.has(index) || d.requestSpendUsd.length === 0) return null
    const ratio = ratioOfSums({ numerators: d.requestSpendUsd, denominators: d.requestCompleted })
    return Number.isFinite(ratio) ? ratio * 1000 : null
  })
  const answered = (d: TargetData): RatioValues => ({ numerators: d.requestSpendUsd, denominators: d.requestCompleted })
  return [
    ctx.decide({
      id: 'spend_per_1k_requests_usd',
      section: 'spend',
      label: 'spend per 1k requests',
      definition: 'USD per 1,000 requests that reached the endpoint, every attempt included (retries, abandoned streams).',
      unit: 'usd',
      better: 'lower',
      values: perRequest.map((value) => (value === null ? null : value * 1000)),
      counts: requests,
      excluded,
      sizes: requests,
      difference: meanSpend,
      scale: 1000,
      streamId: 'spend.per_request',
    }),
    ctx.decide({
      id: 'spend_per_1k_answers_usd',
      section: 'spend',
      label: 'spend per 1k completed answers',
      definition: 'USD per 1,000 requests answered in full; what failed and abandoned attempts cost is carried by the answers.',
      unit: 'usd',
      better: 'lower',
      values: perAnswer,
      counts: data.map((d) => d.requestCompleted.reduce((sum, value) => sum + value, 0)),
      excluded,
      sizes: requests,
      difference: (best, other, resamples, random) =>
        bootstrapRatioDifference(answered(data[best] as TargetData), answered(data[other] as TargetData), ctx.bootstrap(resamples, random)),
      scale: 1000,
    }),
    ctx.decide({
      id: 'spend_per_month_usd',
      section: 'spend',
      label: 'projected spend per month',
      definition: `Spend per request × ${formatWhole(requestsPerMonth)} requests a month (${formatWhole(workforce.employees)} employees × ${Math.round(workforce.adoption * 100)} % adoption × ${workforce.queriesPerDay} queries a day × ${workforce.workingDaysPerMonth} working days).`,
      unit: 'usd',
      better: 'lower',
      values: perRequest.map((value) => (value === null ? null : value * requestsPerMonth)),
      counts: requests,
      excluded,
      sizes: requests,
      difference: meanSpend,
      scale: requestsPerMonth,
      streamId: 'spend.per_request',
    }),
  ]
}
