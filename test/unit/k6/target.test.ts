// `--target` for k6 and the probe: same spec parser and defaults as the adapters; the key is
// only ever named (its environment variable), and whether the script may start without it.
import { describe, expect, it } from 'vitest'
import { resolveK6Target } from '../../../load/k6/target.js'

describe('resolveK6Target', () => {
  it('openai: default base URL, key required, max_completion_tokens', () => {
    expect(resolveK6Target('openai:gpt-4o-mini', {}).target).toEqual({
      vendor: 'openai',
      model: 'gpt-4o-mini',
      baseUrl: 'https://api.openai.com/v1',
      keyEnv: 'OPENAI_API_KEY',
      keyRequired: true,
      maxTokensField: 'max_completion_tokens',
    })
  })
  it('openai-compatible on a private network or loopback: no key needed, max_tokens', () => {
    for (const url of ['http://127.0.0.1:8000/v1', 'http://vllm.inference.svc.cluster.local:8000/v1', 'http://10.1.2.3/v1']) {
      const { target } = resolveK6Target(`openai-compatible:llama3@${url}`, {})
      expect(target).toMatchObject({ vendor: 'openai', baseUrl: url, keyRequired: false, maxTokensField: 'max_tokens' })
    }
    expect(resolveK6Target('openai-compatible:llama3@https://llm.example.com/v1', {}).target.keyRequired).toBe(true)
  })
  it('anthropic: base URL without /v1, version and JSON instruction carried', () => {
    const { target } = resolveK6Target('anthropic:claude-sonnet-4-5@https://gateway.example.com/v1', {})
    expect(target).toMatchObject({ vendor: 'anthropic', baseUrl: 'https://gateway.example.com', keyEnv: 'ANTHROPIC_API_KEY', apiVersion: '2023-06-01' })
    expect(target.jsonInstruction).toMatch(/JSON/)
  })
  it('azure: endpoint and api-version from the environment', () => {
    const { target } = resolveK6Target('azure:prod-chat', { AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com', OPENAI_API_VERSION: '2025-01-01-preview' })
    expect(target).toMatchObject({ vendor: 'azure', model: 'prod-chat', baseUrl: 'https://res.openai.azure.com', apiVersion: '2025-01-01-preview', keyEnv: 'AZURE_OPENAI_API_KEY', keyRequired: true })
  })
  it('OPENAI_BASE_URL fills in a missing base URL', () => {
    expect(resolveK6Target('openai-compatible:m', { OPENAI_BASE_URL: 'http://127.0.0.1:9000/v1' }).target.baseUrl).toBe('http://127.0.0.1:9000/v1')
  })
  const refused: Array<[string, RegExp]> = [
    ['mock:typical-cloud', /need a running endpoint/],
    ['openai-compatible:m', /needs a base URL/],
    ['openai:gpt-4o@http://user:pw@127.0.0.1/v1', /credentials/],
    ['nope:m', /unknown adapter/],
  ]
  for (const [spec, message] of refused) {
    it(`refuses ${spec} with TARGET_INVALID`, () => {
      expect(() => resolveK6Target(spec, {})).toThrow(message)
      expect(() => resolveK6Target(spec, {})).toThrow(expect.objectContaining({ code: 'TARGET_INVALID' }))
    })
  }
})
