// Benchmarks the embedded mock: streamed tokens/s on its one thread, and concurrent open streams.
// The mock runs in this process; a raw undici client runs in a child process (same bundle, role
// `client`), so the client's parsing does not share the mock's event loop. Every token the client
// counts is checked against the mock's own count.
//
// Bundle it inside the repository (dist/ is ignored) so its packages resolve from node_modules:
//   npx esbuild bench/mock-throughput.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=dist/bench/mock-throughput.mjs && node dist/bench/mock-throughput.mjs [--seconds S] [--streams N]
//     [--tokens T] [--paced-streams N] [--paced-itl-ms MS] [--hold N] [--hold-seconds S]
import { fork } from 'node:child_process'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Agent } from 'undici'
import { createMockServer, type MockServer } from '../adapters/mock/index.js'
import { closedLoops, createCountedStream, withTimingHeaders, type StreamPhase, type StreamTally } from './lib/counted-streams.js'

interface Phase extends StreamPhase {
  name: string
}

type ClientResult = StreamTally & {
  failureSample?: string
  elapsedMs: number
}

const BODY = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Benchmark: stream tokens as fast as you can.' }] })

async function runClient(url: string, phase: Phase): Promise<ClientResult> {
  const agent = new Agent({ connections: null, pipelining: 1, keepAliveTimeout: 30_000, connect: { timeout: 60_000 }, headersTimeout: 120_000, bodyTimeout: 120_000 })
  const headers = withTimingHeaders({ 'content-type': 'application/json', 'x-gauntlet-output-tokens': String(phase.tokens) }, phase)
  const result: ClientResult = { tokens: 0, streams: 0, failures: 0, elapsedMs: 0, peakOpen: 0 }
  const oneStream = createCountedStream({ url: `${url}/v1/chat/completions`, headers, body: BODY }, agent, phase.tokens, result, (reason) => {
    result.failureSample ??= reason
  })
  const startedAt = performance.now()
  if (phase.hold === true) {
    await Promise.all(Array.from({ length: phase.streams }, oneStream))
  } else {
    await closedLoops(phase.streams, startedAt + phase.seconds * 1000, oneStream)
  }
  result.elapsedMs = performance.now() - startedAt
  await agent.close()
  return result
}

function runChildClient(url: string, phase: Phase): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['client', url, JSON.stringify(phase)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const killTimer = setTimeout(() => child.kill('SIGKILL'), (phase.seconds + 120) * 1000)
    child.once('message', (message) => resolve(message as ClientResult))
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(killTimer)
      if (code !== 0) reject(new Error(`client exited with ${code}`))
    })
  })
}

async function measure(server: MockServer, phase: Phase): Promise<void> {
  const before = server.stats()
  const cpuBefore = process.cpuUsage()
  const wallBefore = performance.now()
  let peakServerStreams = 0
  const poll = setInterval(() => {
    peakServerStreams = Math.max(peakServerStreams, server.stats().openStreams)
  }, 50)
  const client = await runChildClient(server.url, phase)
  clearInterval(poll)
  const wallMs = performance.now() - wallBefore
  const cpu = process.cpuUsage(cpuBefore)
  const after = server.stats()
  const serverTokens = after.tokensStreamed - before.tokensStreamed
  const cpuShare = (cpu.user + cpu.system) / 1000 / wallMs
  // The mock's own peak is exact but since start; when this phase did not raise it, the poll is what we know.
  const peakStreams = after.peakConcurrentStreams > before.peakConcurrentStreams ? after.peakConcurrentStreams : peakServerStreams
  const line = [
    `${phase.name}:`,
    `${client.streams} streams (${phase.streams} concurrent × ${phase.tokens} tokens${phase.itlMs === undefined ? ', instant' : `, TTFT ${phase.ttftMs} ms, ITL ${phase.itlMs} ms`})`,
    `in ${(client.elapsedMs / 1000).toFixed(1)} s →`,
    `${Math.round(client.tokens / (client.elapsedMs / 1000)).toLocaleString('en-US')} streamed tokens/s`,
    `(client counted ${client.tokens}, mock streamed ${serverTokens}${client.tokens === serverTokens ? ', equal' : ', DIFFERENT'});`,
    `mock CPU ${(cpuShare * 100).toFixed(0)}% of one core`,
    `→ ${Math.round(serverTokens / ((cpu.user + cpu.system) / 1e6)).toLocaleString('en-US')} tokens per CPU-second;`,
    `peak open streams: mock ${peakStreams}, client ${client.peakOpen};`,
    `failures ${client.failures}${client.failureSample === undefined ? '' : ` (e.g. ${client.failureSample})`}`,
  ]
  process.stdout.write(`${line.join(' ')}\n`)
}

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  const value = at === -1 ? undefined : Number(process.argv[at + 1])
  return value === undefined || !Number.isFinite(value) ? fallback : value
}

async function main(): Promise<void> {
  const seconds = flag('seconds', 8)
  const server = await createMockServer({ profile: 'instant', port: 0 })
  process.stdout.write(
    `mock ${server.url} (profile instant), node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}\n`,
  )
  try {
    await measure(server, { name: 'instant answers', streams: flag('streams', 64), tokens: flag('tokens', 256), seconds })
    await measure(server, {
      name: 'paced streams',
      streams: flag('paced-streams', 1000),
      tokens: 100,
      ttftMs: 0,
      itlMs: flag('paced-itl-ms', 10),
      seconds,
    })
    const holdSeconds = flag('hold-seconds', 10)
    await measure(server, {
      name: 'held streams',
      streams: flag('hold', 10_000),
      tokens: 10,
      ttftMs: 0,
      itlMs: (holdSeconds * 1000) / 10,
      seconds: holdSeconds,
      hold: true,
    })
  } finally {
    await server.close()
  }
}

if (process.argv[2] === 'client') {
  const result = await runClient(process.argv[3] as string, JSON.parse(process.argv[4] as string) as Phase)
  process.send?.(result, () => process.exit(0))
} else {
  await main()
}
