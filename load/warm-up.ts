// Warms the engine's hot path before a run's clock starts, without touching the endpoint: a few
// hundred attempts through an adapter of the run's own kind, pointed at a throwaway loopback
// server of ours that answers in the vendor's format (streamed or JSON), each sample added to a
// throwaway aggregator and serialised as the records would be. Without it the first sends of a
// run go through code V8 has not compiled yet (undici's WebAssembly parser, the adapter's request
// builder and SSE parser, the attempt, the histograms): at 1,000 req/s the first 20–40 requests
// queued behind that and made the p99 (bench: reference section, "1,000 streaming req/s").
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent } from '../core/undici.js'
import { anthropicCodec } from '../adapters/mock/anthropic.js'
import { openaiCodec } from '../adapters/mock/openai.js'
import { isFailure } from '../adapters/mock/protocol.js'
import { createAdapterFromTarget } from '../adapters/registry.js'
import type { TargetSpec } from '../adapters/target-spec.js'
import type { Adapter, ChatRequest } from '../adapters/types.js'
import { systemClock } from '../core/clock.js'
import type { EncodingName } from '../core/tokens.js'
import { createAggregator } from '../results/aggregate.js'
import { createAbortGroup } from './abort-group.js'
import { runAttempt } from './attempt.js'

export interface WarmUpOptions {
  /** The run's endpoint as a target spec (its base URL's path is kept, its origin replaced). */
  target: TargetSpec
  /** The run's adapter: its base URL gives the path the warm server is called on. */
  adapter: Adapter
  stream: boolean
  encoding: EncodingName
  /** Attempts in all, and at once (default 256, 8). */
  attempts?: number
  parallel?: number
}

const WORDS = ['warm', ' up', ' the', ' engine', ' before', ' the', ' clock', ' starts']
const INPUT_TOKENS = 8

/**
 * Answers as the mock does, through the mock's own protocol codecs (adapters/mock/openai.ts and
 * anthropic.ts: request parsing and framing, no tokenizer), so the warm-up bytes are the vendor
 * formats the rest of the project speaks. Usage is always included: an answer without it would
 * make the attempt load the tokenizer to estimate tokens.
 */
function answer(req: IncomingMessage, res: ServerResponse): void {
  const parts: Buffer[] = []
  req.on('data', (part: Buffer) => parts.push(part))
  req.on('end', () => {
    const codec = (req.url ?? '').split('?')[0]?.endsWith('/messages') === true ? anthropicCodec : openaiCodec
    let parsed: ReturnType<typeof codec.parse> | undefined
    try {
      parsed = codec.parse(JSON.parse(Buffer.concat(parts).toString()))
    } catch {
      parsed = undefined
    }
    if (parsed === undefined || isFailure(parsed)) {
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end('{}')
      return
    }
    const framer = codec.framer({ id: 'warm', model: parsed.model, created: 0, inputTokens: INPUT_TOKENS, cachedInputTokens: 0, cacheWriteInputTokens: 0, includeUsage: true })
    if (!parsed.stream) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(framer.body(WORDS.join(''), 'stop', WORDS.length))
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    // Written in pieces, so the client parses frames across reads as it will in the run.
    res.write(framer.start())
    for (const word of WORDS) res.write(framer.token(JSON.stringify(word)))
    res.end(framer.end('stop', WORDS.length, false))
  })
}

/** The base URL of the run's adapter with the warm server's origin: same path, same builder. */
function warmBaseUrl(adapterBaseUrl: string, origin: string): string {
  const path = new URL(adapterBaseUrl).pathname.replace(/\/$/, '')
  return `${origin}${path}`
}

export interface WarmUpResult {
  ms: number
  /** Attempts answered ok (the warm-up stops at the first that is not). */
  completed: number
}

/**
 * Sends `attempts` attempts through an adapter like the run's to a local server.
 * Never throws: a warm-up that fails costs nothing but its purpose (the run measures as before).
 */
export async function warmEngine(options: WarmUpOptions): Promise<WarmUpResult> {
  const started = performance.now()
  let completed = 0
  const attempts = options.attempts ?? 256
  const parallel = options.parallel ?? 8
  const server = createServer(answer)
  const agent = new Agent({ connections: parallel })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', resolve)
    })
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const spec: TargetSpec = { ...options.target, baseUrl: warmBaseUrl(options.adapter.baseUrl, origin) }
    // A placeholder key: the run's real key is never sent, not even to our own server.
    const adapter = createAdapterFromTarget(spec, { apiKey: 'warm-up', requireKey: false, dispatcher: agent })
    const aggregator = createAggregator({ bucketMs: 1_000, slo: {} })
    const controller = new AbortController()
    const group = createAbortGroup(controller.signal)
    const request: ChatRequest = { model: adapter.model, messages: [{ role: 'user', content: 'Reply with a short answer: warm up?' }], maxOutputTokens: WORDS.length, stream: options.stream }
    let sent = 0
    const runStartMs = systemClock.now()
    const worker = async (): Promise<void> => {
      while (sent < attempts) {
        sent++
        const scheduledAtMs = systemClock.now() - runStartMs
        const { sample } = await runAttempt({ adapter, request, clock: systemClock, runStartMs, scheduledAtMs, runSignal: controller.signal, abortGroup: group, encoding: options.encoding, requestTimeoutMs: 10_000 })
        // A failed warm-up attempt means the path does not fit this adapter: stop, do no harm.
        if (sample.outcome !== 'ok') {
          sent = attempts
          return
        }
        completed++
        aggregator.add(sample)
        JSON.stringify(sample)
      }
    }
    await Promise.all(Array.from({ length: parallel }, worker))
  } catch {
    // As above: nothing of the warm-up reaches the run.
  } finally {
    await agent.destroy().catch(() => undefined)
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  return { ms: performance.now() - started, completed }
}
