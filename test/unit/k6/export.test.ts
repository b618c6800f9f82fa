// The exported k6 scripts: they type-check against @types/k6, bundle to one ES2017 module with
// only k6 imports, and — run on a fake k6 runtime — send the traffic's requests and report
// counts, tokens and spend that match what the fake endpoint answered.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { TrafficRequest } from '../../../core/traffic-types.js'
import { bundleK6Script, exportK6, type K6TrafficInput } from '../../../load/k6/export.js'
import { k6SummaryToSummary } from '../../../load/k6/import-summary.js'
import type { K6Plan, K6Target } from '../../../load/k6/scripts/lib/plan.js'
import { readBundleShape } from './bundle-shape.js'
import { installFakeK6, runFakeK6 } from './fake-k6.js'

const run = promisify(execFile)
const dirs: string[] = []

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gauntlet-k6-'))
  dirs.push(dir)
  return dir
}

function makeRequests(count: number): TrafficRequest[] {
  const requests: TrafficRequest[] = []
  for (let i = 0; i < count; i++) {
    requests.push({
      id: `r${i}`,
      offsetMs: i * 100,
      userId: `u${i % 7}`,
      task: i % 2 === 0 ? 'summarise' : 'extract',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: `question ${i}` },
      ],
      inputTokens: 12,
      maxOutputTokens: 256,
      targetOutputTokens: 20 + i,
    })
  }
  return requests
}

function trafficOf(requests: readonly TrafficRequest[]): K6TrafficInput {
  return {
    async *requests() {
      yield* requests
    },
    expand: (request) => request.messages ?? [],
    describe: () => ({ source: 'test:unit', seed: 42 }),
  }
}

const openAiTarget: K6Target = {
  vendor: 'openai',
  model: 'gpt-test',
  baseUrl: 'http://127.0.0.1:9/v1',
  keyEnv: 'OPENAI_API_KEY',
  keyRequired: false,
  maxTokensField: 'max_tokens',
}

const price = { inputUsdPerMTok: 1, cachedInputUsdPerMTok: 0.5, outputUsdPerMTok: 4 }

const minimalPlan: K6Plan = {
  schema: 'gauntlet-k6-plan/1',
  generatorVersion: '0.0.0-test',
  target: openAiTarget,
  stream: false,
  schedule: 'rate',
  windowMs: 1000,
  requestCount: 1,
  spanMs: 0,
  requestTimeoutMs: 1000,
  price: null,
  trafficSource: 'test',
  trafficSeed: null,
  thresholdSources: [],
  options: {},
}

