// Per-key rate limits: x-ratelimit-* headers count down, then 429 with Retry-After in each vendor's shape.
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getMockProfile } from '../../adapters/mock/index.js'
import { startMock, type StartedMock } from '../helpers/start-mock.js'

let mock: StartedMock

beforeAll(async () => {
  mock = await startMock({ profile: { ...getMockProfile('instant'), name: 'limited', rateLimits: { requestsPerMinute: 5, tokensPerMinute: 1000 } } })
})

afterAll(async () => {
  await mock.close()
})

async function ask(key: string, protocol: 'openai' | 'anthropic' = 'openai', outputTokens = 10) {
  const response = await request(`${mock.url}${protocol === 'openai' ? '/v1/chat/completions' : '/v1/messages'}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-gauntlet-output-tokens': String(outputTokens),
      ...(protocol === 'openai' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key, 'anthropic-version': '2023-06-01' }),
    },
    body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 2000, messages: [{ role: 'user', content: 'hi' }] }),
  })
  return { status: response.statusCode, headers: response.headers, json: (await response.body.json()) as Record<string, unknown> }
}

describe('mock rate limits', () => {
  it('counts the request budget down in headers, then answers 429 rate_limit_exceeded with Retry-After', async () => {
    const answers = []
    for (let i = 0; i < 5; i++) answers.push(await ask('key-a'))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])
    expect(answers.map((answer) => answer.headers['x-ratelimit-remaining-requests'])).toEqual(['4', '3', '2', '1', '0'])
    expect(answers[0]?.headers['x-ratelimit-limit-requests']).toBe('5')
    expect(answers[0]?.headers['x-ratelimit-limit-tokens']).toBe('1000')
    // 11 tokens per request (1 in, 10 out)
    expect(answers[0]?.headers['x-ratelimit-remaining-tokens']).toBe('989')
    const refused = await ask('key-a')
    expect(refused.status).toBe(429)
    expect(refused.json).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } })
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(11)
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(12)
    expect(refused.headers['x-ratelimit-remaining-requests']).toBe('0')
    expect(mock.stats().rejectedRateLimit).toBe(1)
    // budgets are per key
    expect((await ask('key-b')).status).toBe(200)
  })

  it('refuses a request past the token budget, Anthropic-shaped with anthropic-ratelimit-* headers', async () => {
    const refused = await ask('key-c', 'anthropic', 1500)
    expect(refused.status).toBe(429)
    expect(refused.json).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } })
    expect(refused.headers['anthropic-ratelimit-tokens-limit']).toBe('1000')
    expect(refused.headers['anthropic-ratelimit-requests-remaining']).toBe('5')
    expect(refused.headers['x-ratelimit-limit-tokens']).toBe('1000')
    expect(refused.headers['retry-after']).toBe('60')
    const fits = await ask('key-c', 'anthropic', 500)
    expect(fits.status).toBe(200)
    expect(fits.headers['anthropic-ratelimit-tokens-remaining']).toBe('499')
  })
})
