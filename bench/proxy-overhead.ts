// Measures what the fault proxy (no faults) adds over a direct call: latency p50/p99 of
// sequential requests and throughput under concurrency (autocannon). The upstream and the proxy
// each run in their own process so the client does not share their event loop.
//
//   npx esbuild bench/proxy-overhead.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=dist/bench/proxy-bench.mjs && node dist/bench/proxy-bench.mjs [--requests N] [--seconds S] [--connections C]
// The bundle must live inside the repository: with --packages=external, Node resolves undici,
// zod and autocannon from the bundle's folder (a bundle in /tmp finds no node_modules).
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { Pool } from 'undici'
import { createChaosProxy } from '../chaos/proxy.js'
import { percentileSorted } from './lib/stats.js'

const ANSWER = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1700000000,
  model: 'bench',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short answer of a few words.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
})
const REQUEST_BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'hello' }] })

const STREAM_EVENTS = 32
const SLOW_MS = 20

function sseBody(): string {
  let body = ''
  for (let i = 0; i < STREAM_EVENTS; i++) {
    body += `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: ` token${i}` }, finish_reason: null }] })}\n\n`
  }
  return `${body}data: [DONE]\n\n`
}

/** Three answers: instant JSON (pure proxy cost), 32 SSE events written one by one, JSON after 20 ms (an endpoint that takes time). */
async function serveUpstream(): Promise<void> {
  const events = sseBody().split(/(?<=\n\n)/)
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      if (request.url === '/v1/stream') {
        response.writeHead(200, { 'content-type': 'text/event-stream' })
        for (const event of events) response.write(event)
        response.end()
        return
      }
      const answer = (): void => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(ANSWER)) })
        response.end(ANSWER)
      }
      if (request.url === '/v1/slow') setTimeout(answer, SLOW_MS)
      else answer()
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

/** Sequential POSTs over one keep-alive connection; returns each round trip in ms. */
async function roundTrips(url: string, path: string, count: number): Promise<number[]> {
  const pool = new Pool(url, { connections: 1, pipelining: 1 })
  const times: number[] = []
  try {
    for (let i = 0; i < count; i++) {
      const startedAt = performance.now()
      const response = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json' }, body: REQUEST_BODY })
      await response.body.text()
      times.push(performance.now() - startedAt)
    }
  } finally {
    await pool.close()
  }
  return times
}

async function throughput(url: string, path: string, seconds: number, connections: number): Promise<{ requestsPerSecond: number; errors: number; non2xx: number }> {
  const result = await autocannon({
    url: `${url}${path}`,
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

interface Scenario {
  name: string
  path: string
  requests: number
}

async function measure(scenario: Scenario, direct: string, proxy: string, seconds: number, connections: number) {
  const rounds = 6
  await roundTrips(direct, scenario.path, Math.min(500, scenario.requests))
  await roundTrips(proxy, scenario.path, Math.min(500, scenario.requests))
  const directTimes: number[] = []
  const proxyTimes: number[] = []
  const perRound = Math.ceil(scenario.requests / rounds)
  // Alternate in rounds so drift (other load on the machine) hits both paths alike.
  for (let round = 0; round < rounds; round++) {
    directTimes.push(...(await roundTrips(direct, scenario.path, perRound)))
    proxyTimes.push(...(await roundTrips(proxy, scenario.path, perRound)))
  }
  directTimes.sort((a, b) => a - b)
  proxyTimes.sort((a, b) => a - b)
  const directRate = await throughput(direct, scenario.path, seconds, connections)
  const proxyRate = await throughput(proxy, scenario.path, seconds, connections)
  return {
    scenario: scenario.name,
    requests: directTimes.length,
    latencyMs: {
      direct: { p50: percentileSorted(directTimes, 50), p99: percentileSorted(directTimes, 99) },
      proxy: { p50: percentileSorted(proxyTimes, 50), p99: percentileSorted(proxyTimes, 99) },
      addedP50: percentileSorted(proxyTimes, 50) - percentileSorted(directTimes, 50),
      addedP99: percentileSorted(proxyTimes, 99) - percentileSorted(directTimes, 99),
    },
    throughput: { connections, seconds, direct: directRate, proxy: proxyRate, ratio: proxyRate.requestsPerSecond / directRate.requestsPerSecond },
  }
}

async function main(): Promise<void> {
  const requests = flag('--requests', 3000)
  const seconds = flag('--seconds', 4)
  const connections = flag('--connections', 32)
  const scenarios: Scenario[] = [
    { name: 'instant JSON', path: '/v1/chat/completions', requests },
    { name: `SSE, ${STREAM_EVENTS} events`, path: '/v1/stream', requests },
    { name: `JSON after ${SLOW_MS} ms`, path: '/v1/slow', requests: Math.min(requests, 300) },
  ]
  const upstream = await startRole(['upstream'])
  const proxy = await startRole(['proxy', upstream.url])
  const f = (value: number): string => value.toFixed(3)
  try {
    const results = []
    process.stdout.write(`proxy overhead, no faults (sequential requests over one keep-alive connection; throughput: autocannon, ${connections} connections, ${seconds} s; Node ${process.version})\n`)
    for (const scenario of scenarios) {
      const result = await measure(scenario, upstream.url, proxy.url, seconds, connections)
      results.push(result)
      const { latencyMs: l, throughput: t } = result
      process.stdout.write(
        [
          `${scenario.name} (${result.requests} requests per path)`,
          `  latency  direct p50 ${f(l.direct.p50)} ms  p99 ${f(l.direct.p99)} ms | proxy p50 ${f(l.proxy.p50)} ms  p99 ${f(l.proxy.p99)} ms | added p50 ${f(l.addedP50)} ms  p99 ${f(l.addedP99)} ms`,
          `  throughput  direct ${t.direct.requestsPerSecond.toFixed(0)} req/s  proxy ${t.proxy.requestsPerSecond.toFixed(0)} req/s  ratio ${t.ratio.toFixed(2)}  (errors: direct ${t.direct.errors + t.direct.non2xx}, proxy ${t.proxy.errors + t.proxy.non2xx})`,
          '',
        ].join('\n'),
      )
    }
    process.stdout.write(`${JSON.stringify({ node: process.version, results })}\n`)
  } finally {
    upstream.child.kill()
    proxy.child.kill()
  }
}

const role = process.argv[2]
if (role === 'upstream') await serveUpstream()
else if (role === 'proxy') await serveProxy(process.argv[3] as string)
else await main()
