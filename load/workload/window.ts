// Time windows (`--window 8-12`, `9:30-10:15`, `10m-20m`) and time compression (`--time-scale K`).
import { UserError } from '../../core/errors.js'

export interface TimeWindow {
  startMs: number
  endMs: number
}

const HOUR_MS = 3_600_000
const UNIT_MS: Record<string, number> = { h: HOUR_MS, m: 60_000, s: 1000, ms: 1 }

function parseTime(text: string): number | undefined {
  const clock = /^(\d{1,3}):([0-5]\d)$/.exec(text)
  if (clock !== null) return Number(clock[1]) * HOUR_MS + Number(clock[2]) * 60_000
  const plain = /^(\d+(?:\.\d+)?|\.\d+)(h|m|s|ms)?$/.exec(text)
  if (plain === null) return undefined
  return Number(plain[1]) * (UNIT_MS[plain[2] ?? 'h'] as number)
}

/**
 * `START-END` from the traffic's start: hours by default (`8-12`, `8.5-9`), or with a unit
 * (`90m-120m`, `30s-45s`), or clock times (`9:30-10:15`).
 */
export function parseWindow(text: string, flag = '--window'): TimeWindow {
  const parts = text.trim().split('-')
  const start = parts.length === 2 ? parseTime((parts[0] as string).trim()) : undefined
  const end = parts.length === 2 ? parseTime((parts[1] as string).trim()) : undefined
  if (start === undefined || end === undefined || !(end > start)) {
    throw new UserError('USAGE_INVALID', `${flag} '${text}' must be START-END with END after START, in hours from the start of the traffic (got ${JSON.stringify(text)}); e.g. ${flag} 8-12, ${flag} 9:30-10:15 or ${flag} 10m-20m`)
  }
  return { startMs: start, endMs: end }
}

/** Checks a `--time-scale` factor: > 0; offsets are divided by it (60 replays an hour in a minute). */
export function checkTimeScale(value: number, flag = '--time-scale'): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new UserError('USAGE_INVALID', `${flag} must be a number > 0 (got ${JSON.stringify(value)}); e.g. ${flag} 60 replays one hour in one minute`)
  }
  return value
}

export function formatWindow(window: TimeWindow): string {
  const hours = (ms: number): string => String(Math.round((ms / HOUR_MS) * 1e6) / 1e6)
  return `${hours(window.startMs)}-${hours(window.endMs)}`
}