describe('k6 scripts', () => {
  it('type-check against @types/k6 with their own tsconfig', async () => {
    const tsc = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc')
    const result = await run(process.execPath, [tsc, '-p', 'load/k6/tsconfig.json', '--noEmit'], { cwd: process.cwd() }).then(
      () => ({ ok: true, output: '' }),
      (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    )
    expect(result.output).toBe('')
    expect(result.ok).toBe(true)
  })

  for (const entry of ['replay', 'replay-stream'] as const) {
    it(`${entry}: bundles to one ES2017 module that imports only k6 and exports options, default, handleSummary`, async () => {
      const code = await bundleK6Script(entry, minimalPlan)
      const shape = readBundleShape(code)
      expect(shape.imports.length).toBeGreaterThan(0)
      for (const specifier of shape.imports) expect(specifier).toMatch(/^k6(\/|$)/)
      if (entry === 'replay-stream') expect(shape.imports).toContain('k6/x/sse')
      else expect(shape.imports).not.toContain('k6/x/sse')
      expect(shape.exports).toEqual(expect.arrayContaining(['options', 'default', 'handleSummary']))
      expect(shape.newerThanEs2017).toEqual([])
      expect(shape.topLevelAwait).toBe(false)
      // The plan is inlined: no placeholder survives outside comments.
      expect(code.replace(/\/\/.*$/gm, '')).not.toMatch(/\b__GAUNTLET_PLAN__\b/)
      expect(code).toContain('generatorVersion: "0.0.0-test"')
    })
  }

  it('the shape reader catches what it must (self-check)', () => {
    const shape = readBundleShape(
      "import x from 'node:fs'\nexport const options = {}\nconst a = b?.c ?? { ...d }\nawait x\ntry {} catch {}\nexport default function () {}",
    )
    expect(shape.imports).toEqual(['node:fs'])
    expect(shape.exports).toEqual(['options', 'default'])
    expect(shape.topLevelAwait).toBe(true)
    expect(shape.newerThanEs2017.map((s) => s.replace(/ at .*/, ''))).toEqual(
      expect.arrayContaining(['optional chaining ?. (ES2020)', 'nullish coalescing ?? (ES2020)', 'object spread (ES2018)', 'optional catch binding (ES2019)']),
    )
  })
})

describe('gauntlet k6 export, run on a fake k6', () => {
  it('non-streaming: sends each request once with its body, and the summary adds up', async () => {
    const dir = await tempDir()
    const requests = makeRequests(40)
    const result = await exportK6({
      traffic: trafficOf(requests),
      target: openAiTarget,
      outDir: dir,
      price,
      patience: { enabled: true, ttft: { type: 'none' }, e2e: { type: 'fixed', ms: 5000 }, quit: null, seed: 1 },
      thresholds: [{ text: 'e2e_ms.p95<2000', metric: 'llm_e2e', expression: 'p(95)<2000' }],
    })
    expect(result.plan.requestCount).toBe(40)
    expect(result.fidelity?.planned).toBe(40)
    await installFakeK6(dir)
    const key = 'sk-test-secret-123'
    const seen: string[] = []
    const timeouts: number[] = []
    let expectedSpend = 0
    let expectedInput = 0
    let expectedOutput = 0
    let expectedCached = 0
    const fake = await runFakeK6(result.scriptPath, {
      iterations: 43, // three more than the traffic: extra iterations must send nothing
      env: { OPENAI_API_KEY: key },
      handlers: {
        post(url, body, params) {
          const parsed = JSON.parse(body) as { model: string; messages: Array<{ content: string }>; max_tokens: number }
          const i = Number(/question (\d+)/.exec(parsed.messages[1]?.content ?? '')?.[1])
          seen.push(`r${i}`)
          expect(url).toBe('http://127.0.0.1:9/v1/chat/completions')
          expect(parsed.model).toBe('gpt-test')
          expect(parsed.max_tokens).toBe(256)
          expect(params.headers['authorization']).toBe(`Bearer ${key}`)
          expect(params.headers['x-gauntlet-output-tokens']).toBe(String(20 + i))
          timeouts.push(params.timeout)
          if (i % 10 === 3) return { status: 500, body: '{"error":{"message":"boom"}}' }
          if (i === 7) return { status: 0, error_code: 1050 }
          if (i === 11) return { status: 200, body: 'not json' }
          const usage = { prompt_tokens: 100 + i, completion_tokens: 20 + i, prompt_tokens_details: { cached_tokens: i % 2 === 1 ? 10 : 0 } }
          const cached = usage.prompt_tokens_details.cached_tokens
          expectedSpend += ((usage.prompt_tokens - cached) * 1 + cached * 0.5 + usage.completion_tokens * 4) / 1e6
          expectedInput += usage.prompt_tokens
          expectedOutput += usage.completion_tokens
          expectedCached += cached
          return {
            status: 200,
            body: JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage }),
          }
        },
      },
    })
    expect(seen).toEqual(requests.map((r) => r.id))
    // Patience (5 s) is shorter than the request timeout, so it bounds every request.
    for (const timeout of timeouts) expect(timeout).toBeLessThanOrEqual(5000)
    const summaryText = fake.outputs['summary.json']
    expect(summaryText).toBeDefined()
    expect(fake.outputs['stdout']).toContain('40 sent')
    for (const text of [await readFile(result.scriptPath, 'utf8'), await readFile(result.trafficPath, 'utf8'), summaryText as string]) {
      expect(text).not.toContain(key)
    }
    const summary = k6SummaryToSummary(JSON.parse(summaryText as string))
    expect(summary.format).toBe('gauntlet')
    expect(summary.requests).toMatchObject({ scheduled: 40, sent: 40, completed: 34 })
    expect(summary.requests.byOutcome).toEqual({ ok: 34, http: 4, abandoned: 1, 'malformed-stream': 1 })
    expect(summary.errors).toEqual({ rate: 5 / 40, count: 5 })
    expect(summary.abandonment).toEqual({ rate: 1 / 40, abandoned: 1 })
    expect(summary.tokens).toEqual({ input: expectedInput, cached_input: expectedCached, output: expectedOutput })
    expect(expectedCached).toBe(140)
    expect(summary.spend.usd).toBeCloseTo(expectedSpend, 12)
    expect(summary.latency.e2e_ms.count).toBe(34)
    expect(summary.latency.ttft_ms.count).toBeNull() // never measured: absent from the summary, not 0
    expect(summary.thresholds).toEqual([{ metric: 'llm_e2e', expression: 'p(95)<2000', text: 'e2e_ms.p95<2000', pass: true }])
    expect(summary.target).toEqual({ vendor: 'openai', model: 'gpt-test', baseUrl: 'http://127.0.0.1:9/v1' })
  })

  it('streaming (Anthropic): TTFT from the first text delta, usage from message_start/message_delta', async () => {
    const dir = await tempDir()
    const target: K6Target = {
      vendor: 'anthropic',
      model: 'claude-test',
      baseUrl: 'http://127.0.0.1:9',
      keyEnv: 'ANTHROPIC_API_KEY',
      keyRequired: false,
      apiVersion: '2023-06-01',
    }
    const result = await exportK6({ traffic: trafficOf(makeRequests(10)), target, outDir: dir, stream: true, price })
    await installFakeK6(dir)
    const bodies: Array<Record<string, unknown>> = []
    const fake = await runFakeK6(result.scriptPath, {
      iterations: 10,
      handlers: {
        sse(url, params) {
          expect(url).toBe('http://127.0.0.1:9/v1/messages')
          expect(params.method).toBe('POST')
          expect(params.headers['anthropic-version']).toBe('2023-06-01')
          const body = JSON.parse(params.body) as Record<string, unknown>
          bodies.push(body)
          if (bodies.length % 5 === 3) return { status: 429, events: [] }
          const event = (type: string, data: Record<string, unknown>) => ({ name: type, data: JSON.stringify({ type, ...data }) })
          return {
            status: 200,
            events: [
              event('message_start', { message: { usage: { input_tokens: 50, cache_read_input_tokens: 5, output_tokens: 1 } } }),
              event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
              event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hel' } }),
              event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'lo' } }),
              event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } }),
              event('message_stop', {}),
            ],
          }
        },
      },
    })
    expect(bodies[0]).toMatchObject({ model: 'claude-test', stream: true, system: 'You are terse.', max_tokens: 256 })
    const summary = k6SummaryToSummary(JSON.parse(fake.outputs['summary.json'] as string))
    expect(summary.requests.byOutcome).toEqual({ ok: 8, http: 2 })
    expect(summary.latency.ttft_ms.count).toBe(8)
    expect(summary.tokens).toEqual({ input: 8 * 55, cached_input: 8 * 5, output: 8 * 7 })
    expect(summary.spend.usd).toBeCloseTo((8 * (50 * 1 + 5 * 0.5 + 7 * 4)) / 1e6, 12)
    expect(summary.stream).toBe(true)
  })

  it('streaming (OpenAI-compatible): content chunks, usage chunk, [DONE]; a stream cut short is truncated', async () => {
    const dir = await tempDir()
    const result = await exportK6({ traffic: trafficOf(makeRequests(4)), target: openAiTarget, outDir: dir, stream: true, price: null })
    await installFakeK6(dir)
    let calls = 0
    const fake = await runFakeK6(result.scriptPath, {
      iterations: 4,
      handlers: {
        sse(_url, params) {
          const body = JSON.parse(params.body) as Record<string, unknown>
          expect(body['stream_options']).toEqual({ include_usage: true })
          calls++
          const chunk = (content: string) => ({ data: JSON.stringify({ choices: [{ index: 0, delta: { content } }] }) })
          const usage = { data: JSON.stringify({ choices: [], usage: { prompt_tokens: 30, completion_tokens: 2 } }) }
          if (calls === 2) return { status: 200, events: [chunk('a')] }
          return { status: 200, events: [chunk(''), chunk('a'), chunk('b'), usage, { data: '[DONE]' }] }
        },
      },
    })
    const summary = k6SummaryToSummary(JSON.parse(fake.outputs['summary.json'] as string))
    expect(summary.requests.byOutcome).toEqual({ ok: 3, truncated: 1 })
    expect(summary.tokens.input).toBe(90)
    expect(summary.spend.usd).toBe('unknown')
    expect(summary.latency.tpot_ms.count).toBe(3)
  })

  it('exact schedule: each request waits for its own offset, so sends land on the offsets', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const dir = await tempDir()
      const requests = makeRequests(12).map((request, i) => ({ ...request, offsetMs: i * i * 37 }))
      const result = await exportK6({ traffic: trafficOf(requests), target: openAiTarget, outDir: dir, schedule: 'exact', vus: 4, price })
      expect(result.plan.options['scenarios']).toMatchObject({ replay: { executor: 'shared-iterations', iterations: 12, vus: 4 } })
      await installFakeK6(dir)
      const start = Date.now()
      const sentAt: number[] = []
      const fake = await runFakeK6(result.scriptPath, {
        iterations: 12,
        handlers: {
          sleep: (seconds) => vi.setSystemTime(Date.now() + seconds * 1000),
          post() {
            sentAt.push(Date.now() - start)
            return { status: 200, body: JSON.stringify({ choices: [{ message: { content: 'x' } }], usage: { prompt_tokens: 1, completion_tokens: 1 } }) }
          },
        },
      })
      expect(sentAt).toEqual(requests.map((request) => request.offsetMs))
      const lag = fake.metrics.get('llm_schedule_lag')?.samples.map((sample) => sample.value)
      expect(lag).toEqual(new Array<number>(12).fill(0))
    } finally {
      vi.useRealTimers()
    }
  })

  it('refuses to start without the key when the target needs one', async () => {
    const dir = await tempDir()
    const result = await exportK6({
      traffic: trafficOf(makeRequests(1)),
      target: { ...openAiTarget, baseUrl: 'https://api.openai.com/v1', keyRequired: true },
      outDir: dir,
    })
    await installFakeK6(dir)
    await expect(runFakeK6(result.scriptPath, { iterations: 1, handlers: {} })).rejects.toThrow(/OPENAI_API_KEY is not set/)
  })
})
