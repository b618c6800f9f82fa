// Registry: target → adapter, keys resolved at creation (before anything is sent), plugins.
import { describe, expect, it } from 'vitest'
import { createAdapterFromTarget, defaultBaseUrl, listAdapters, registerAdapter } from '../../../adapters/registry.js'
import { knownTargetAdapterNames, parseTarget } from '../../../adapters/target.js'
import type { Adapter, AdapterSettings } from '../../../adapters/types.js'

function creationError(run: () => unknown): { code?: string; message: string } {
  try {
    run()
  } catch (error) {
    return error as { code?: string; message: string }
  }
  throw new Error('expected an error')
}

describe('createAdapterFromTarget', () => {
  it('openai: default base URL, key required and named when missing', () => {
    const adapter = createAdapterFromTarget(parseTarget('openai:gpt-4o-mini', { env: {} }), { env: { OPENAI_API_KEY: 'sk-test-abcdef' } })
    expect(adapter).toMatchObject({ name: 'openai', model: 'gpt-4o-mini', baseUrl: 'https://api.openai.com/v1' })
    const error = creationError(() => createAdapterFromTarget(parseTarget('openai:gpt-4o-mini', { env: {} }), { env: {} }))
    expect(error).toMatchObject({ code: 'ADAPTER_MISSING_KEY' })
    expect(error.message).toContain('OPENAI_API_KEY is not set')
    expect(error.message).toContain('openai:gpt-4o-mini')
  })

  it.each([
    ['anthropic:claude-sonnet-4-5', 'ANTHROPIC_API_KEY'],
    ['azure:dep@https://x.openai.azure.com', 'AZURE_OPENAI_API_KEY'],
    ['openai-compatible:llama@https://api.together.xyz/v1', 'OPENAI_API_KEY'],
  ])('%s without a key → ADAPTER_MISSING_KEY naming %s', (text, envVar) => {
    const error = creationError(() => createAdapterFromTarget(parseTarget(text, { env: {} }), { env: {} }))
    expect(error).toMatchObject({ code: 'ADAPTER_MISSING_KEY' })
    expect(error.message).toContain(`${envVar} is not set`)
  })

  it('never needs a key for loopback (any adapter), nor for openai-compatible on a private network', () => {
    for (const text of [
      'openai:gpt-4o@http://127.0.0.1:1/v1',
      'anthropic:claude@http://localhost:1',
      'azure:dep@http://127.0.0.1:1',
      'openai-compatible:llama3@http://10.0.0.5:8000/v1',
      'openai-compatible:llama3@http://vllm:8000/v1',
    ]) {
      expect(() => createAdapterFromTarget(parseTarget(text, { env: {} }), { env: {} })).not.toThrow()
    }
  })

  it('anthropic: base URL without /v1 (a trailing /v1 is tolerated); env overrides the default', () => {
    expect(createAdapterFromTarget(parseTarget('anthropic:c@http://127.0.0.1:9/v1', { env: {} }), { env: {} }).baseUrl).toBe('http://127.0.0.1:9')
    expect(createAdapterFromTarget(parseTarget('anthropic:c', { env: {} }), { env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:7' } }).baseUrl).toBe('http://127.0.0.1:7')
  })

  it('a bad base URL in the environment is TARGET_INVALID naming the variable', () => {
    const error = creationError(() => createAdapterFromTarget(parseTarget('openai:gpt-4o', { env: {} }), { env: { OPENAI_BASE_URL: 'localhost:8000', OPENAI_API_KEY: 'k' } }))
    expect(error).toMatchObject({ code: 'TARGET_INVALID' })
    expect(error.message).toContain('OPENAI_BASE_URL')
  })

  it('mock targets need the started mock URL', () => {
    const spec = parseTarget('mock:instant/anthropic', { env: {} })
    expect(createAdapterFromTarget(spec, { mockBaseUrl: 'http://127.0.0.1:5' })).toMatchObject({ name: 'anthropic', baseUrl: 'http://127.0.0.1:5', model: 'mock-instant' })
    expect(createAdapterFromTarget(parseTarget('mock:instant', { env: {} }), { mockBaseUrl: 'http://127.0.0.1:5' })).toMatchObject({
      name: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:5/v1',
    })
    expect(creationError(() => createAdapterFromTarget(spec))).toMatchObject({ code: 'INTERNAL' })
  })

  it('invalid timeouts are CONFIG_INVALID', () => {
    const error = creationError(() => createAdapterFromTarget(parseTarget('openai:g@http://127.0.0.1:1/v1', { env: {} }), { env: {}, bodyTimeoutMs: 0 }))
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' })
    expect(error.message).toContain('bodyTimeoutMs')
  })
})

describe('plugins', () => {
  it('registerAdapter adds a name that targets may use', () => {
    const seen: AdapterSettings[] = []
    const create = (settings: AdapterSettings): Adapter => {
      seen.push(settings)
      return { name: 'my-gateway', model: settings.model, baseUrl: settings.baseUrl ?? '', stream: async function* () {} }
    }
    expect(() => parseTarget('my-gateway:m', { env: {} })).toThrow(/unknown adapter/)
    registerAdapter('my-gateway', create)
    expect(listAdapters()).toContain('my-gateway')
    const adapter = createAdapterFromTarget(parseTarget('my-gateway:m@https://gw.example.com', { env: {} }), { env: {}, headersTimeoutMs: 5 })
    expect(adapter.name).toBe('my-gateway')
    expect(seen[0]).toMatchObject({ model: 'm', baseUrl: 'https://gw.example.com', headersTimeoutMs: 5 })
    // Loading the same config again is harmless; a different function needs replace.
    expect(() => registerAdapter('my-gateway', create)).not.toThrow()
    expect(() => registerAdapter('my-gateway', () => ({}) as Adapter)).toThrow(/already registered/)
    expect(() => registerAdapter('my-gateway', create, { replace: true })).not.toThrow()
  })

  it.each([
    ['Bad Name', 'lower-case'],
    ['mock', 'lower-case'],
    ['openai', 'already registered'],
  ])('registerAdapter(%j) → CONFIG_INVALID', (name, problem) => {
    const error = creationError(() => registerAdapter(name, () => ({}) as Adapter))
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' })
    expect(error.message).toContain(problem)
  })
})

describe('one list of names', () => {
  it('every registered name parses as a target, and parseTarget offers exactly those and mock', () => {
    for (const name of listAdapters()) {
      expect(parseTarget(`${name}:m@https://gw.example.com`, { env: {} })).toMatchObject({ kind: 'endpoint', adapter: name, model: 'm' })
    }
    expect(listAdapters().slice(0, 4)).toEqual(['openai', 'openai-compatible', 'anthropic', 'azure'])
    expect(knownTargetAdapterNames()).toEqual([...listAdapters(), 'mock'])
  })
})

describe('defaultBaseUrl', () => {
  it('gives where each built-in sends without an explicit URL', () => {
    expect(defaultBaseUrl('openai', {})).toBe('https://api.openai.com/v1')
    expect(defaultBaseUrl('anthropic', {})).toBe('https://api.anthropic.com')
    expect(defaultBaseUrl('openai-compatible', {})).toBeUndefined()
    expect(defaultBaseUrl('azure', { AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' })).toBe('https://x.openai.azure.com')
    expect(defaultBaseUrl('openai', { OPENAI_BASE_URL: ' http://127.0.0.1:8000/v1 ' })).toBe('http://127.0.0.1:8000/v1')
    expect(defaultBaseUrl('no-such-adapter', {})).toBeUndefined()
  })
})

describe('collectSecrets', () => {
  it('takes the key and credential-looking configured headers (and a bearer token alone)', async () => {
    const { collectSecrets } = await import('../../../adapters/settings.js')
    expect(collectSecrets('sk-1', { 'x-portkey-api-key': 'pk-2', Authorization: 'Bearer tok-3', 'x-team': 'platform' })).toEqual(['sk-1', 'pk-2', 'Bearer tok-3', 'tok-3'])
    expect(collectSecrets(undefined, undefined)).toEqual([])
  })
})
