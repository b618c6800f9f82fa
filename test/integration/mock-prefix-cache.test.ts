// The mock's prefix cache end to end: our adapters against a real loopback mock, both protocols.
// Ground truth: every text's tokens counted with the mock's own counter (Σ parts, no overhead).
import { Agent } from 'undici'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { countTextTokens, getMockProfile, type MockPrefixCache, type MockProfile } from '../../adapters/mock/index.js'
import { createAdapterFromTarget } from '../../adapters/registry.js'
import { parseTarget } from '../../adapters/target.js'
import type { ChatMessage, Usage } from '../../adapters/types.js'
import { collect } from '../helpers/adapter-events.js'
import { readMockStream, startMock, type StartedMock } from '../helpers/start-mock.js'

const lines = (count: number, line: (i: number) => string): string => Array.from({ length: count }, (_, i) => line(i)).join('\n')
const S = lines(40, (i) => `Rule ${i}: check every total against its lines and every date against the calendar.`)
const D = lines(120, (i) => `Line ${i}: invoice INV-${1000 + i} from supplier ${i % 7} for ${i * 3},50 EUR, due 2025-03-${(i % 28) + 1}.`)
const Q = (n: number): string => `Question ${n}: which invoices from supplier ${n} are overdue, and by how much?`
const A = (n: number): string => `Answer ${n}: invoices INV-${1000 + n} and INV-${1007 + n} are overdue by ${n + 3} days.`
const tokens = (text: string): number => countTextTokens(text, 'o200k_base')
const sum = (texts: string[]): number => texts.reduce((total, text) => total + tokens(text), 0)

const user = (content: string, cache = false): ChatMessage => (cache ? { role: 'user', content, cache } : { role: 'user', content })
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content })
const system: ChatMessage = { role: 'system', content: S, cache: true }
const document = user(D, true)

let mock: StartedMock | undefined
let dispatcher: Agent

beforeAll(() => {
  dispatcher = new Agent()
})
afterEach(async () => {
  await mock?.close()
  mock = undefined
})
afterAll(() => dispatcher.close())

async function serve(prefixCache?: MockPrefixCache | false, base: MockProfile = getMockProfile('instant')): Promise<StartedMock> {
  mock = await startMock({ profile: { ...base, name: 'cache-test', ...(prefixCache === undefined ? {} : { prefixCache }) } })
  return mock
}

async function usageOf(server: StartedMock, protocol: 'openai' | 'anthropic', messages: ChatMessage[], stream = true): Promise<Usage> {
  const spec = protocol === 'openai' ? `openai-compatible:gpt-4o-mini@${server.openaiBaseUrl}` : `anthropic:claude-sonnet-4-5@${server.anthropicBaseUrl}`
  const adapter = createAdapterFromTarget(parseTarget(spec, { env: {} }), { dispatcher, env: {}, bodyTimeoutMs: 5_000 })
  const { events, error } = await collect(adapter.stream({ model: adapter.model, messages, maxOutputTokens: 16, targetOutputTokens: 4, stream }, { signal: new AbortController().signal }))
  expect(error).toBeUndefined()
  const usage = events.find((event) => event.type === 'usage')
  if (usage?.type !== 'usage') throw new Error('no usage event')
  return usage.usage
}

