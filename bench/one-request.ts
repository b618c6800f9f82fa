// One request through `run()` in a process of its own, records written, then its peak RSS: what
// the smallest run costs in memory. Bundled on its own (only run() and what it imports), not inside
// the bench bundle, whose other sections (autocannon, …) would be counted too. The reference
// section builds and forks it; by hand, against a mock (node dist/bin/gauntlet.js mock --port 8080):
//   npx esbuild bench/one-request.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=node_modules/.cache/gauntlet-bench/one-request.mjs && \
//   node node_modules/.cache/gauntlet-bench/one-request.mjs '{"url":"http://127.0.0.1:8080","outDir":"bench/results/tmp/one"}'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { run } from '../load/run.js'
import { benchRequest, benchTarget } from './lib/engine.js'

export interface OneRequestOptions {
  url: string
  outDir: string
  outputTokens: number
}

export interface OneRequestRound {
  ok: number
  /** RSS when the script started: Node and run()'s modules loaded, before `run()`. */
  beforeRssMb: number
  /** Peak RSS of the process (getrusage maxrss). */
  peakRssMb: number
  recordsBytes: number
}

/** The same through the built CLI (`gauntlet run`, generated traffic, report.html too): the user's path. */
export interface CliOneRequestRound {
  ok: number
  peakRssMb: number
  reportWritten: boolean
}

const options = JSON.parse(process.argv[2] ?? '{}') as OneRequestOptions
const beforeRssMb = process.memoryUsage().rss / 2 ** 20
const result = await run({
  traffic: { type: 'requests', requests: [benchRequest(0, 0, options.outputTokens ?? 16)] },
  target: benchTarget(options.url),
  schedule: { type: 'open', timeScale: 1 },
  patience: 'off',
  outDir: options.outDir,
})
const round: OneRequestRound = {
  ok: result.summary.requests.byOutcome['ok'] ?? 0,
  beforeRssMb,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  recordsBytes: await stat(join(options.outDir, 'records.jsonl')).then((info) => info.size, () => 0),
}
if (process.send === undefined) process.stdout.write(`${JSON.stringify(round)}\n`)
else process.send({ type: 'result', result: round }, () => process.exit(0))
