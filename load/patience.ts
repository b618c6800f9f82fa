// Simulated users: how long each waits for the first token and for the whole answer, and
// who stops using the tool after repeated bad experiences (adoption decay).
import { createRandom } from '../core/random.js'
import { parseDurationMs } from '../core/duration.js'
import { UserError } from '../core/errors.js'

export type PatienceDistribution =
  | { type: 'lognormal'; medianMs: number; sigma: number }
  | { type: 'fixed'; ms: number }
  | { type: 'none' }

export interface PatienceOptions {
  enabled: boolean
  /** Patience for the first token (default lognormal, median 4 s). */
  ttft: PatienceDistribution
  /** Patience for the whole answer (default lognormal, median 10 s). */
  e2e: PatienceDistribution
  /** A user who abandons `abandons` of their last `window` requests quits; null: never. */
  quit: { abandons: number; window: number } | null
  seed: number
}

export const DEFAULT_PATIENCE: PatienceOptions = {
  enabled: true,
  ttft: { type: 'lognormal', medianMs: 4_000, sigma: 0.5 },
  e2e: { type: 'lognormal', medianMs: 10_000, sigma: 0.5 },
  quit: { abandons: 3, window: 5 },
  seed: 1,
}

export interface Patience {
  /** Milliseconds this user will wait for this request (undefined: forever). Deterministic per request id. */
  limitsFor(requestId: string): { ttftMs?: number; e2eMs?: number }
  /** Tell the model how a user's request ended; returns true when this made the user quit. */
  observe(userId: string, abandoned: boolean): boolean
  hasQuit(userId: string): boolean
  readonly usersQuit: number
}

function draw(distribution: PatienceDistribution, requestId: string, seed: number, label: string): number | undefined {
  switch (distribution.type) {
    case 'none':
      return undefined
    case 'fixed':
      return distribution.ms
    case 'lognormal':
      return createRandom(seed).fork(label).fork(requestId).lognormal(distribution.medianMs, distribution.sigma)
  }
}

export function createPatience(options: PatienceOptions): Patience {
  const recent = new Map<string, boolean[]>()
  const quit = new Set<string>()
  return {
    limitsFor(requestId) {
      if (!options.enabled) return {}
      const limits: { ttftMs?: number; e2eMs?: number } = {}
      const ttftMs = draw(options.ttft, requestId, options.seed, 'ttft')
      const e2eMs = draw(options.e2e, requestId, options.seed, 'e2e')
      if (ttftMs !== undefined) limits.ttftMs = ttftMs
      if (e2eMs !== undefined) limits.e2eMs = e2eMs
      return limits
    },
    observe(userId, abandoned) {
      if (!options.enabled || options.quit === null || quit.has(userId)) return false
      let history = recent.get(userId)
      if (history === undefined) {
        history = []
        recent.set(userId, history)
      }
      history.push(abandoned)
      if (history.length > options.quit.window) history.shift()
      let count = 0
      for (const value of history) if (value) count++
      if (count >= options.quit.abandons) {
        quit.add(userId)
        recent.delete(userId)
        return true
      }
      return false
    },
    hasQuit: (userId) => quit.has(userId),
    get usersQuit() {
      return quit.size
    },
  }
}

/**
 * Parses `--patience` values: `off`, `ttft=4s,e2e=10s` (medians of lognormals),
 * `ttft=fixed:1500ms`, `sigma=0.5`, `quit=3/5` or `quit=off`.
 */
export function parsePatience(text: string, base: PatienceOptions = DEFAULT_PATIENCE): PatienceOptions {
  const result: PatienceOptions = { ...base }
  if (text.trim() === 'off') return { ...result, enabled: false }
  const fail = (part: string, why: string): never => {
    throw new UserError(
      'USAGE_INVALID',
      `--patience '${part}': ${why}; expected e.g. 'ttft=4s,e2e=10s,sigma=0.5,quit=3/5', 'e2e=fixed:8s' or 'off'`,
    )
  }
  let sigma: number | undefined
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [key, value] = part.split('=', 2) as [string, string | undefined]
    if (value === undefined) fail(part, 'missing =')
    const raw = value as string
    if (key === 'sigma') {
      sigma = Number(raw)
      if (!Number.isFinite(sigma) || sigma < 0) fail(part, 'sigma must be a number ≥ 0')
    } else if (key === 'quit') {
      if (raw === 'off') result.quit = null
      else {
        const match = /^(\d+)\/(\d+)$/.exec(raw)
        if (match === null) fail(part, "quit must be K/M (abandons/window) or 'off'")
        const abandons = Number(match?.[1])
        const window = Number(match?.[2])
        if (abandons < 1 || window < abandons) fail(part, 'quit K/M needs 1 ≤ K ≤ M')
        result.quit = { abandons, window }
      }
    } else if (key === 'ttft' || key === 'e2e') {
      result[key] = parseDistribution(raw, part, fail)
    } else if (key === 'seed') {
      result.seed = Number(raw)
    } else fail(part, `unknown key '${key}' (known: ttft, e2e, sigma, quit, seed)`)
  }
  if (sigma !== undefined) {
    for (const key of ['ttft', 'e2e'] as const) {
      const d = result[key]
      if (d.type === 'lognormal') result[key] = { ...d, sigma }
    }
  }
  return result
}

function parseDistribution(raw: string, part: string, fail: (part: string, why: string) => never): PatienceDistribution {
  if (raw === 'none' || raw === 'off') return { type: 'none' }
  const fixed = raw.startsWith('fixed:')
  const ms = parseDurationMs(fixed ? raw.slice(6) : raw)
  if (ms === undefined || ms <= 0) return fail(part, `'${raw}' is not a duration like 10s or 1500ms`)
  return fixed ? { type: 'fixed', ms } : { type: 'lognormal', medianMs: ms, sigma: 0.5 }
}
