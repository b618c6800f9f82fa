// Number formatting shared by the terminal, markdown and HTML reports.
import type { Usd } from '../summary.js'

export { formatDuration, formatPercent } from '../../core/format.js'

export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export function formatMsValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–'
  if (value >= 10_000) return formatNumber(value, 0)
  if (value >= 100) return formatNumber(value, 0)
  if (value >= 10) return formatNumber(value, 1)
  return formatNumber(value, 2)
}

export function formatUsd(value: Usd | null | undefined, digits?: number): string {
  if (value === 'unknown' || value === null || value === undefined) return 'unknown'
  const places = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 4)
  return `$${formatNumber(value, places)}`
}


export function formatCount(value: number): string {
  if (value >= 10_000_000) return `${(value / 1_000_000).toFixed(1)}M`
  if (value >= 100_000) return `${Math.round(value / 1000)}k`
  return formatNumber(value)
}


/** Pads columns of a small text table. */
export function table(rows: string[][], align: ('l' | 'r')[] = []): string {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)))
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = (widths[i] ?? 0) - [...cell].length
          return (align[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? cell + ' '.repeat(pad) : ' '.repeat(pad) + cell
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
