// Target specs: `adapter:model[@baseURL]` (and `mock:PROFILE[/protocol]`) parsed into a typed value.
//
//   openai:gpt-4o-mini                                    OpenAI, key from OPENAI_API_KEY
//   openai-compatible:llama3@http://127.0.0.1:8000/v1     any Chat Completions server; baseURL includes /v1
//   anthropic:claude-sonnet-4-5                           Anthropic, baseURL without /v1 (like the SDK)
//   azure:my-deployment@https://x.openai.azure.com        Azure OpenAI; model = deployment name
//   mock:typical-cloud   mock:overloaded/anthropic        the embedded mock, speaking OpenAI or Anthropic
//
// Model names may themselves hold `:` (Ollama `llama3:8b`) or `@` (`claude-3-5-sonnet@20240620`),
// so only an `@` followed by `scheme://` starts the base URL.
import { UserError } from '../core/errors.js'
import { displayUrl } from './http.js'
import { getAdapterDefinition, listAdapters } from './registry.js'
import type { MockProtocol, TargetSpec } from './target-spec.js'
import { parseBaseUrl } from './urls.js'

export { mockEndpointTarget, type MockProtocol, type TargetSpec } from './target-spec.js'
export { isLoopbackUrl, isPrivateNetworkUrl, parseBaseUrl } from './urls.js'

export interface ParseTargetOptions {
  /** Environment consulted for OPENAI_BASE_URL / AZURE_OPENAI_ENDPOINT (default `process.env`). */
  env?: Record<string, string | undefined>
  /** Names the message after the flag or file the spec came from (default `--target`). */
  source?: string
}

const EXAMPLES = 'e.g. openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, openai-compatible:llama3@http://127.0.0.1:8000/v1 or mock:typical-cloud'

/** Every name a target may start with: the registry's (built-ins first, then plugins) and `mock`. */
export function knownTargetAdapterNames(): string[] {
  return [...listAdapters(), 'mock']
}

/** Parses `adapter:model[@baseURL]`; every problem is `UserError('TARGET_INVALID')` with the fix. */
export function parseTarget(text: string, options: ParseTargetOptions = {}): TargetSpec {
  const source = options.source ?? '--target'
  const env = options.env ?? process.env
  const spec = text.trim()
  const fail = (problem: string, fix: string = EXAMPLES): never => {
    throw new UserError('TARGET_INVALID', `${source} '${text}': ${problem}; ${fix}`)
  }
  const colon = spec.indexOf(':')
  if (spec === '' || colon <= 0) fail('is not adapter:model[@baseURL]')
  const adapter = spec.slice(0, colon).toLowerCase()
  const rest = spec.slice(colon + 1)
  if (adapter === 'mock') return parseMockTarget(rest, fail)
  const definition = getAdapterDefinition(adapter)
  if (definition === undefined) {
    return fail(`unknown adapter '${adapter}' (expected one of ${knownTargetAdapterNames().join(', ')})`)
  }
  let model = rest
  let baseUrl: string | undefined
  const urlStart = rest.search(/@[a-zA-Z][a-zA-Z0-9+.-]*:\/\//)
  if (urlStart >= 0) {
    model = rest.slice(0, urlStart)
    baseUrl = parseBaseUrl(rest.slice(urlStart + 1), `${source} '${text}'`)
  } else {
    const at = rest.lastIndexOf('@')
    const after = at >= 0 ? rest.slice(at + 1) : ''
    if (at >= 0 && looksLikeHost(after)) {
      fail(`base URL '${after}' has no scheme`, `write it as @http://${after} (or https://)`)
    }
  }
  if (model === '') fail('the model name is empty', `name it after the colon, e.g. ${adapter}:gpt-4o-mini`)
  if (/\s/.test(model)) fail(`model name '${model}' contains whitespace`, 'remove the spaces (quote the whole --target value in the shell)')
  const required = definition.baseUrlRequired
  if (required !== undefined && baseUrl === undefined && definition.defaultBaseUrl?.(env) === undefined) {
    fail(required.problem, required.fix(model))
  }
  return {
    kind: 'endpoint',
    adapter,
    model,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    label: baseUrl === undefined ? `${adapter}:${model}` : `${adapter}:${model}@${displayUrl(baseUrl)}`,
  }
}

function parseMockTarget(rest: string, fail: (problem: string, fix?: string) => never): TargetSpec {
  if (rest.includes('@')) fail('a mock target takes no base URL', 'the run command starts the mock itself; write mock:PROFILE or mock:PROFILE/anthropic')
  const slash = rest.indexOf('/')
  const profile = slash < 0 ? rest : rest.slice(0, slash)
  const protocolText = slash < 0 ? 'openai' : rest.slice(slash + 1).toLowerCase()
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/.test(profile)) {
    fail(`mock profile '${profile}' is not a profile name`, 'e.g. mock:typical-cloud, mock:instant, mock:overloaded/anthropic')
  }
  let protocol: MockProtocol
  if (protocolText === 'openai' || protocolText === 'openai-compatible') protocol = 'openai'
  else if (protocolText === 'anthropic') protocol = 'anthropic'
  else return fail(`mock protocol '${protocolText}' is unknown (expected openai or anthropic)`, `e.g. mock:${profile}/anthropic`)
  return {
    kind: 'mock',
    adapter: 'mock',
    model: `mock-${profile}`,
    profile,
    protocol,
    label: protocol === 'anthropic' ? `mock:${profile}/anthropic` : `mock:${profile}`,
  }
}

function looksLikeHost(text: string): boolean {
  return /^(localhost|\d{1,3}(\.\d{1,3}){3}|[a-z0-9-]+(\.[a-z0-9-]+)+)(:\d+)?(\/.*)?$/i.test(text) || /^[a-z0-9.-]+:\d+(\/.*)?$/i.test(text)
}
