// Conversations, shared prefixes and agent tasks against the embedded mock: the ground truth is
// the traffic's own token arithmetic, the mock's prefix cache and a hand computation of spend.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createMockServer, type MockServer, type MockServerOptions } from '../../adapters/mock/index.js'
import { countTokens } from '../../core/tokens.js'
import type { TrafficRequest, TurnSpec } from '../../core/traffic-types.js'
import { blockText, standInText } from '../../load/chain/history.js'
import { run, type RunOptions } from '../../load/run.js'
import { generateTraffic } from '../../load/workload/generate.js'
import { readRecords } from '../../results/sinks/jsonl.js'
import type { Sample } from '../../results/types.js'

const SYSTEM = { id: 'sys:test', tokens: 1100 }
const DOCUMENT = { id: 'doc:test', tokens: 300 }

let mock: MockServer | undefined
afterEach(async () => {
  await mock?.close()
  mock = undefined
})

async function start(options: MockServerOptions = {}): Promise<MockServer> {
  mock = await createMockServer({ profile: 'instant', ...options })
  return mock
}

/** A conversation of three turns with literal follow-ups: every input count is known by hand. */
function conversation(id: string, offsetMs: number, first: string, followUps: string[], extra: Partial<TrafficRequest> = {}): TrafficRequest {
  const userTokens = countTokens(first)
  const base: TrafficRequest = {
    id,
    offsetMs,
    userId: `user-${id}`,
    task: 'chat',
    messages: [{ role: 'user', content: first }],
    inputTokens: SYSTEM.tokens + DOCUMENT.tokens + userTokens,
    maxOutputTokens: 32,
    targetOutputTokens: 6,
    prefix: { system: SYSTEM, documents: [DOCUMENT] },
    ...extra,
  }
  let input = base.inputTokens
  let previousAnswer = base.targetOutputTokens as number
  base.turns = followUps.map((text, index): TurnSpec => {
    input += previousAnswer + countTokens(text)
    previousAnswer = 4 + index
    return { thinkMs: 50, text, inputTokens: input, maxOutputTokens: 32, targetOutputTokens: previousAnswer }
  })
  return base
}

function byRequest(samples: readonly Sample[]): Map<string, Sample> {
  return new Map(samples.filter((sample) => sample.willRetry !== true).map((sample) => [sample.requestId, sample]))
}

async function runTraffic(target: string, requests: TrafficRequest[], extra: Partial<RunOptions> = {}): Promise<{ samples: Sample[]; result: Awaited<ReturnType<typeof run>> }> {
  const outDir = join(mkdtempSync(join(tmpdir(), 'gauntlet-conv-')), 'run')
  const result = await run({ traffic: { type: 'requests', requests }, target, outDir, patience: 'off', ...extra })
  const { samples } = await readRecords(join(outDir, 'records.jsonl'))
  return { samples, result }
}

