// Warms the HTTP client before a run's clock starts, without touching the endpoint: a few requests
// to a throwaway loopback server of our own, so undici's parser (WebAssembly, compiled on first use)
// and its connection code are ready. Without it the first sends of a run pay tens of ms of
// compilation on the event loop, and at 1,000 req/s that lands in the p99.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent, request } from 'undici'

const BODY = 'data: {"choices":[{"delta":{"content":"warm"}}]}\n\ndata: [DONE]\n\n'

/** Sends `rounds` rounds of `parallel` streaming-shaped requests to a local server; ms it took. */
export async function warmHttpClient(rounds = 3, parallel = 4): Promise<number> {
  const started = performance.now()
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(BODY.slice(0, 20))
      res.end(BODY.slice(20))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const agent = new Agent({ connections: parallel })
  try {
    for (let round = 0; round < rounds; round++) {
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          const response = await request(`${origin}/v1/chat/completions`, { method: 'POST', body: '{"warm":true}', headers: { 'content-type': 'application/json' }, dispatcher: agent })
          await response.body.text()
        }),
      )
    }
  } catch {
    // A warm-up that fails costs nothing but its purpose: the run measures as before.
  } finally {
    await agent.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  return performance.now() - started
}
