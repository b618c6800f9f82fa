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
import { redactUrl } from './http.js'

export const BUILTIN_ADAPTERS = ['openai', 'openai-compatible', 'anthropic', 'azure'] as const
export type BuiltinAdapterName = (typeof BUILTIN_ADAPTERS)[number]

/** Which protocol the embedded mock is spoken to with. */
export type MockProtocol = 'openai' | 'anthropic'

/**
 * A parsed target. `kind: 'mock'` (adapter `mock`) is the embedded mock: the run command starts
 * it, then talks to it with `protocol` (see `mockEndpointTarget`). Everything else is an
 * endpoint: a vendor API, a self-hosted server, or a plugin adapter.
 */
export interface TargetSpec {
  kind: 'endpoint' | 'mock'
  /** Adapter name (`openai`, `openai-compatible`, `anthropic`, `azure`, a plugin's, or `mock`). */
  adapter: string
  /** Vendor model id, Azure deployment name, or `mock-PROFILE` for the mock (it accepts any). */
  model: string
  /** As written in the spec (no trailing slash); absent means the adapter's env/default. */
  baseUrl?: string
  /** For reports and comparisons; holds no secrets. */
  label: string
  /** Mock only: the profile name (`typical-cloud`, `instant`, ...). */
  profile?: string
  /** Mock only: the protocol spoken to it; `openai` unless the spec says `/anthropic`. */
  protocol?: MockProtocol
}

/**
 * The endpoint spec for a started mock: `openai` → openai-compatible at `ROOT/v1`,
 * `anthropic` → anthropic at `ROOT` (the mock serves /v1/chat/completions and /v1/messages).
 */
export function mockEndpointTarget(spec: TargetSpec, mockRootUrl: string): TargetSpec {
  const root = mockRootUrl.replace(/\/+$/, '')
  const anthropic = spec.protocol === 'anthropic'
  return {
    kind: 'endpoint',
    adapter: anthropic ? 'anthropic' : 'openai-compatible',
    model: spec.model,
    baseUrl: anthropic ? root : `${root}/v1`,
    label: spec.label,
  }
}

export interface ParseTargetOptions {
  /** Environment consulted for OPENAI_BASE_URL / AZURE_OPENAI_ENDPOINT (default `process.env`). */
  env?: Record<string, string | undefined>
  /** Names the message after the flag or file the spec came from (default `--target`). */
  source?: string
}

const EXAMPLES = 'e.g. openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, openai-compatible:llama3@http://127.0.0.1:8000/v1 or mock:typical-cloud'

/** Adapter names added by plugins (registry.ts `registerAdapter`), accepted by `parseTarget`. */
const pluginAdapterNames = new Set<string>()

/** Lets `parseTarget` accept a plugin adapter's name. Called by `registerAdapter`. */
export function allowTargetAdapterName(name: string): void {
  pluginAdapterNames.add(name)
}

export function knownTargetAdapterNames(): string[] {
  return [...BUILTIN_ADAPTERS, ...pluginAdapterNames, 'mock']
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
  if (!(BUILTIN_ADAPTERS as readonly string[]).includes(adapter) && !pluginAdapterNames.has(adapter)) {
    fail(`unknown adapter '${adapter}' (expected one of ${knownTargetAdapterNames().join(', ')})`)
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
  if (adapter === 'openai-compatible' && baseUrl === undefined && nonEmpty(env['OPENAI_BASE_URL']) === undefined) {
    fail('openai-compatible needs a base URL', `append @http://HOST:PORT/v1 (e.g. openai-compatible:${model}@http://127.0.0.1:8000/v1) or set OPENAI_BASE_URL`)
  }
  if (adapter === 'azure' && baseUrl === undefined && nonEmpty(env['AZURE_OPENAI_ENDPOINT']) === undefined) {
    fail('azure needs its resource endpoint', `append @https://RESOURCE.openai.azure.com (e.g. azure:${model}@https://my-resource.openai.azure.com) or set AZURE_OPENAI_ENDPOINT`)
  }
  return {
    kind: 'endpoint',
    adapter,
    model,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    label: baseUrl === undefined ? `${adapter}:${model}` : `${adapter}:${model}@${redactUrl(baseUrl).replace(/\/+$/, '')}`,
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

/**
 * Validates a base URL: http(s), a host, no credentials (keys belong in the environment), no
 * fragment. Returns it without a trailing slash. `source` names where it came from.
 */
export function parseBaseUrl(text: string, source: string): string {
  const fail = (problem: string, fix: string): never => {
    throw new UserError('TARGET_INVALID', `${source}: base URL '${text}' ${problem}; ${fix}`)
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return fail('is not a URL', 'write it as http://HOST:PORT/PATH or https://HOST/PATH')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(`uses ${url.protocol.replace(/:$/, '')}, not http or https`, 'point it at the HTTP endpoint, e.g. http://127.0.0.1:8000/v1')
  }
  if (url.hostname === '') fail('has no host', 'e.g. http://127.0.0.1:8000/v1')
  if (url.username !== '' || url.password !== '') {
    fail('contains credentials', 'remove user:password@ and put the key in the vendor environment variable (e.g. OPENAI_API_KEY)')
  }
  if (url.hash !== '') fail('has a #fragment', 'remove it')
  return url.href.replace(/\/+$/, '')
}

/** True for localhost, *.localhost, 127.0.0.0/8 and ::1 (also IPv4-mapped). False for bad URLs. */
export function isLoopbackUrl(url: string | URL): boolean {
  let hostname: string
  try {
    hostname = (typeof url === 'string' ? new URL(url) : url).hostname.toLowerCase()
  } catch {
    return false
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)) return true
  if (hostname === '[::1]') return true
  // WHATWG URL renders ::ffff:127.x.y.z as [::ffff:7fxx:yyzz].
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname)
}

/**
 * True for hosts that are only reachable inside a private network: RFC 1918 and link-local
 * addresses, IPv6 ULA, single-label names (`vllm`, a Kubernetes service) and internal suffixes.
 * Self-hosted servers there commonly run without keys.
 */
export function isPrivateNetworkUrl(url: string | URL): boolean {
  let hostname: string
  try {
    hostname = (typeof url === 'string' ? new URL(url) : url).hostname.toLowerCase()
  } catch {
    return false
  }
  if (isLoopbackUrl(url)) return true
  if (/^10\.\d+\.\d+\.\d+$/.test(hostname) || /^192\.168\.\d+\.\d+$/.test(hostname) || /^169\.254\.\d+\.\d+$/.test(hostname)) return true
  const private172 = /^172\.(\d+)\.\d+\.\d+$/.exec(hostname)
  if (private172 !== null && Number(private172[1]) >= 16 && Number(private172[1]) <= 31) return true
  if (/^\[f[cd][0-9a-f]{2}:/.test(hostname)) return true
  if (!hostname.includes('.') && !hostname.startsWith('[')) return true
  return /\.(local|internal|lan|svc|cluster\.local|home\.arpa)$/.test(hostname)
}

function looksLikeHost(text: string): boolean {
  return /^(localhost|\d{1,3}(\.\d{1,3}){3}|[a-z0-9-]+(\.[a-z0-9-]+)+)(:\d+)?(\/.*)?$/i.test(text) || /^[a-z0-9.-]+:\d+(\/.*)?$/i.test(text)
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}
