// `--target` spec -> the k6 plan's target: vendor, model, base URL and the NAME of the key's
// environment variable (k6 reads the key from __ENV at run time; it is never written out).
// Uses the same spec parser, defaults and key rules as the adapters, so k6 hits the same URL.
import { UserError } from '../../core/errors.js'
import { ANTHROPIC_API_KEY_ENV, ANTHROPIC_BASE_URL_ENV, ANTHROPIC_DEFAULT_BASE_URL } from '../../adapters/anthropic/index.js'
import { ANTHROPIC_DEFAULT_VERSION, ANTHROPIC_JSON_INSTRUCTION } from '../../adapters/anthropic/request.js'
import { AZURE_API_KEY_ENV, AZURE_API_VERSION_ENV, AZURE_DEFAULT_API_VERSION, AZURE_ENDPOINT_ENV } from '../../adapters/azure/index.js'
import { OPENAI_API_KEY_ENV, OPENAI_BASE_URL_ENV, OPENAI_DEFAULT_BASE_URL } from '../../adapters/openai-compatible/index.js'
import { envValue, type Env } from '../../adapters/settings.js'
import { isLoopbackUrl, isPrivateNetworkUrl, parseBaseUrl, parseTarget } from '../../adapters/target.js'
import type { K6Target } from './scripts/lib/plan.js'

export interface ResolvedK6Target {
  target: K6Target
  /** For messages and reports, no secrets. */
  label: string
}

/** Resolves a target spec for k6 and the probe. `source` names the flag in messages. */
export function resolveK6Target(text: string, env: Env = process.env, source: string = '--target'): ResolvedK6Target {
  const spec = parseTarget(text, { env, source })
  if (spec.kind === 'mock') {
    throw new UserError(
      'TARGET_INVALID',
      `${source} '${text}': k6 and the probe need a running endpoint, and a mock: target is started by \`gauntlet run\` only; start a server and point at it, e.g. openai-compatible:${spec.model}@http://127.0.0.1:8000/v1`,
    )
  }
  const explicit = spec.baseUrl
  const baseFrom = (envVar: string, fallback?: string): string => {
    if (explicit !== undefined) return explicit
    const fromEnv = envValue(env, envVar)
    if (fromEnv !== undefined) return parseBaseUrl(fromEnv, `${envVar} (for ${source} '${text}')`)
    if (fallback !== undefined) return fallback
    throw new UserError('TARGET_INVALID', `${source} '${text}' has no base URL; append @https://HOST or set ${envVar}`)
  }
  let target: K6Target
  switch (spec.adapter) {
    case 'openai':
    case 'openai-compatible': {
      const baseUrl = baseFrom(OPENAI_BASE_URL_ENV, spec.adapter === 'openai' ? OPENAI_DEFAULT_BASE_URL : undefined)
      const required = spec.adapter === 'openai' || !isPrivateNetworkUrl(baseUrl)
      target = {
        vendor: 'openai',
        model: spec.model,
        baseUrl,
        keyEnv: OPENAI_API_KEY_ENV,
        keyRequired: required && !isLoopbackUrl(baseUrl),
        maxTokensField: new URL(baseUrl).hostname === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens',
      }
      break
    }
    case 'anthropic': {
      const baseUrl = baseFrom(ANTHROPIC_BASE_URL_ENV, ANTHROPIC_DEFAULT_BASE_URL).replace(/\/v1$/, '')
      target = {
        vendor: 'anthropic',
        model: spec.model,
        baseUrl,
        keyEnv: ANTHROPIC_API_KEY_ENV,
        keyRequired: !isLoopbackUrl(baseUrl),
        apiVersion: ANTHROPIC_DEFAULT_VERSION,
        jsonInstruction: ANTHROPIC_JSON_INSTRUCTION,
      }
      break
    }
    case 'azure': {
      const baseUrl = baseFrom(AZURE_ENDPOINT_ENV).replace(/\/openai$/, '')
      target = {
        vendor: 'azure',
        model: spec.model,
        baseUrl,
        keyEnv: AZURE_API_KEY_ENV,
        keyRequired: !isLoopbackUrl(baseUrl),
        apiVersion: envValue(env, AZURE_API_VERSION_ENV) ?? AZURE_DEFAULT_API_VERSION,
        maxTokensField: 'max_completion_tokens',
      }
      break
    }
    default:
      throw new UserError(
        'TARGET_INVALID',
        `${source} '${text}': adapter '${spec.adapter}' has no k6/probe wire format (supported: openai, openai-compatible, anthropic, azure)`,
      )
  }
  return { target, label: spec.label }
}
