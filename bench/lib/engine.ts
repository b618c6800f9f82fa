// The engine as the benchmarks drive it: `run()` from load/run.ts against an endpoint in another
// process, with the request every client (ours and the peers) sends, built by the engine's own
// OpenAI request builder so the bytes on the wire are the same.
import { buildChatCompletionsBody, buildChatCompletionsHeaders } from '../../adapters/openai-compatible/request.js'
import type { ChatMessage, ChatRequest } from '../../adapters/types.js'
import { getEncoder } from '../../core/tokens.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import type { Sample, Sink } from '../../results/types.js'

export const BENCH_MODEL = 'gpt-4o-mini'
export const BENCH_MESSAGES: ChatMessage[] = [{ role: 'user', content: 'Reply with a short answer: what is a load test?' }]
/** Tokens of BENCH_MESSAGES in o200k_base (checked by test/unit/bench/engine.test.ts). */
export const BENCH_INPUT_TOKENS = 12

export function benchTarget(mockUrl: string): string {
  return `openai-compatible:${BENCH_MODEL}@${mockUrl}/v1`
}

export interface WireRequest {
  url: string
  headers: Record<string, string>
  body: string
}

/** The exact request the engine sends for one bench traffic line (peers send these bytes too). */
export function wireRequest(mockUrl: string, options: { stream: boolean; outputTokens: number }): WireRequest {
  const request: ChatRequest = {
    model: BENCH_MODEL,
    messages: BENCH_MESSAGES,
    maxOutputTokens: Math.max(16, options.outputTokens),
    targetOutputTokens: options.outputTokens,
    stream: options.stream,
  }
  return {
    url: `${mockUrl}/v1/chat/completions`,
    headers: buildChatCompletionsHeaders(request, { auth: {} }),
    body: JSON.stringify(buildChatCompletionsBody(request, { maxTokensField: 'max_tokens' })),
  }
}

/** One traffic line; offsets only matter to the open model. */
export function benchRequest(index: number, offsetMs: number, outputTokens: number, users = 1_000): TrafficRequest {
  return {
    id: `r${index}`,
    offsetMs,
    userId: `u${index % users}`,
    task: 'bench',
    messages: BENCH_MESSAGES,
    inputTokens: BENCH_INPUT_TOKENS,
    maxOutputTokens: Math.max(16, outputTokens),
    targetOutputTokens: outputTokens,
  }
}

/**
 * `count` lines built lazily: an iterable that looks like the array `run()` takes, so a long run
 * does not hold every line in memory (which would be the benchmark's memory, not the engine's).
 */
export function lazyRequests(count: number, make: (index: number) => TrafficRequest): readonly TrafficRequest[] {
  const iterable = {
    length: count,
    *[Symbol.iterator](): Generator<TrafficRequest> {
      for (let index = 0; index < count; index++) yield make(index)
    },
  }
  return iterable as unknown as readonly TrafficRequest[]
}

/** Loads the tokenizer before any clock or CPU counter starts (it takes ~0.7 s once). */
export function warmEngine(): void {
  getEncoder('o200k_base')
}

/** A sink that hands each sample to a function: the benchmarks read exact values, not histograms. */
export function sampleSink(record: (sample: Sample) => void): Sink {
  return { name: 'bench', record }
}

/** Counts outcomes (ok, http_429, …) for the notes. */
export function countOutcomes(): { record(sample: Sample): void; counts: Record<string, number> } {
  const counts: Record<string, number> = {}
  return {
    record(sample) {
      if (sample.willRetry === true) return
      const key = sample.outcome === 'http' ? `http_${sample.status ?? '?'}` : sample.outcome
      counts[key] = (counts[key] ?? 0) + 1
    },
    counts,
  }
}
