// Measures what the fault proxy (no faults) adds over a direct call: latency p50/p99 of
// sequential requests and throughput under concurrency (autocannon). The upstream and the proxy
// each run in their own process so the client does not share their event loop.
//
//   npx esbuild bench/proxy-overhead.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=/tmp/proxy-bench.mjs && node /tmp/proxy-bench.mjs [--requests N] [--seconds S] [--connections C]
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { Pool } from 'undici'
import { createChaosProxy } from '../chaos/proxy.js'

const ANSWER = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1700000000,
  model: 'bench',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short answer of a few words.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
})
const REQUEST_BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'hello' }] })

async function serveUpstream(): Promise<void> {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(ANSWER)) })
      response.end(ANSWER)
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`)
}

async function serveProxy(upstream: string): Promise<void> {
  const proxy = await createChaosProxy({ upstream })
  process.stdout.write(`${JSON.stringify({ url: proxy.url })}\n`)
}

function startRole(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let buffered = ''
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (text: string) => {
      buffered += text
      const newline = buffered.indexOf('\n')
      if (newline !== -1) resolve({ child, url: (JSON.parse(buffered.slice(0, newline)) as { url: string }).url })
    })
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)))
  })
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number
}

/** Sequential POSTs over one keep-alive connection; returns each round trip in ms. */
async function roundTrips(url: string, count: number): Promise<number[]> {
  const pool = new Pool(url, { connections: 1, pipelining: 1 })
  const times: number[] = []
  try {
    for (let i = 0; i < count; i++) {
      const startedAt = performance.now()
      const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body: REQUEST_BODY })
      await response.body.text()
      times.push(performance.now() - startedAt)
    }
  } finally {
    await pool.close()
  }
  return times
}

async function throughput(url: string, seconds: number, connections: number): Promise<{ requestsPerSecond: number; errors: number; non2xx: number }> {
  const result = await autocannon({
    url: `${url}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: REQUEST_BODY,
    connections,
    duration: seconds,
  })
  return { requestsPerSecond: result.requests.average, errors: result.errors, non2xx: result.non2xx }
}

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(name)
  const value = index === -1 ? undefined : Number(process.argv[index + 1])
  return value === undefined || !Number.isFinite(value) ? fallback : value
}

async function main(): Promise<void> {
  const requests = flag('--requests', 3000)
  const seconds = flag('--seconds', 5)
  const connections = flag('--connections', 32)
  const rounds = 6
  const upstream = await startRole(['upstream'])
  const proxy = await startRole(['proxy', upstream.url])
  try {
    // Warm both paths (JIT, connections), then alternate in rounds so drift hits both alike.
    await roundTrips(upstream.url, 500)
    await roundTrips(proxy.url, 500)
    const direct: number[] = []
    const proxied: number[] = []
    const perRound = Math.ceil(requests / rounds)
    for (let round = 0; round < rounds; round++) {
      direct.push(...(await roundTrips(upstream.url, perRound)))
      proxied.push(...(await roundTrips(proxy.url, perRound)))
    }
    direct.sort((a, b) => a - b)
    proxied.sort((a, b) => a - b)
    const directThroughput = await throughput(upstream.url, seconds, connections)
    const proxyThroughput = await throughput(proxy.url, seconds, connections)
    const result = {
      node: process.version,
      requests: direct.length,
      latencyMs: {
        direct: { p50: percentile(direct, 50), p99: percentile(direct, 99) },
        proxy: { p50: percentile(proxied, 50), p99: percentile(proxied, 99) },
        addedP50: percentile(proxied, 50) - percentile(direct, 50),
        addedP99: percentile(proxied, 99) - percentile(direct, 99),
      },
      throughput: {
        connections,
        seconds,
        direct: directThroughput,
        proxy: proxyThroughput,
        ratio: proxyThroughput.requestsPerSecond / directThroughput.requestsPerSecond,
      },
    }
    const f = (value: number): string => value.toFixed(3)
    process.stdout.write(
      [
        `proxy overhead, no faults (${result.requests} sequential requests per path, ${rounds} alternating rounds; Node ${process.version})`,
        `  latency  direct p50 ${f(result.latencyMs.direct.p50)} ms  p99 ${f(result.latencyMs.direct.p99)} ms`,
        `           proxy  p50 ${f(result.latencyMs.proxy.p50)} ms  p99 ${f(result.latencyMs.proxy.p99)} ms`,
        `           added  p50 ${f(result.latencyMs.addedP50)} ms  p99 ${f(result.latencyMs.addedP99)} ms   (goal: p50 ≤ 0.3 ms)`,
        `  throughput (${connections} connections, ${seconds} s)  direct ${directThroughput.requestsPerSecond.toFixed(0)} req/s  proxy ${proxyThroughput.requestsPerSecond.toFixed(0)} req/s  ratio ${result.throughput.ratio.toFixed(2)}   (goal ≥ 0.8)`,
        `  errors: direct ${directThroughput.errors + directThroughput.non2xx}, proxy ${proxyThroughput.errors + proxyThroughput.non2xx}`,
        JSON.stringify(result),
        '',
      ].join('\n'),
    )
  } finally {
    upstream.child.kill()
    proxy.child.kill()
  }
}

const role = process.argv[2]
if (role === 'upstream') await serveUpstream()
else if (role === 'proxy') await serveProxy(process.argv[3] as string)
else await main()
