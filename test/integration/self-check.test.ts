// The run's self-check against ground truth: a quiet run is judged ok; a client whose event
// loop is blocked (a sink that holds it 120 ms per sample) is judged saturated and its latency
// figures are marked; answers with usage never load the tokenizer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../../load/run.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { startMock, type StartedMock } from '../helpers/start-mock.js'

const messages = [{ role: 'user' as const, content: 'Reply with a short answer: what is a load test?' }]
const requests = (count: number, everyMs: number): TrafficRequest[] =>
  Array.from({ length: count }, (_, index) => ({
    id: `r${index}`,
    offsetMs: index * everyMs,
    userId: `u${index}`,
    task: 'chat',
    messages,
    inputTokens: 12,
    maxOutputTokens: 8,
    targetOutputTokens: 8,
  }))

describe('client self-check', () => {
  let mock: StartedMock
  const runAgainstMock = (traffic: TrafficRequest[], extra: Partial<Parameters<typeof run>[0]> = {}) =>
    run({ traffic: { type: 'requests', requests: traffic }, target: `openai-compatible:gpt-4o-mini@${mock.openaiBaseUrl}`, outDir: null, patience: 'off', ...extra })
  beforeAll(async () => {
    mock = await startMock({ profile: 'instant' })
  })
  afterAll(async () => {
    await mock.close()
  })

  it('a light run is ok, with its figures', async () => {
    const { summary } = await runAgainstMock(requests(20, 20))
    const client = summary.client
    expect(client).toBeDefined()
    expect(client?.workers).toBe(1)
    expect(client?.eventLoopDelayP99Ms).not.toBeNull()
    expect(client?.cpuCores).toBeGreaterThan(0)
    // It watches the whole run: at least the 380 ms the offsets span, and the run's own duration.
    expect(client?.watchedMs).toBeGreaterThanOrEqual(380)
    expect(client?.watchedMs).toBeGreaterThanOrEqual(Math.floor(summary.durationMs))
    expect(client?.watchedMs).toBeLessThan(summary.durationMs + 1000)
    expect(client?.pacer.waits).toBeGreaterThan(0)
    // The mock reports usage: the tokenizer is never loaded inside the run.
    expect(client?.tokenizerLoads).toEqual([])
    expect(summary.tokens.estimated_share).toBe(0)
  })

  it('a one-request run is not called a bottleneck for its start-up CPU', async () => {
    const { summary } = await runAgainstMock(requests(1, 0))
    expect(summary.client?.watchedMs).toBeLessThan(1000)
    expect(summary.client?.verdict).toBe('ok')
    expect(summary.notes.some((note) => note.includes('the client was'))).toBe(false)
  })

  it('a blocked event loop is caught and the latency figures are marked', async () => {
    const block = (ms: number): void => {
      const until = performance.now() + ms
      while (performance.now() < until) {
        // busy on purpose: the client is what is being tested
      }
    }
    const { summary } = await runAgainstMock(requests(8, 50), { sinks: [{ name: 'blocker', record: () => block(120) }] })
    expect(summary.client?.verdict).toBe('saturated')
    expect(summary.client?.eventLoopDelayMaxMs).toBeGreaterThan(100)
    expect(summary.client?.distorted).toContain('ttft_ms')
    expect(summary.notes.some((note) => note.includes('the client was the bottleneck'))).toBe(true)
  })
})
