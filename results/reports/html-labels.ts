// Plain-language names and colours for outcomes, malformed-input handling and fault phases,
// shared by the HTML report's charts and tables so a colour means the same thing everywhere.
import { isErrorKey } from '../outcomes.js'

export type OutcomeGroup = 'ok' | 'error' | 'abandoned' | 'dropped' | 'lost-demand' | 'other'

export function outcomeGroup(key: string): OutcomeGroup {
  if (key === 'ok') return 'ok'
  if (isErrorKey(key)) return 'error'
  if (key === 'abandoned') return 'abandoned'
  if (key === 'dropped') return 'dropped'
  if (key === 'lost-demand') return 'lost-demand'
  return 'other'
}

const HTTP_NAMES: Record<string, string> = {
  '400': 'bad request',
  '401': 'unauthorised',
  '403': 'forbidden',
  '404': 'not found',
  '408': 'request timeout',
  '413': 'request too large',
  '422': 'unprocessable',
  '429': 'rate limited',
  '500': 'server error',
  '502': 'bad gateway',
  '503': 'unavailable',
  '504': 'gateway timeout',
  '529': 'overloaded',
}

const OUTCOME_NAMES: Record<string, string> = {
  ok: 'ok',
  timeout: 'timed out',
  'request-timeout': 'over the request time limit',
  reset: 'connection reset',
  connection: 'connection failed',
  'malformed-stream': 'malformed stream',
  truncated: 'stream cut short',
  'stream-error': 'error mid-stream',
  abandoned: 'abandoned by user',
  dropped: 'dropped (too many in flight)',
  'lost-demand': 'lost demand (user quit)',
  'budget-stopped': 'not sent (spend cap)',
  interrupted: 'interrupted',
}

/** `http_429` → `HTTP 429 rate limited`; other keys → a short phrase. */
export function outcomeLabel(key: string): string {
  if (key.startsWith('http_')) {
    const status = key.slice('http_'.length)
    const name = HTTP_NAMES[status]
    return name === undefined ? `HTTP ${status}` : `HTTP ${status} ${name}`
  }
  return OUTCOME_NAMES[key] ?? key
}

const HANDLING_NAMES: Record<string, string> = {
  'clean-4xx': 'rejected cleanly (4xx)',
  '4xx': 'rejected (4xx)',
  '5xx': 'server error (5xx)',
  timeout: 'hung (timed out)',
  reset: 'connection reset',
  answered: 'answered anyway',
  'answered-valid': 'answered, valid output',
  'answered-invalid': 'answered, invalid output',
  'schema-invalid': 'answered, output failed schema',
  abandoned: 'user gave up waiting',
}

export function handlingLabel(key: string): string {
  return HANDLING_NAMES[key] ?? key
}

export const COLORS = {
  ok: '#3f8f5f',
  abandoned: '#8e5bb5',
  dropped: '#9a9a9a',
  lostDemand: '#5f5f5f',
  other: '#c9b458',
  ttft: ['#9ec5e8', '#3a7dc0', '#123f75'],
  e2e: ['#f4c28a', '#e07b1f', '#8a3f00'],
  rate: '#3a7dc0',
  okRate: '#3f8f5f',
  inFlight: '#e07b1f',
  spend: '#2f6f8f',
  wasted: '#e07b1f',
  users: '#3a7dc0',
  errors: ['#d1495b', '#f08a4b', '#b8336a', '#ff6f59', '#8c2f39', '#e9a23b', '#a4243b'],
} as const

const PHASE_TINTS = ['#e8a33a', '#d1495b', '#6b5bb5', '#2a9d8f', '#3a7dc0', '#b8336a', '#7a8b2f']
const CALM_PHASE = /baseline|steady|normal|warm-?up|recover/i

export function isCalmPhase(name: string): boolean {
  return CALM_PHASE.test(name)
}

/** Colour of a fault phase: grey for calm phases (baseline, recovery), a distinct hue per fault. */
export function phaseColors(names: readonly string[]): Map<string, string> {
  const colors = new Map<string, string>()
  let next = 0
  for (const name of names) {
    if (colors.has(name)) continue
    if (isCalmPhase(name)) colors.set(name, '#8a8a8a')
    else colors.set(name, PHASE_TINTS[next++ % PHASE_TINTS.length] as string)
  }
  return colors
}
