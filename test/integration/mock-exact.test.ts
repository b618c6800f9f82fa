// Exact timing (profile, headers, script hook) and the scripted failure modes tests rely on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MockRequestInfo } from '../../adapters/mock/index.js'
import { readMockStream, startMock, type MockStreamResult, type StartedMock } from '../helpers/start-mock.js'

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}
const gapsOf = (result: MockStreamResult): number[] => result.tokenAtMs.slice(1).map((time, i) => time - (result.tokenAtMs[i] as number))
const chat = (content: string) => ({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content }] })

describe('exact profile', () => {
  let mock: StartedMock
  beforeAll(async () => {
    mock = await startMock({ profile: 'exact' })
  })
  afterAll(async () => {
    await mock.close()
  })

  it('gives TTFT 200 ms and 20 ms gaps to 40 concurrent streams (never early, generous tolerance late)', async () => {
    const round = () =>
      Promise.all(Array.from({ length: 40 }, (_, i) => readMockStream(mock.url, 'openai', chat(`q${i}`), { 'x-gauntlet-output-tokens': '10' })))
    // Warm-up: opens the 40 keep-alive connections, so the measured round times the mock, not TCP set-up.
    await round()
    const results = await round()
    // The client clock starts before the request is sent, so it can only see later, never earlier.
    const ttfts = results.map((result) => result.tokenAtMs[0] as number)
    expect(Math.min(...ttfts)).toBeGreaterThanOrEqual(199)
    // Exact mode sends headers on arrival: first token − headers is the server's TTFT.
    const serverTtfts = results.map((result) => (result.tokenAtMs[0] as number) - result.headersAtMs)
    // Headers the client reads late (its loop busy with the other 39 arrivals, on a shared
    // machine) shorten this gap, so its floor is loose; "never early" above is the strict check.
    expect(median(serverTtfts)).toBeGreaterThan(150)
    expect(median(serverTtfts)).toBeLessThan(240)
    const gaps = results.flatMap(gapsOf)
    expect(median(gaps)).toBeGreaterThan(15)
    expect(median(gaps)).toBeLessThan(26)
    for (const result of results) {
      expect(result.tokenAtMs).toHaveLength(10)
      // 200 + 9 × 20: the absolute schedule keeps the total even when a gap is late
      expect(result.endAtMs).toBeGreaterThanOrEqual(379)
    }
    // Same loose floor as above: a header read late shortens end − headers, never the total.
    const serverEnds = results.map((result) => result.endAtMs - result.headersAtMs)
    expect(median(serverEnds)).toBeGreaterThan(330)
    expect(median(serverEnds)).toBeLessThan(440)
  })
})

