// The workforce: employees split across time zones, who adopted the tool, and who they are.
import type { Random } from '../../core/random.js'

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

export interface TimeZoneShare {
  /** Offset from UTC in hours, e.g. -5, 1, 5.5. */
  utcOffsetHours: number
  /** Share of employees working in this zone (shares are normalised). */
  share: number
}

export interface PopulationParameters {
  employees: number
  timeZones: TimeZoneShare[]
  /** Share of employees who use the tool at all (0–1]. */
  adoption: number
  /** Requests per active employee on a local working day. */
  queriesPerDay: number
  /** Local working days. */
  workingDays: Weekday[]
  /** 24 hourly weights of a local working day. */
  workdayCurve: number[]
  /** 24 hourly weights of a local non-working day. */
  weekendCurve: number[]
  /** Requests on a non-working day relative to a working day (e.g. 0.05). */
  weekendActivity: number
  /**
   * Spread of activity between users (coefficient of variation of a gamma weight; 0 = all
   * users equally active). Heavy users send more; the mean stays `queriesPerDay`.
   */
  userActivityCv: number
}

/** The active users of one time zone: ids `firstUser` .. `firstUser + activeUsers - 1`. */
export interface ZoneGroup {
  label: string
  utcOffsetHours: number
  share: number
  employees: number
  activeUsers: number
  firstUser: number
}

export function zoneLabel(utcOffsetHours: number): string {
  const sign = utcOffsetHours < 0 ? '-' : '+'
  const minutes = Math.round(Math.abs(utcOffsetHours) * 60)
  return `UTC${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

/** `u00042`: zero-padded to 5 digits, longer when needed. */
export function userId(index: number): string {
  return `u${String(index).padStart(5, '0')}`
}

/** Splits `total` into integers proportional to `weights` (largest remainder; ties to the first). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((weight) => (sum > 0 ? (total * weight) / sum : 0))
  const counts = exact.map((value) => Math.floor(value))
  let left = total - counts.reduce((a, b) => a + b, 0)
  const order = exact.map((value, i) => ({ i, rest: value - Math.floor(value) })).sort((x, y) => y.rest - x.rest || x.i - y.i)
  for (const { i } of order) {
    if (left <= 0) break
    counts[i] = (counts[i] as number) + 1
    left--
  }
  return counts
}

export function zoneGroups(population: PopulationParameters): ZoneGroup[] {
  const shares = population.timeZones.map((zone) => zone.share)
  const employees = apportion(population.employees, shares)
  const shareSum = shares.reduce((a, b) => a + b, 0)
  let nextUser = 0
  return population.timeZones.map((zone, i) => {
    const zoneEmployees = employees[i] as number
    const activeUsers = Math.round(zoneEmployees * population.adoption)
    const group: ZoneGroup = {
      label: zoneLabel(zone.utcOffsetHours),
      utcOffsetHours: zone.utcOffsetHours,
      share: zone.share / shareSum,
      employees: zoneEmployees,
      activeUsers,
      firstUser: nextUser,
    }
    nextUser += activeUsers
    return group
  })
}

/**
 * Picks a user of one zone, weighted by per-user activity. Cumulative weights + binary search:
 * O(log users) per pick, O(users) memory.
 */
export interface UserPicker {
  pick(random: Random): number
}

export function createUserPicker(group: ZoneGroup, activityCv: number, random: Random): UserPicker {
  const n = group.activeUsers
  if (activityCv <= 0 || n <= 1) return { pick: (r) => group.firstUser + r.int(n) }
  const shape = 1 / (activityCv * activityCv)
  const cumulative = new Float64Array(n)
  let total = 0
  for (let i = 0; i < n; i++) {
    total += random.gamma(shape, 1 / shape)
    cumulative[i] = total
  }
  return {
    pick(r) {
      const target = r.next() * total
      let lo = 0
      let hi = n - 1
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if ((cumulative[mid] as number) > target) hi = mid
        else lo = mid + 1
      }
      return group.firstUser + lo
    },
  }
}