describe('OpenAI protocol: automatic prefix caching', () => {
  it('each turn reads exactly the previous request from the cache', async () => {
    const server = await serve()
    const turn1 = [system, document, user(Q(1))]
    const turn2 = [...turn1, assistant(A(1)), user(Q(2))]
    const turn3 = [...turn2, assistant(A(2)), user(Q(3))]
    const input = (messages: ChatMessage[]): number => sum(messages.map((message) => message.content))
    expect(input(turn1)).toBeGreaterThan(1024)
    expect(await usageOf(server, 'openai', turn1)).toMatchObject({ inputTokens: input(turn1), cachedInputTokens: 0 })
    expect(await usageOf(server, 'openai', turn2)).toMatchObject({ inputTokens: input(turn2), cachedInputTokens: input(turn1) })
    expect(await usageOf(server, 'openai', turn3, false)).toMatchObject({ inputTokens: input(turn3), cachedInputTokens: input(turn2) })
    // Another conversation with the same system prompt and document hits exactly those two.
    expect(await usageOf(server, 'openai', [system, document, user(Q(9))])).toMatchObject({ cachedInputTokens: sum([S, D]) })
    expect(server.stats()).toMatchObject({ cachedInputTokens: input(turn1) + input(turn2) + sum([S, D]), cacheWriteInputTokens: 0 })
  })

  it('with room for less than the prefix, eviction leaves the longest prefix that fits', async () => {
    const server = await serve({ capacityTokens: sum([S, D]) - 1 })
    await usageOf(server, 'openai', [system, document, user(Q(1))])
    // Q1, then D were evicted (a prompt's tail goes first): only S is left.
    expect(await usageOf(server, 'openai', [system, document, user(Q(1)), assistant(A(1)), user(Q(2))])).toMatchObject({ cachedInputTokens: tokens(S) })
  })

  it('a prompt under minTokens is not cached; minTokens: 0 caches any prompt', async () => {
    const short = [{ role: 'system', content: 'Be brief.' } as ChatMessage, user(Q(1))]
    const server = await serve()
    for (let i = 0; i < 2; i++) expect(await usageOf(server, 'openai', short)).toMatchObject({ cachedInputTokens: 0 })
    await server.close()
    const eager = await serve({ minTokens: 0 })
    await usageOf(eager, 'openai', short)
    expect(await usageOf(eager, 'openai', short)).toMatchObject({ cachedInputTokens: sum(['Be brief.', Q(1)]) })
  })

  it('prefixCache: false caches nothing', async () => {
    const server = await serve(false)
    for (let i = 0; i < 2; i++) expect(await usageOf(server, 'openai', [system, document, user(Q(1))])).toMatchObject({ cachedInputTokens: 0 })
  })

  it('reports cached_tokens in prompt_tokens_details; prompt_tokens stays the whole prompt', async () => {
    const server = await serve()
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'system', content: S }, { role: 'user', content: D }], max_tokens: 4, stream: true, stream_options: { include_usage: true } }
    await readMockStream(server.url, 'openai', body)
    const answer = await readMockStream(server.url, 'openai', body)
    const last = answer.events.filter((event) => event.data !== '[DONE]').at(-1)
    expect(JSON.parse(last?.data ?? '{}')).toMatchObject({ choices: [], usage: { prompt_tokens: sum([S, D]), prompt_tokens_details: { cached_tokens: sum([S, D]) } } })
  })
})

describe('Anthropic protocol: cache_control breakpoints', () => {
  it('reads up to the last breakpoint, writes the rest of it, bills the remainder as input_tokens', async () => {
    const server = await serve()
    const turn1 = [system, document, user(Q(1))]
    const turn2 = [system, document, user(Q(1)), assistant(A(1)), user(Q(2), true)]
    // The app moves its last mark forward: Q2's mark goes, Q3 gets one.
    const turn3 = [system, document, user(Q(1)), assistant(A(1)), user(Q(2)), assistant(A(2)), user(Q(3), true)]
    expect(await usageOf(server, 'anthropic', turn1)).toEqual({ inputTokens: sum([S, D, Q(1)]), cachedInputTokens: 0, cacheWriteInputTokens: sum([S, D]), outputTokens: 4 })
    expect(await usageOf(server, 'anthropic', turn2, false)).toEqual({
      inputTokens: sum([S, D, Q(1), A(1), Q(2)]),
      cachedInputTokens: sum([S, D]),
      cacheWriteInputTokens: sum([Q(1), A(1), Q(2)]),
      outputTokens: 4,
    })
    expect(await usageOf(server, 'anthropic', turn3)).toEqual({
      inputTokens: sum([S, D, Q(1), A(1), Q(2), A(2), Q(3)]),
      cachedInputTokens: sum([S, D, Q(1), A(1), Q(2)]),
      cacheWriteInputTokens: sum([A(2), Q(3)]),
      outputTokens: 4,
    })
  })

  it('puts the split in message_start and message_delta usage, as the API does', async () => {
    const server = await serve()
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 4,
      stream: true,
      system: [{ type: 'text', text: S, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: D, cache_control: { type: 'ephemeral' } }, { type: 'text', text: Q(1) }] }],
    }
    await readMockStream(server.url, 'anthropic', body)
    const answer = await readMockStream(server.url, 'anthropic', body)
    const data = (type: string): Record<string, unknown> => JSON.parse(answer.events.find((event) => event.event === type)?.data ?? '{}') as Record<string, unknown>
    const split = { input_tokens: tokens(Q(1)), cache_creation_input_tokens: 0, cache_read_input_tokens: sum([S, D]) }
    expect(data('message_start')).toMatchObject({ message: { usage: { ...split, output_tokens: 0 } } })
    expect(data('message_delta')).toMatchObject({ usage: { ...split, output_tokens: 4 } })
  })

  it('without breakpoints nothing is cached: zeros, as today', async () => {
    const server = await serve()
    const plain = [{ role: 'system', content: S } as ChatMessage, user(D), user(Q(1))]
    for (let i = 0; i < 2; i++) {
      expect(await usageOf(server, 'anthropic', plain)).toEqual({ inputTokens: sum([S, D, Q(1)]), cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 4 })
    }
  })

  it('refuses more than four breakpoints, like the API', async () => {
    const server = await serve()
    const marked = { type: 'text', text: 'x', cache_control: { type: 'ephemeral' } }
    const answer = await readMockStream(server.url, 'anthropic', { model: 'claude-sonnet-4-5', max_tokens: 4, messages: [{ role: 'user', content: [marked, marked, marked, marked, marked] }] })
    expect(answer.status).toBe(400)
    expect(answer.raw).toContain('A maximum of 4 blocks with cache_control may be provided. Found 5.')
  })
})