describe('conversations against the mock (OpenAI protocol, automatic prefix cache)', () => {
  it('re-sends the history: input grows by exactly the previous turns, the cache reads exactly the previous request, spend matches the cached price', async () => {
    const server = await start()
    const traffic = [
      conversation('c1', 0, 'How do I file a travel expense claim?', ['And for a train ticket abroad?', 'Who approves it?']),
      conversation('c2', 600, 'Where is the holiday calendar?', ['Does it include regional holidays?', 'Thanks, and for Zurich?']),
    ]
    const { samples, result } = await runTraffic(`openai-compatible:gpt-4o-mini@${server.url}/v1`, traffic)
    const final = byRequest(samples)
    expect([...final.keys()].sort()).toEqual(['c1/1', 'c1/2', 'c1/3', 'c2/1', 'c2/2', 'c2/3'])
    for (const request of traffic) {
      const turns = [request.inputTokens, ...(request.turns ?? []).map((turn) => turn.inputTokens)]
      turns.forEach((expected, index) => {
        const sample = final.get(`${request.id}/${index + 1}`) as Sample
        expect(sample.outcome).toBe('ok')
        expect(sample.tokensEstimated).toBeUndefined()
        // The server's count of what was sent equals the traffic's arithmetic.
        expect(sample.inputTokens).toBe(expected)
        expect(sample.conversationId).toBe(request.id)
        expect(sample.turn).toBe(index + 1)
        if (index > 0) expect(sample.cachedInputTokens).toBe(turns[index - 1])
      })
    }
    // The second conversation shares the system prompt and the document with the first.
    expect(final.get('c2/1')?.cachedInputTokens).toBe(SYSTEM.tokens + DOCUMENT.tokens)
    expect(final.get('c1/1')?.cachedInputTokens).toBe(0)
    // A turn is sent only after the previous answer plus the think time.
    for (const id of ['c1', 'c2']) {
      for (const turn of [2, 3]) {
        const previous = final.get(`${id}/${turn - 1}`) as Sample
        expect((final.get(`${id}/${turn}`) as Sample).sentAtMs as number).toBeGreaterThanOrEqual((previous.endAtMs as number) + 50 - 1)
      }
    }
    // gpt-4o-mini: $0.15 / M input, $0.075 / M cached input, $0.60 / M output.
    let spend = 0
    let uncached = 0
    for (const sample of final.values()) {
      const input = sample.inputTokens as number
      const cached = sample.cachedInputTokens ?? 0
      const output = sample.outputTokens as number
      const expected = ((input - cached) * 0.15 + cached * 0.075 + output * 0.6) / 1e6
      expect(sample.spendUsd).toBeCloseTo(expected, 12)
      spend += expected
      uncached += (input * 0.15 + output * 0.6) / 1e6
    }
    const { caching, conversations } = result.summary
    expect(caching?.spend_usd).toBeCloseTo(spend, 9)
    expect(caching?.uncached_spend_usd).toBeCloseTo(uncached, 9)
    expect(caching?.saving_usd).toBeCloseTo(uncached - spend, 9)
    expect(conversations?.conversations).toMatchObject({ count: 2, completed: 2, ended_early: 0, turns_sent_mean: 3 })
    expect(conversations?.by_turn.map((turn) => turn.turn)).toEqual([1, 2, 3])
    const meanInput = (turn: number): number => (traffic[0] as TrafficRequest).turns === undefined ? 0 : traffic.reduce((sum, request) => sum + (turn === 1 ? request.inputTokens : (request.turns?.[turn - 2] as TurnSpec).inputTokens), 0) / 2
    expect(conversations?.by_turn.map((turn) => turn.input_tokens_mean)).toEqual([meanInput(1), meanInput(2), meanInput(3)])
    // Cached, spend and chain figures against the records they summarise.
    const turnSamples = (turn: number): Sample[] => [...final.values()].filter((sample) => sample.turn === turn)
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length
    for (const stats of conversations?.by_turn ?? []) {
      expect(stats.cached_input_tokens_mean).toBeCloseTo(mean(turnSamples(stats.turn).map((sample) => sample.cachedInputTokens ?? 0)), 3)
      expect(stats.spend_usd_mean as number).toBeCloseTo(mean(turnSamples(stats.turn).map((sample) => sample.spendUsd as number)), 8)
    }
    expect(conversations?.conversations?.spend_per_chain_usd as number).toBeCloseTo(spend / 2, 8)
    const durations = ['c1', 'c2'].map((id) => (final.get(`${id}/3`)?.endAtMs as number) - (final.get(`${id}/1`)?.scheduledAtMs as number))
    expect(conversations?.conversations?.duration_ms.count).toBe(2)
    // HDR buckets: within 0.1 % of the records' own first-send-to-last-answer times.
    expect(conversations?.conversations?.duration_ms.max as number).toBeCloseTo(Math.max(...durations), -1)
    expect(conversations?.conversations?.duration_ms.min as number).toBeCloseTo(Math.min(...durations), -1)
  })

  it('sends no later turn once a turn is abandoned: the rest are lost demand', async () => {
    const server = await start({ profile: 'exact', script: (info) => (/slow-please/.test(info.messages.at(-1)?.content ?? '') ? { ttftMs: 1500, itlMs: 1 } : { ttftMs: 20, itlMs: 1 }) })
    const traffic = [conversation('c1', 0, 'First question about invoices', ['slow-please second question', 'third question', 'fourth question'])]
    const { samples, result } = await runTraffic(`openai-compatible:gpt-4o-mini@${server.url}/v1`, traffic, { patience: 'ttft=fixed:500ms,e2e=none,quit=off' })
    const final = byRequest(samples)
    expect(final.get('c1/1')?.outcome).toBe('ok')
    expect(final.get('c1/2')?.outcome).toBe('abandoned')
    expect(final.get('c1/3')?.outcome).toBe('lost-demand')
    expect(final.get('c1/4')?.outcome).toBe('lost-demand')
    expect(server.stats().chatRequests).toBe(2)
    expect(result.summary.conversations?.conversations).toMatchObject({ count: 1, completed: 0, ended_early: 1 })
  })
})

