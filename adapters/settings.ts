// Resolving an adapter's settings once, at creation: environment, base URL, API key, headers.
// A missing key for a real vendor fails here, before anything is sent.
import { UserError } from '../core/errors.js'
import { isLoopbackUrl, parseBaseUrl } from './urls.js'

export type Env = Record<string, string | undefined>

/** The value of an environment variable, trimmed; empty counts as unset. */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

export interface BaseUrlChoice {
  /** From the target or settings, already validated or to validate. */
  explicit?: string | undefined
  /** Environment variable consulted next, e.g. OPENAI_BASE_URL. */
  envVar: string
  /** Used when neither is set; undefined means a base URL is required. */
  fallback?: string
  env: Env
  /** e.g. `openai-compatible:llama3`, for messages. */
  target: string
  /** The fix printed when no base URL is found. */
  missingFix: string
}

/** Picks and validates the base URL: explicit, then the environment, then the vendor default. */
export function resolveBaseUrl(choice: BaseUrlChoice): string {
  if (choice.explicit !== undefined) return parseBaseUrl(choice.explicit, `target ${choice.target}`)
  const fromEnv = envValue(choice.env, choice.envVar)
  if (fromEnv !== undefined) return parseBaseUrl(fromEnv, `${choice.envVar} (for target ${choice.target})`)
  if (choice.fallback !== undefined) return choice.fallback
  throw new UserError('TARGET_INVALID', `target ${choice.target} has no base URL; ${choice.missingFix}`)
}

export interface ApiKeyChoice {
  explicit?: string | undefined
  envVar: string
  env: Env
  /** Whether this endpoint needs a key; keys are never required for loopback URLs. */
  required: boolean
  target: string
  baseUrl: string
}

/** The API key, or undefined when none is set and none is needed. */
export function resolveApiKey(choice: ApiKeyChoice): string | undefined {
  const key = choice.explicit?.trim() || envValue(choice.env, choice.envVar)
  if (key !== undefined) return key
  if (!choice.required || isLoopbackUrl(choice.baseUrl)) return undefined
  throw new UserError(
    'ADAPTER_MISSING_KEY',
    `target ${choice.target} (${choice.baseUrl}) needs an API key and ${choice.envVar} is not set; export ${choice.envVar}=... (for a server without auth, set it to any value, e.g. ${choice.envVar}=none)`,
  )
}

/** Validates a model name once; `kind` is what the adapter calls it (model, deployment). */
export function requireModel(model: string, adapter: string, kind: string = 'model'): string {
  if (typeof model !== 'string' || model.trim() === '') {
    throw new UserError('TARGET_INVALID', `target ${adapter}: the ${kind} name is empty; e.g. ${adapter}:${kind === 'deployment' ? 'my-deployment' : 'gpt-4o-mini'}`)
  }
  return model.trim()
}

/**
 * Merges header sets left to right with case-insensitive names (later wins). Lower-cased
 * names, so `Authorization` from one set and `authorization` from another do not both go out.
 */
export function mergeHeaders(...sets: ReadonlyArray<Record<string, string> | undefined>): Record<string, string> {
  const result: Record<string, string> = {}
  for (const set of sets) {
    if (set === undefined) continue
    // for…in, not Object.entries: this runs for every request sent.
    for (const name in set) result[name.toLowerCase()] = set[name] as string
  }
  return result
}

const SECRET_HEADER_NAME = /key|token|auth|secret|cookie|signature|password/i

/**
 * Everything to scrub from errors for one adapter: the API key plus the values of configured
 * headers whose names look like credentials (`x-portkey-api-key`, `authorization`, ...).
 */
export function collectSecrets(apiKey: string | undefined, headers: Record<string, string> | undefined): string[] {
  const secrets = apiKey === undefined ? [] : [apiKey]
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (SECRET_HEADER_NAME.test(name)) {
      secrets.push(value)
      // `Bearer xyz`: the token alone may be echoed too.
      const token = /^\S+\s+(\S+)$/.exec(value)?.[1]
      if (token !== undefined) secrets.push(token)
    }
  }
  return secrets
}

/** The header that asks the embedded mock for a given output length (real vendors ignore it). */
export const OUTPUT_TOKENS_HEADER = 'x-gauntlet-output-tokens'