describe('agent chains', () => {
  const chain: ChatMessage[] = [
    system,
    document,
    user(Q(1)),
    { role: 'assistant', content: '{"query":"supplier 1 overdue"}', toolCall: { id: 'call_1', name: 'search' } },
    { role: 'tool', content: 'INV-1001: 3,50 EUR, 4 days overdue', toolCallId: 'call_1', cache: true },
  ]
  const next: ChatMessage[] = [...chain, { role: 'assistant', content: '{"id":"INV-1001"}', toolCall: { id: 'call_2', name: 'fetch' } }, { role: 'tool', content: 'due 2025-03-02', toolCallId: 'call_2', cache: true }]
  const input = (messages: ChatMessage[]): number => sum(messages.map((message) => message.content))

  it.each(['openai', 'anthropic'] as const)('%s: tool calls and results are accepted and counted, and their prefix is cached', async (protocol) => {
    const server = await serve()
    expect(await usageOf(server, protocol, chain)).toMatchObject({ inputTokens: input(chain), cachedInputTokens: 0 })
    // OpenAI: the whole previous prompt. Anthropic: up to its last breakpoint, which is its end too.
    expect(await usageOf(server, protocol, next)).toMatchObject({ inputTokens: input(next), cachedInputTokens: input(chain) })
  })
})

describe('prefill of cached tokens', () => {
  it('a cached repeat on a typical-cloud-like profile has a much shorter service TTFT', async () => {
    const { rateLimits: _limits, ...cloud } = getMockProfile('typical-cloud')
    const base: MockProfile = { ...cloud, timing: { ...cloud.timing, overheadMs: 0, overheadJitter: 0 } }
    const big = lines(800, (i) => `Line ${i}: invoice INV-${1000 + i} from supplier ${i % 7} for ${i * 3},50 EUR.`)
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: big }], max_tokens: 2, stream: true }
    expect(tokens(big)).toBeGreaterThan(15_000)
    // The second request of each pair: its prompt already counted, so only prefill differs.
    const secondTtft = async (server: StartedMock): Promise<number> => {
      await readMockStream(server.url, 'openai', body)
      const answer = await readMockStream(server.url, 'openai', body)
      return answer.tokenAtMs[0] ?? Number.NaN
    }
    const uncached = await secondTtft(await serve(false, base))
    await mock?.close()
    const cached = await secondTtft(await serve(undefined, base))
    // Idle prefill: ~0.02 ms × 17k tokens ≈ 350 ms uncached, a tenth of that cached.
    expect(uncached).toBeGreaterThan(200)
    expect(cached).toBeLessThan(uncached * 0.5)
  })
})