describe('prompt caching on the Anthropic protocol (explicit breakpoints)', () => {
  it('reads and writes at the breakpoints, and spend equals the hand computation with read and write prices', async () => {
    const server = await start()
    const traffic = [conversation('a1', 0, 'Summarise the onboarding policy for contractors.', ['What about laptops?', 'And VPN access?'])]
    const { samples, result } = await runTraffic(`anthropic:claude-haiku-4-5@${server.url}`, traffic)
    const final = [...byRequest(samples).values()].sort((a, b) => (a.turn as number) - (b.turn as number))
    expect(final.map((sample) => sample.outcome)).toEqual(['ok', 'ok', 'ok'])
    // Turn 1 writes the whole prompt (its last message is a breakpoint); each later turn reads the previous request and writes only the new part.
    const inputs = [traffic[0]?.inputTokens as number, ...(traffic[0]?.turns ?? []).map((turn) => turn.inputTokens)]
    expect(final.map((sample) => sample.inputTokens)).toEqual(inputs)
    expect(final.map((sample) => sample.cachedInputTokens)).toEqual([0, inputs[0], inputs[1]])
    expect(final.map((sample) => sample.cacheWriteInputTokens)).toEqual([inputs[0], (inputs[1] as number) - (inputs[0] as number), (inputs[2] as number) - (inputs[1] as number)])
    // claude-haiku-4-5: $1 / M input, $0.10 / M cache reads, $1.25 / M cache writes, $5 / M output.
    let spend = 0
    for (const sample of final) {
      const input = sample.inputTokens as number
      const read = sample.cachedInputTokens ?? 0
      const write = sample.cacheWriteInputTokens ?? 0
      const expected = ((input - read - write) * 1 + read * 0.1 + write * 1.25 + (sample.outputTokens as number) * 5) / 1e6
      expect(sample.spendUsd).toBeCloseTo(expected, 12)
      spend += expected
    }
    expect(result.summary.caching?.spend_usd).toBeCloseTo(spend, 9)
    expect(result.summary.caching?.cache_write_tokens).toBe(final.reduce((sum, sample) => sum + (sample.cacheWriteInputTokens ?? 0), 0))
  })
})