describe('timing headers and the script hook on a simulated profile', () => {
  let mock: StartedMock
  const seen: MockRequestInfo[] = []
  beforeAll(async () => {
    mock = await startMock({
      profile: 'typical-cloud',
      script: (info) => {
        seen.push(info)
        const content = info.messages[0]?.content ?? ''
        if (content === 'slow') return { ttftMs: 400, itlMs: 5, outputTokens: 4 }
        if (content === 'fail') return { status: 503, ttftMs: 50, headers: { 'retry-after': '7' } }
        if (content === 'custom-body') return { status: 500, errorBody: { error: { message: 'boom', type: 'server_error' } } }
        if (content === 'reset') return { ttftMs: 0, itlMs: 5, outputTokens: 20, resetAfterTokens: 3 }
        if (content === 'no-terminator') return { ttftMs: 0, itlMs: 1, outputTokens: 3, omitTerminator: true }
        return undefined
      },
    })
  })
  afterAll(async () => {
    await mock.close()
  })

  it('honours x-gauntlet-ttft-ms / x-gauntlet-itl-ms exactly, bypassing the simulator', async () => {
    const result = await readMockStream(mock.url, 'openai', chat('hello'), {
      'x-gauntlet-ttft-ms': '60',
      'x-gauntlet-itl-ms': '15',
      'x-gauntlet-output-tokens': '6',
    })
    expect(result.tokenAtMs).toHaveLength(6)
    expect(result.tokenAtMs[0]).toBeGreaterThanOrEqual(59)
    expect(result.tokenAtMs[0]).toBeLessThan(160)
    expect(result.endAtMs).toBeGreaterThanOrEqual(60 + 5 * 15 - 1)
  })

  it('lets a script make exactly some requests slow', async () => {
    const [slow, normal] = await Promise.all([
      readMockStream(mock.url, 'openai', chat('slow')),
      readMockStream(mock.url, 'openai', chat('normal'), { 'x-gauntlet-ttft-ms': '20', 'x-gauntlet-itl-ms': '1', 'x-gauntlet-output-tokens': '4' }),
    ])
    expect(slow.tokenAtMs).toHaveLength(4)
    expect(slow.tokenAtMs[0]).toBeGreaterThanOrEqual(399)
    expect(normal.tokenAtMs[0]).toBeLessThan(200)
    const info = seen.find((entry) => entry.messages[0]?.content === 'slow')
    expect(info).toMatchObject({ protocol: 'openai', model: 'gpt-4o-mini', stream: true, inputTokens: 1 })
    expect(typeof info?.index).toBe('number')
  })

  it('answers a scripted status in the vendor shape (after the scripted delay) or with a custom body', async () => {
    const failed = await readMockStream(mock.url, 'anthropic', { model: 'claude-mock', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'fail' }] })
    expect(failed.status).toBe(503)
    expect(failed.endAtMs).toBeGreaterThanOrEqual(49)
    expect(failed.headers['retry-after']).toBe('7')
    expect(JSON.parse(failed.raw)).toMatchObject({ type: 'error', error: { type: 'api_error' } })
    const custom = await readMockStream(mock.url, 'openai', chat('custom-body'))
    expect(custom.status).toBe(500)
    expect(JSON.parse(custom.raw)).toEqual({ error: { message: 'boom', type: 'server_error' } })
  })

  it('resets the connection mid-stream after the scripted number of tokens', async () => {
    const result = await readMockStream(mock.url, 'openai', chat('reset'))
    expect(result.status).toBe(200)
    expect(result.tokenAtMs).toHaveLength(3)
    expect(result.error).toBeDefined()
    expect(result.raw).not.toContain('[DONE]')
  })

  it('ends a stream without its terminator when asked', async () => {
    const result = await readMockStream(mock.url, 'openai', chat('no-terminator'))
    expect(result.error).toBeUndefined()
    expect(result.tokenAtMs).toHaveLength(3)
    expect(result.raw).toContain('"finish_reason":"stop"')
    expect(result.raw).not.toContain('[DONE]')
  })

  it('rejects timing headers that are not numbers', async () => {
    const result = await readMockStream(mock.url, 'openai', chat('x'), { 'x-gauntlet-itl-ms': 'fast' })
    expect(result.status).toBe(400)
    expect(JSON.parse(result.raw)).toMatchObject({ error: { param: 'x-gauntlet-itl-ms', type: 'invalid_request_error' } })
  })
})

describe('scripted reset on the instant profile (the whole answer is written at once)', () => {
  let mock: StartedMock
  beforeAll(async () => {
    mock = await startMock({ profile: 'instant', script: () => ({ resetAfterTokens: 3 }) })
  })
  afterAll(async () => {
    await mock.close()
  })

  it.each(['openai', 'anthropic'] as const)('%s: three tokens, then a reset; the server holds nothing', async (protocol) => {
    const result = await readMockStream(mock.url, protocol, { model: 'claude-mock', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] })
    expect(result.tokenAtMs).toHaveLength(3)
    expect(result.error).toBeDefined()
    await expect.poll(() => mock.stats()).toMatchObject({ activeSequences: 0, openStreams: 0, errors: 0 })
  })
})
