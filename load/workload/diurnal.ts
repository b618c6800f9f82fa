// Diurnal curves: 24 hourly weights over a local day, normalised to shares that sum to 1.

/**
 * A working day in an office company: quiet night, ramp from 07:00, a morning peak at 10:00,
 * a lunch dip at 12:00–13:00, an after-lunch peak at 14:00–15:00, a long evening tail.
 * Index = local hour (0 = 00:00–01:00). Relative weights; only their ratios matter.
 */
export const WORKDAY_CURVE: readonly number[] = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 2.5, 6.0, 9.5, 10.5, 9.0, 6.0, 7.0, 9.5, 9.0, 7.5, 5.0, 2.5, 1.5, 1.0, 0.7, 0.5, 0.3,
]

/** A non-working day: a few people check in late morning to evening, no lunch dip. */
export const WEEKEND_CURVE: readonly number[] = [
  0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.5, 2.5, 3.2, 3.5, 3.4, 3.2, 3.0, 2.8, 2.5, 2.2, 2.0, 1.8, 1.5, 1.2, 0.8, 0.5,
]

/** Returns the curve scaled to sum to 1, or a reason it is not a curve. */
export function normalizeCurve(weights: readonly number[]): number[] | string {
  if (weights.length !== 24) return `must have 24 hourly weights (got ${weights.length})`
  let total = 0
  for (const [hour, weight] of weights.entries()) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) return `hour ${hour} must be a non-negative number (got ${JSON.stringify(weight)})`
    total += weight
  }
  if (total <= 0) return 'must have at least one positive weight'
  return weights.map((weight) => weight / total)
}
