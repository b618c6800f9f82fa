// Load above capacity: TTFT and TPOT grow, a full queue answers 429 (OpenAI) / 529 (Anthropic) with Retry-After.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getMockProfile, type MockProfile } from '../../adapters/mock/index.js'
import { readMockStream, startMock, type MockStreamResult, type StartedMock } from '../helpers/start-mock.js'

// Small and quick: 4 sequences, a queue of 4, 10 ms steps + 3 ms per decoding sequence.
const PROFILE: MockProfile = {
  ...getMockProfile('typical-cloud'),
  name: 'small',
  capacity: 4,
  maxQueue: 4,
  retryAfterSeconds: 2,
  timing: { overheadMs: 0, overheadJitter: 0, prefillMsPerToken: 0.01, maxPrefillTokensPerStep: 4096, decodeBaseMs: 10, decodeMsPerSequence: 3 },
}
delete PROFILE.rateLimits

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}
const gapsOf = (result: MockStreamResult): number[] => result.tokenAtMs.slice(1).map((time, i) => time - (result.tokenAtMs[i] as number))

let mock: StartedMock

beforeAll(async () => {
  mock = await startMock({ profile: PROFILE })
})

afterAll(async () => {
  await mock.close()
})

const ask = (protocol: 'openai' | 'anthropic', outputTokens: number) =>
  readMockStream(
    mock.url,
    protocol,
    protocol === 'openai'
      ? { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Forecast next quarter.' }] }
      : { model: 'claude-haiku-4-5', max_tokens: 1000, stream: true, messages: [{ role: 'user', content: 'Forecast next quarter.' }] },
    { 'x-gauntlet-output-tokens': String(outputTokens) },
  )

describe('mock under load', () => {
  it('slows decoding as more sequences share a step (TPOT grows with load)', async () => {
    const alone = await ask('openai', 30)
    const together = await Promise.all(Array.from({ length: 4 }, () => ask('openai', 30)))
    const aloneGap = median(gapsOf(alone))
    const togetherGap = median(together.flatMap(gapsOf))
    // 13 ms per step alone, 22 ms with four decoding; generous tolerance for a shared machine
    expect(aloneGap).toBeGreaterThan(8)
    expect(aloneGap).toBeLessThan(20)
    expect(togetherGap).toBeGreaterThan(aloneGap * 1.3)
  })

  it('queues past capacity (TTFT grows) and rejects past the queue: 429 with Retry-After (OpenAI)', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => ask('openai', 20)))
    const ok = results.filter((result) => result.status === 200)
    const rejected = results.filter((result) => result.status === 429)
    expect(ok).toHaveLength(8)
    expect(rejected).toHaveLength(4)
    for (const result of rejected) {
      expect(result.headers['retry-after']).toBe('2')
      expect(result.headers['retry-after-ms']).toBe('2000')
      const body = JSON.parse(result.raw) as { error: { type: string; code: string } }
      expect(body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' })
    }
    const ttfts = ok.map((result) => result.tokenAtMs[0] as number).sort((a, b) => a - b)
    // the second wave waits for the first to finish (~20 steps of ~22 ms)
    const firstWave = median(ttfts.slice(0, 4))
    const secondWave = median(ttfts.slice(4))
    expect(secondWave).toBeGreaterThan(firstWave + 200)
    const queued = ok.map((result) => Number(result.headers['x-gauntlet-queue-ms'])).filter((queueMs) => queueMs > 0)
    expect(queued).toHaveLength(4)
    expect(mock.stats()).toMatchObject({ queued: 0, activeSequences: 0, peakQueued: 4, peakActiveSequences: 4 })
    expect(mock.stats().rejectedQueueFull).toBeGreaterThanOrEqual(4)
  })

  it('answers 529 overloaded_error with Retry-After on the Anthropic route', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => ask('anthropic', 10)))
    const overloaded = results.filter((result) => result.status === 529)
    expect(overloaded).toHaveLength(2)
    for (const result of overloaded) {
      expect(result.headers['retry-after']).toBe('2')
      expect(JSON.parse(result.raw)).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })
    }
    expect(results.filter((result) => result.status === 200).every((result) => result.raw.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n'))).toBe(true)
  })
})
