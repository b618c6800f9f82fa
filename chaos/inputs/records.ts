// Small synthetic enterprise records (orders, events) for the mutators that attach a messy
// document: plausible values, no real people, and deterministic for a random stream.
import type { Random } from '../../core/random.js'

export const ORDER_COLUMNS = ['order_id', 'customer', 'city', 'amount', 'currency', 'order_date', 'status'] as const

export type OrderRecord = Record<(typeof ORDER_COLUMNS)[number], string>

const CUSTOMERS = [
  'Northwind Traders',
  'Contoso Ltd',
  'Fabrikam Inc',
  'Harbor Freight Logistics',
  'Bluebird Dental Group',
  'Meridian Insurance',
  'Alder & Finch LLP',
  'Vantage Facilities',
  'Copperline Utilities',
  'Riverside Clinic',
  'Summit Office Supply',
  'Keystone Builders',
] as const

const CITIES = ['Rotterdam', 'Leeds', 'Lyon', 'Chicago', 'Porto', 'Graz', 'Austin', 'Gdansk', 'Dublin', 'Osaka'] as const
const CURRENCIES = ['EUR', 'GBP', 'USD', 'CHF'] as const
const STATUSES = ['open', 'invoiced', 'paid', 'overdue', 'cancelled', 'on hold'] as const

export const EVENTS = [
  'pallet received at dock 4',
  'server room door alarm',
  'invoice approved by finance',
  'shipment left warehouse',
  'badge reader offline',
  'customer called about refund',
  'generator test started',
  'payroll batch submitted',
] as const

export const EVENT_SOURCES = ['ticketing', 'email', 'badge-system', 'ERP', 'WMS', 'call-log', 'spreadsheet'] as const

/** A UTC date (midnight) within 2023-2025. */
export function randomDate(random: Random): Date {
  const start = Date.UTC(2023, 0, 1)
  const days = random.int(3 * 365)
  return new Date(start + days * 86_400_000)
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function randomOrder(random: Random, date: Date = randomDate(random)): OrderRecord {
  const cents = 1000 + random.int(2_500_000)
  return {
    order_id: `PO-${String(100000 + random.int(900000))}`,
    customer: random.pick(CUSTOMERS),
    city: random.pick(CITIES),
    amount: (cents / 100).toFixed(2),
    currency: random.pick(CURRENCIES),
    order_date: isoDate(date),
    status: random.pick(STATUSES),
  }
}

export function randomOrders(random: Random, count: number): OrderRecord[] {
  const out: OrderRecord[] = []
  for (let i = 0; i < count; i++) out.push(randomOrder(random))
  return out
}

/** One CSV field, quoted per RFC 4180 when it holds the delimiter, a quote or a line break. */
export function csvField(value: string, delimiter = ','): string {
  return value.includes(delimiter) || /["\r\n]/u.test(value) ? `"${value.replace(/"/gu, '""')}"` : value
}

export function csvLine(values: readonly string[], delimiter = ','): string {
  return values.map((value) => csvField(value, delimiter)).join(delimiter)
}

export function orderValues(record: OrderRecord): string[] {
  return ORDER_COLUMNS.map((column) => record[column])
}
