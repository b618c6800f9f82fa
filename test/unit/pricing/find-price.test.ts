// Model-name normalisation: case, provider prefixes, snapshot suffixes, hosts, Azure aliases; unknown stays unknown.
import { describe, expect, it } from 'vitest'
import { bundledPriceTable, findPrice, providerForBaseUrl, resolvePrice, type FindPriceOptions } from '../../../adapters/pricing/index.js'
import type { PriceTable } from '../../../adapters/pricing/schema.js'

const table = bundledPriceTable()

describe('resolvePrice', () => {
  const cases: [name: string, options: FindPriceOptions, key: string | undefined][] = [
    ['gpt-4o-mini', {}, 'gpt-4o-mini'],
    ['GPT-4o-Mini', {}, 'gpt-4o-mini'],
    ['  gpt-4o  ', {}, 'gpt-4o'],
    ['openai/gpt-4o-mini', {}, 'gpt-4o-mini'],
    ['gpt-4o-mini-2024-07-18', {}, 'gpt-4o-mini'],
    ['gpt-4o-2024-08-06', {}, 'gpt-4o'],
    // a snapshot with its own price is a key of its own and wins over suffix stripping
    ['gpt-4o-2024-05-13', {}, 'gpt-4o-2024-05-13'],
    ['o3-mini-2025-01-31', {}, 'o3-mini'],
    ['gpt-4-0613', {}, 'gpt-4'],
    ['anthropic/claude-3-5-haiku-20241022', {}, 'claude-3-5-haiku'],
    ['claude-3-5-haiku-latest', {}, 'claude-3-5-haiku'],
    ['claude-sonnet-4-5-20250929', {}, 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5@20250929', {}, 'claude-sonnet-4-5'],
    ['claude-sonnet-4-20250514', {}, 'claude-sonnet-4'],
    ['claude-opus-4-1-20250805', {}, 'claude-opus-4-1'],
    ['models/gemini-2.5-pro', {}, 'gemini-2.5-pro'],
    ['gemini/gemini-2.5-flash', {}, 'gemini-2.5-flash'],
    ['mistral-large-latest', {}, 'mistral-large'],
    ['mistral/mistral-large-2411', {}, 'mistral-large'],
    ['codestral-latest', {}, 'codestral'],
    ['deepseek/deepseek-chat', {}, 'deepseek-chat'],
    // hosts: the host prefix (or the provider option) picks the host's price
    ['groq/llama-3.3-70b-versatile', {}, 'groq/llama-3.3-70b-versatile'],
    ['llama-3.3-70b-versatile', { provider: 'groq' }, 'groq/llama-3.3-70b-versatile'],
    ['together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', {}, 'together/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo'],
    ['meta-llama/meta-llama-3.1-8b-instruct-turbo', { provider: 'together' }, 'together/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo'],
    ['fireworks_ai/accounts/fireworks/models/gpt-oss-120b', {}, 'fireworks/accounts/fireworks/models/gpt-oss-120b'],
    ['bedrock/meta.llama3-1-70b-instruct-v1:0', {}, 'bedrock/meta.llama3-1-70b-instruct-v1:0'],
    // without the host, a host's id is not guessed (the same weights cost differently per host)
    ['llama-3.3-70b-versatile', {}, undefined],
    ['openai/gpt-oss-120b', {}, undefined],
    // a provider hint never borrows another provider's price
    ['gpt-4o', { provider: 'groq' }, undefined],
    ['gpt-4o', { provider: 'openai' }, 'gpt-4o'],
    // unknown models
    ['my-finetune-v3', {}, undefined],
    ['', {}, undefined],
    ['gpt-4o-mini-tts', {}, undefined],
    // Azure: deployment names resolve through explicit aliases only
    ['azure/prod-chat', {}, undefined],
    ['gpt-4o', { provider: 'azure' }, undefined],
  ]
  it.each(cases)('%j %j -> %s', (name, options, key) => {
    expect(resolvePrice(table, name, options)?.key).toBe(key)
    expect(findPrice(table, name, options) === undefined).toBe(key === undefined)
  })

  it('resolves Azure deployments and other names through the explicit alias map', () => {
    const withAliases: PriceTable = { ...table, aliases: { 'azure/prod-chat': 'gpt-4o-mini', 'eu-gpt4o': 'gpt-4o', 'Team-Model': 'claude-3-5-haiku' } }
    expect(resolvePrice(withAliases, 'azure/prod-chat')?.key).toBe('gpt-4o-mini')
    expect(resolvePrice(withAliases, 'prod-chat', { provider: 'azure' })?.key).toBe('gpt-4o-mini')
    expect(resolvePrice(withAliases, 'azure/eu-gpt4o')?.key).toBe('gpt-4o')
    expect(resolvePrice(withAliases, 'eu-gpt4o', { provider: 'azure' })?.key).toBe('gpt-4o')
    expect(resolvePrice(withAliases, 'team-model')?.key).toBe('claude-3-5-haiku')
    expect(resolvePrice(withAliases, 'other-deployment', { provider: 'azure' })).toBeUndefined()
  })
})

describe('providerForBaseUrl', () => {
  it.each([
    ['https://api.openai.com/v1', 'openai'],
    ['https://my-resource.openai.azure.com/openai/deployments/x', 'azure'],
    ['https://api.anthropic.com', 'anthropic'],
    ['https://api.groq.com/openai/v1', 'groq'],
    ['https://api.together.xyz/v1', 'together'],
    ['https://api.fireworks.ai/inference/v1', 'fireworks'],
    ['https://bedrock-runtime.us-east-1.amazonaws.com', 'bedrock'],
    ['http://127.0.0.1:8000/v1', undefined],
    ['not a url', undefined],
  ])('%s -> %s', (url, provider) => {
    expect(providerForBaseUrl(url)).toBe(provider)
  })
})
