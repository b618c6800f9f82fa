// Figures as text for people, one rule each: durations, shares, rounding and folder time stamps.

/** `820 ms`, `9.8 s`, `12.5 min`, `3.0 h`; '–' when there is none. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–'
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`
  return `${(ms / 3_600_000).toFixed(1)} h`
}

/** A share 0–1 as `12.5 %`; '–' when there is none. */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–'
  return `${(share * 100).toFixed(digits)} %`
}

/** Rounds to `digits` decimals (half away from zero as Math.round does for positives). */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** `20261203-124915`: UTC time for run-folder names, sortable. */
export function fileStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
}
