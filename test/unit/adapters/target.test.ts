// Target specs: valid forms parse to typed values; every invalid one is TARGET_INVALID with a fix.
import { describe, expect, it } from 'vitest'
import { isLoopbackUrl, isPrivateNetworkUrl, mockEndpointTarget, parseTarget } from '../../../adapters/target.js'

const env = {}

describe('parseTarget: valid specs', () => {
  it.each([
    ['openai:gpt-4o-mini', { kind: 'endpoint', adapter: 'openai', model: 'gpt-4o-mini', label: 'openai:gpt-4o-mini' }],
    ['  OpenAI:gpt-4o  ', { kind: 'endpoint', adapter: 'openai', model: 'gpt-4o' }],
    ['openai:gpt-4o@https://proxy.example.com/v1/', { adapter: 'openai', model: 'gpt-4o', baseUrl: 'https://proxy.example.com/v1' }],
    [
      'openai-compatible:llama3@http://127.0.0.1:8000/v1',
      { kind: 'endpoint', adapter: 'openai-compatible', model: 'llama3', baseUrl: 'http://127.0.0.1:8000/v1', label: 'openai-compatible:llama3@http://127.0.0.1:8000/v1' },
    ],
    ['openai-compatible:llama3:8b@http://localhost:11434/v1', { model: 'llama3:8b', baseUrl: 'http://localhost:11434/v1' }],
    ['openai-compatible:meta-llama/Llama-3.1-8B-Instruct@http://[::1]:8000/v1', { model: 'meta-llama/Llama-3.1-8B-Instruct', baseUrl: 'http://[::1]:8000/v1' }],
    ['anthropic:claude-sonnet-4-5', { kind: 'endpoint', adapter: 'anthropic', model: 'claude-sonnet-4-5' }],
    ['anthropic:claude-3-5-sonnet@20240620', { adapter: 'anthropic', model: 'claude-3-5-sonnet@20240620' }],
    ['azure:my-deployment@https://x.openai.azure.com', { adapter: 'azure', model: 'my-deployment', baseUrl: 'https://x.openai.azure.com' }],
    ['mock:typical-cloud', { kind: 'mock', adapter: 'mock', profile: 'typical-cloud', protocol: 'openai', model: 'mock-typical-cloud', label: 'mock:typical-cloud' }],
    ['mock:overloaded/anthropic', { kind: 'mock', adapter: 'mock', profile: 'overloaded', protocol: 'anthropic', label: 'mock:overloaded/anthropic' }],
    ['mock:fast/openai', { kind: 'mock', profile: 'fast', protocol: 'openai' }],
  ])('%s', (text, expected) => {
    expect(parseTarget(text, { env })).toMatchObject(expected)
  })

  it('openai-compatible and azure may take their URL from the environment', () => {
    expect(parseTarget('openai-compatible:llama3', { env: { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' } })).toEqual({
      kind: 'endpoint',
      adapter: 'openai-compatible',
      model: 'llama3',
      label: 'openai-compatible:llama3',
    })
    expect(parseTarget('azure:dep', { env: { AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' } })).toMatchObject({ adapter: 'azure', model: 'dep' })
  })
})

describe('parseTarget: invalid specs', () => {
  it.each([
    ['', 'is not adapter:model'],
    ['gpt-4o', 'is not adapter:model'],
    [':gpt-4o', 'is not adapter:model'],
    ['openai:', 'model name is empty'],
    ['openai:@https://api.openai.com/v1', 'model name is empty'],
    ['openia:gpt-4o', "unknown adapter 'openia'"],
    ['openai:gpt 4o', 'contains whitespace'],
    ['openai-compatible:llama3', 'needs a base URL'],
    ['azure:dep', 'needs its resource endpoint'],
    ['openai-compatible:llama3@127.0.0.1:8000/v1', 'has no scheme'],
    ['openai-compatible:llama3@localhost:8000', 'has no scheme'],
    ['openai-compatible:llama3@ftp://127.0.0.1/v1', 'not http or https'],
    ['openai-compatible:llama3@http://user:secret@127.0.0.1/v1', 'contains credentials'],
    ['openai-compatible:llama3@http://127.0.0.1/v1#x', '#fragment'],
    ['openai-compatible:llama3@http://', 'is not a URL'],
    ['mock:', 'is not a profile name'],
    ['mock:typical-cloud@http://127.0.0.1:1', 'takes no base URL'],
    ['mock:typical-cloud/grpc', "mock protocol 'grpc' is unknown"],
  ])('%j → TARGET_INVALID (%s)', (text, problem) => {
    let caught: unknown
    try {
      parseTarget(text, { env })
    } catch (error) {
      caught = error
    }
    expect(caught).toMatchObject({ name: 'UserError', code: 'TARGET_INVALID' })
    const message = (caught as Error).message
    expect(message).toContain(problem)
    // One line naming the flag and the spec, with a fix.
    expect(message).toContain(`--target '${text}'`)
    expect(message).not.toContain('\n')
    expect(message).toMatch(/; .+/)
  })

  it('names another source when told', () => {
    expect(() => parseTarget('nope', { env, source: 'scenario.json targets[2]' })).toThrow(/^scenario\.json targets\[2\] 'nope'/)
  })
})

describe('URL classification', () => {
  it.each([
    ['http://127.0.0.1:8000/v1', true, true],
    ['http://127.3.4.5/', true, true],
    ['http://localhost:11434/v1', true, true],
    ['http://api.localhost/', true, true],
    ['http://[::1]:8000/', true, true],
    ['http://[::ffff:127.0.0.1]/', true, true],
    ['http://10.1.2.3:8000/v1', false, true],
    ['http://172.16.0.9/', false, true],
    ['http://172.32.0.9/', false, false],
    ['http://192.168.1.20/', false, true],
    ['http://vllm:8000/v1', false, true],
    ['http://vllm.inference.svc.cluster.local:8000/v1', false, true],
    ['https://api.openai.com/v1', false, false],
    ['https://x.openai.azure.com', false, false],
    ['http://0.0.0.0:8000/', false, false],
    ['not a url', false, false],
  ])('%s loopback=%s private=%s', (url, loopback, privateNetwork) => {
    expect(isLoopbackUrl(url)).toBe(loopback)
    expect(isPrivateNetworkUrl(url)).toBe(privateNetwork)
  })
})

describe('mockEndpointTarget', () => {
  it('points OpenAI at ROOT/v1 and Anthropic at ROOT', () => {
    expect(mockEndpointTarget(parseTarget('mock:fast', { env }), 'http://127.0.0.1:9/')).toEqual({
      kind: 'endpoint',
      adapter: 'openai-compatible',
      model: 'mock-fast',
      baseUrl: 'http://127.0.0.1:9/v1',
      label: 'mock:fast',
    })
    expect(mockEndpointTarget(parseTarget('mock:fast/anthropic', { env }), 'http://127.0.0.1:9')).toMatchObject({ adapter: 'anthropic', baseUrl: 'http://127.0.0.1:9' })
  })
})
