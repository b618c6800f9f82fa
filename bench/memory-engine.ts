// The memory section's engine: one long `run()` (closed model, no think time, non-streaming)
// against the mock, RSS and heap sampled every SAMPLE_EVERY_MS. Bundled on its own and forked
// by bench/sections/memory.ts, so its RSS is the engine's (the bench bundle alone held ~115 MB).
// By hand, against a mock (node dist/bin/gauntlet.js mock --profile instant --port 8080):
//   npx esbuild bench/memory-engine.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=node_modules/.cache/gauntlet-bench/memory-engine.mjs && \
//   node node_modules/.cache/gauntlet-bench/memory-engine.mjs '{"url":"http://127.0.0.1:8080","requests":200000,"users":64,"maxDurationS":60}'
import { run } from '../load/run.js'
import { benchRequest, benchTarget, lazyRequests, sampleSink } from './lib/engine.js'
import { sendProgress, sendResult } from './lib/processes.js'
import { MEMORY_OUTPUT_TOKENS as OUTPUT_TOKENS, SAMPLE_EVERY_MS } from './memory-settings.js'

export interface MemoryOptions {
  url: string
  requests: number
  users: number
  maxDurationS: number
}

/** One reading: seconds since the run started, requests completed, then MB: RSS, V8 heap used, V8 heap total, external (ArrayBuffers, WASM). */
export type RssPoint = [seconds: number, completed: number, rssMb: number, heapUsedMb: number, heapTotalMb: number, externalMb: number]

export interface MemoryRound {
  requests: number
  completed: number
  failed: number
  durationS: number
  points: RssPoint[]
}

async function engineRole(options: MemoryOptions): Promise<void> {
  // No tokenizer warm-up: a run loads it only when an answer lacks usage, and the mock reports usage.
  let completed = 0
  let failed = 0
  const points: RssPoint[] = []
  let startedAt = 0
  let timer: NodeJS.Timeout | undefined
  let lastProgress = 0
  // With --expose-gc (BENCH_EXEC_ARGV), each reading follows a full collection: the live heap, to
  // tell a leak from collector slack. Off by default: it changes what it measures.
  const collect = (globalThis as { gc?: () => void }).gc
  const sample = (): void => {
    collect?.()
    const memory = process.memoryUsage()
    const seconds = (performance.now() - startedAt) / 1000
    points.push([seconds, completed, memory.rss / 2 ** 20, memory.heapUsed / 2 ** 20, memory.heapTotal / 2 ** 20, memory.external / 2 ** 20])
    if (seconds - lastProgress >= 15) {
      lastProgress = seconds
      sendProgress(`memory: ${completed.toLocaleString('en-US')} requests in ${seconds.toFixed(0)} s, RSS ${(memory.rss / 2 ** 20).toFixed(0)} MB`)
    }
  }
  const sink = {
    ...sampleSink((record) => {
      if (record.outcome === 'ok') completed++
      else failed++
    }),
    start: async () => {
      startedAt = performance.now()
      sample()
      timer = setInterval(sample, SAMPLE_EVERY_MS)
    },
  }
  const result = await run({
    traffic: { type: 'requests', requests: lazyRequests(options.requests, (index) => benchRequest(index, 0, OUTPUT_TOKENS, 10_000)) },
    target: benchTarget(options.url),
    schedule: { type: 'closed', users: options.users, thinkTimeMs: 0 },
    stream: false,
    maxInFlight: options.users,
    maxDurationMs: options.maxDurationS * 1000,
    patience: 'off',
    outDir: null,
    sinks: [sink],
  })
  clearInterval(timer)
  sample()
  sendResult({ requests: options.requests, completed, failed, durationS: result.summary.durationMs / 1000, points } satisfies MemoryRound)
}

await engineRole(JSON.parse(process.argv[2] ?? '{}') as MemoryOptions)
