// The engine against the embedded mock with exact, injected timings: the numbers must be true.
import { readdir, readFile } from 'node:fs/promises'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockServer, type MockServer } from '../../adapters/mock/index.js'
import { run } from '../../load/run.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { readRecords } from '../../results/sinks/jsonl.js'
import type { Sample } from '../../results/types.js'

const GPT_4O_MINI = { inputPerM: 0.15, outputPerM: 0.6 }

function request(i: number, overrides: Partial<TrafficRequest> = {}): TrafficRequest {
  return {
    id: `r${i}`,
    offsetMs: i * 20,
    userId: `u${i % 4}`,
    task: i % 2 === 0 ? 'chat' : 'write-email',
    messages: [{ role: 'user', content: `question ${i}: summarise the quarterly report` }],
    inputTokens: 9,
    maxOutputTokens: 64,
    targetOutputTokens: 10,
    ...overrides,
  }
}

describe('engine against the exact-timing mock', () => {
  let mock: MockServer
  let target: string
  beforeAll(async () => {
    mock = await createMockServer({
      profile: 'exact',
      script: (info) => {
        const text = info.messages.map((m) => m.content).join(' ')
        const ttft = /ttft=(\d+)/.exec(text)
        return ttft === null ? undefined : { ttftMs: Number(ttft[1]), itlMs: 20 }
      },
    })
    target = `openai-compatible:gpt-4o-mini@${mock.url}/v1`
  })
  afterAll(async () => mock.close())

  it('measures TTFT, ITL, TPOT and e2e equal to the injected values; tokens and spend equal the usage', async () => {
    const requests = Array.from({ length: 12 }, (_, i) => request(i))
    const result = await run({ traffic: { type: 'requests', requests }, target, outDir: null, patience: 'off' })
    const { summary } = result
    expect(summary.requests.completed).toBe(12)
    // exact profile: TTFT 200 ms, 20 ms between tokens, 10 tokens -> e2e = 200 + 9 × 20 = 380 ms.
    const latency = summary.latency
    expect(latency.ttft_service_ms.p50).toBeGreaterThan(195)
    expect(latency.ttft_service_ms.p50).toBeLessThan(260)
    expect(latency.itl_ms.p50).toBeGreaterThan(17)
    expect(latency.itl_ms.p50).toBeLessThan(35)
    expect(latency.tpot_ms.p50).toBeGreaterThan(18)
    expect(latency.tpot_ms.p50).toBeLessThan(35)
    expect(latency.e2e_service_ms.p50).toBeGreaterThan(370)
    expect(latency.e2e_service_ms.p50).toBeLessThan(480)
    // From the scheduled time: service time plus (here small) lag.
    expect(latency.e2e_ms.p50 as number).toBeGreaterThanOrEqual((latency.e2e_service_ms.p50 as number) - 2)
    expect(summary.tokens.output).toBe(12 * 10)
    expect(summary.tokens.estimated_share).toBe(0)
    const inputTokens = summary.tokens.input
    expect(inputTokens).toBe(mock.stats().inputTokens)
    const expectedUsd = (inputTokens * GPT_4O_MINI.inputPerM + 120 * GPT_4O_MINI.outputPerM) / 1e6
    expect(summary.spend.usd).toBeCloseTo(expectedUsd, 9)
    expect(summary.target.pricedAs).toBe('gpt-4o-mini')
  })

  it('when the in-flight cap binds (queue mode), latency from the scheduled time includes the wait and lag is reported', async () => {
    const requests = Array.from({ length: 6 }, (_, i) => request(i, { offsetMs: 0 }))
    const { summary } = await run({
      traffic: { type: 'requests', requests },
      target,
      outDir: null,
      patience: 'off',
      maxInFlight: 2,
      schedule: { type: 'open', overflow: 'queue' },
    })
    expect(summary.requests.completed).toBe(6)
    // Three waves of two: lag about 0, 380, 760 ms; the service time stays ~380 ms.
    expect(summary.latency.schedule_lag_ms.max).toBeGreaterThan(600)
    expect(summary.latency.e2e_service_ms.max).toBeLessThan(600)
    expect(summary.latency.e2e_ms.max).toBeGreaterThan(1_000)
  })

  it('drops requests past the in-flight cap by default and counts them', async () => {
    const requests = Array.from({ length: 5 }, (_, i) => request(i, { offsetMs: 0 }))
    const { summary } = await run({ traffic: { type: 'requests', requests }, target, outDir: null, patience: 'off', maxInFlight: 2 })
    expect(summary.requests.byOutcome['dropped']).toBe(3)
    expect(summary.requests.completed).toBe(2)
  })

  it('abandons exactly the requests whose TTFT passes the patience, and counts their wasted tokens', async () => {
    const requests = Array.from({ length: 8 }, (_, i) =>
      request(i, {
        userId: `u${i}`,
        messages: [{ role: 'user', content: i % 2 === 0 ? 'ttft=100 quick one' : 'ttft=1500 slow one' }],
      }),
    )
    const { summary } = await run({
      traffic: { type: 'requests', requests },
      target,
      outDir: null,
      patience: 'ttft=fixed:800ms,e2e=none,quit=off',
    })
    expect(summary.requests.byOutcome['abandoned']).toBe(4)
    expect(summary.requests.completed).toBe(4)
    expect(summary.abandonment.abandoned_before_first_token).toBe(4)
    expect(summary.abandonment.rate).toBe(0.5)
  })

  it('counts the tokens streamed before an e2e abandonment as wasted spend', async () => {
    const requests = Array.from({ length: 3 }, (_, i) =>
      request(i, { targetOutputTokens: 60, maxOutputTokens: 64, messages: [{ role: 'user', content: 'ttft=100 stream a long one' }] }),
    )
    const { summary } = await run({ traffic: { type: 'requests', requests }, target, outDir: null, patience: 'ttft=none,e2e=fixed:600ms,quit=off' })
    expect(summary.requests.byOutcome['abandoned']).toBe(3)
    // 100 ms to the first token, then one token per 20 ms until 600 ms: about 26 tokens each.
    const perRequest = summary.tokens.output / 3
    expect(perRequest).toBeGreaterThan(15)
    expect(perRequest).toBeLessThan(35)
    expect(summary.abandonment.wasted_usd).toBe(summary.spend.usd)
    expect(summary.abandonment.wasted_usd as number).toBeGreaterThan(0)
    expect(summary.tokens.estimated_share).toBe(1)
  })

  it('stops new sends at the hard spend cap (spent + worst case in flight), never passing it', async () => {
    const requests = Array.from({ length: 10 }, (_, i) => request(i, { offsetMs: i * 10 }))
    // Worst case per request: 9 input + 64 output tokens at gpt-4o-mini prices.
    const worstCase = (9 * GPT_4O_MINI.inputPerM + 64 * GPT_4O_MINI.outputPerM) / 1e6
    const cap = worstCase * 3.5
    const { summary } = await run({ traffic: { type: 'requests', requests }, target, outDir: null, patience: 'off', maxSpendUsd: cap })
    expect(summary.requests.byOutcome['budget-stopped']).toBe(7)
    expect(summary.requests.completed).toBe(3)
    expect(summary.spend.usd as number).toBeLessThanOrEqual(cap)
    expect(summary.notes.join(' ')).toMatch(/spend cap/)
  })

  it('users quit after the configured abandonments; the rest of their traffic is lost demand', async () => {
    const requests = Array.from({ length: 5 }, (_, i) =>
      request(i, { userId: 'impatient', offsetMs: i * 1_000, messages: [{ role: 'user', content: 'ttft=900 slow' }] }),
    )
    const { summary } = await run({
      traffic: { type: 'requests', requests },
      target,
      outDir: null,
      patience: 'ttft=fixed:300ms,e2e=none,quit=2/2',
      // 500 ms apart: each abandonment (at 300 ms) is known before the next request is due.
      schedule: { type: 'open', timeScale: 2 },
    })
    expect(summary.requests.byOutcome['abandoned']).toBe(2)
    expect(summary.requests.byOutcome['lost-demand']).toBe(3)
    expect(summary.abandonment.users_quit).toBe(1)
  })

  it('streams records to disk and never writes the API key into the run folder', async () => {
    const secret = 'sk-test-THIS-KEY-MUST-NEVER-BE-WRITTEN-0123456789'
    const keyed = await createMockServer({ profile: 'exact', apiKeys: [secret] })
    try {
      const outDir = join(mkdtempSync(join(tmpdir(), 'gauntlet-run-')), 'run')
      const requests = Array.from({ length: 4 }, (_, i) => request(i))
      const result = await run({
        traffic: { type: 'requests', requests },
        target: `openai:gpt-4o-mini@${keyed.url}/v1`,
        env: { OPENAI_API_KEY: secret },
        outDir,
        patience: 'off',
        thresholds: ['ttft_ms.p95<60000', 'error_rate<0.01'],
      })
      expect(result.summary.requests.completed).toBe(4)
      expect(result.thresholdsPassed).toBe(true)
      const files = await readdir(outDir)
      expect(files).toEqual(expect.arrayContaining(['records.jsonl', 'summary.json', 'histograms.json']))
      for (const file of files) {
        const text = await readFile(join(outDir, file), 'utf8')
        expect(text).not.toContain(secret)
        expect(text).not.toContain('THIS-KEY-MUST-NEVER')
      }
      const { header, samples } = await readRecords(join(outDir, 'records.jsonl'))
      expect(header['schemaVersion']).toBe(1)
      expect(samples).toHaveLength(4)
      const sample = samples[0] as Sample
      expect(sample.outcome).toBe('ok')
      expect(sample.scheduledAtMs).toBeLessThanOrEqual(sample.sentAtMs as number)
      expect(sample.firstTokenAtMs).toBeGreaterThan(sample.sentAtMs as number)
    } finally {
      await keyed.close()
    }
  })

  it('retries like the SDKs, recording every attempt and the amplification', async () => {
    let calls = 0
    const flaky = await createMockServer({
      profile: 'exact',
      script: () => (++calls % 2 === 1 ? { status: 429, headers: { 'retry-after-ms': '50' } } : undefined),
    })
    try {
      const requests = Array.from({ length: 4 }, (_, i) => request(i, { offsetMs: i * 500 }))
      const { summary } = await run({
        traffic: { type: 'requests', requests },
        target: `openai-compatible:gpt-4o-mini@${flaky.url}/v1`,
        outDir: null,
        patience: 'off',
        retries: 'sdk',
      })
      expect(summary.requests.completed).toBe(4)
      expect(summary.retries.attempts).toBe(8)
      expect(summary.retries.amplification).toBe(2)
      expect(summary.errors.rate).toBe(0)
    } finally {
      await flaky.close()
    }
  })
})