describe('agent tasks', () => {
  it('sends tool calls and results, and applies the patience to the whole chain from its first send', async () => {
    const server = await start({ profile: 'exact', script: () => ({ ttftMs: 300, itlMs: 1, outputTokens: 1 }) })
    const first = 'Find the open purchase orders for vendor Acme and total them.'
    const request: TrafficRequest = {
      id: 'g1',
      offsetMs: 0,
      userId: 'agent-user',
      task: 'code-assist',
      messages: [{ role: 'user', content: first }],
      inputTokens: countTokens(first),
      maxOutputTokens: 8,
      targetOutputTokens: 1,
      agent: true,
      turns: [
        { thinkMs: 50, kind: 'tool', text: 'PO-1 open 1200 EUR; PO-7 open 300 EUR', inputTokens: 0, maxOutputTokens: 8, targetOutputTokens: 1 },
        { thinkMs: 50, kind: 'tool', text: 'total 1500 EUR', inputTokens: 0, maxOutputTokens: 8, targetOutputTokens: 1 },
      ],
    }
    // Each call alone takes ~300 ms, well inside 800 ms; the chain reaches its third call at ~700 ms.
    const { samples, result } = await runTraffic(`openai-compatible:gpt-4o-mini@${server.url}/v1`, [request], { patience: 'ttft=none,e2e=fixed:800ms,quit=off' })
    const final = [...byRequest(samples).values()].sort((a, b) => (a.turn as number) - (b.turn as number))
    expect(final.map((sample) => sample.outcome)).toEqual(['ok', 'ok', 'abandoned'])
    expect(final[2]?.abandonReason).toBe('e2e')
    expect(final.every((sample) => sample.agent === true)).toBe(true)
    // The second call re-sent the first with the tool call's stand-in arguments and the tool result.
    const callArguments = JSON.stringify({ query: standInText(request, 1) })
    expect(final[1]?.inputTokens).toBe(countTokens(first) + countTokens(callArguments) + countTokens('PO-1 open 1200 EUR; PO-7 open 300 EUR'))
    expect(result.summary.conversations?.agent_tasks).toMatchObject({ count: 1, completed: 0, ended_early: 1 })
    expect(server.stats().chatRequests).toBe(3)
  })
})

describe('shared blocks', () => {
  it('expand to exactly their token count, the same text for the same id', () => {
    expect(countTokens(blockText(SYSTEM, 'system'))).toBe(SYSTEM.tokens)
    expect(countTokens(blockText(DOCUMENT, 'document'))).toBe(DOCUMENT.tokens)
    expect(blockText(SYSTEM, 'system')).toBe(blockText({ ...SYSTEM }, 'system'))
    expect(blockText({ id: 'other', tokens: 1100 }, 'system')).not.toBe(blockText(SYSTEM, 'system'))
  })
})

describe('generated conversations and agent tasks (workload model file)', () => {
  it('plans every turn\'s input exactly: the mock counts what the traffic file says, stand-ins and tool calls included', async () => {
    const server = await start()
    const model = JSON.parse(readFileSync(new URL('../../load/workload/examples/chat-rag-agents.json', import.meta.url), 'utf8')) as unknown
    const traffic = [...generateTraffic({ preset: 'peak-hour', seed: 5, employees: 300, timeScale: 3600, maxRequests: 24, model: { json: model, file: 'chat-rag-agents.json' } })]
    expect(traffic.some((request) => request.agent === true)).toBe(true)
    expect(traffic.some((request) => request.turns !== undefined && request.agent !== true)).toBe(true)
    expect(traffic.some((request) => request.prefix?.documents !== undefined)).toBe(true)
    const planned = new Map<string, number>()
    for (const request of traffic) {
      if (request.turns === undefined) planned.set(request.id, request.inputTokens)
      else [request.inputTokens, ...request.turns.map((turn) => turn.inputTokens)].forEach((tokens, index) => planned.set(`${request.id}/${index + 1}`, tokens))
    }
    const { samples } = await runTraffic(`openai-compatible:gpt-4o-mini@${server.url}/v1`, traffic)
    const final = byRequest(samples)
    expect(final.size).toBe(planned.size)
    for (const [id, tokens] of planned) {
      const sample = final.get(id) as Sample
      expect(sample.outcome, id).toBe('ok')
      expect(sample.inputTokens, id).toBe(tokens)
    }
  })
})
