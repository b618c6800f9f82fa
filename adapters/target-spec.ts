// The parsed target value and the mock's endpoint spec. Its own module so the registry (which
// creates adapters from specs) and target parsing (which asks the registry for names) share it
// without importing each other.

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
