// The control API on its own loopback port: faults added, updated and removed while traffic flows.
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createControlServer, type ControlServer } from '../../chaos/control.js'
import { createChaosProxy, type ChaosProxy } from '../../chaos/proxy.js'
import { fetchTimed, startSseUpstream, type SseUpstream } from '../helpers/sse-upstream.js'

let upstream: SseUpstream
let proxy: ChaosProxy
let control: ControlServer

beforeAll(async () => {
  upstream = await startSseUpstream()
  proxy = await createChaosProxy({ upstream: upstream.url, seed: 9 })
  control = await createControlServer(proxy)
})
afterAll(async () => {
  await control.close()
  await proxy.close()
  await upstream.close()
})

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const response = await request(`${control.url}${path}`, {
    method: method as 'GET',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.body.text()
  return { status: response.statusCode, json: text === '' ? undefined : JSON.parse(text) }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('control API', () => {
  it('binds to loopback and describes itself', async () => {
    expect(control.url).toBe(`http://127.0.0.1:${control.port}`)
    const root = await call('GET', '/')
    expect(root.status).toBe(200)
    expect((root.json as { faultTypes: string[] }).faultTypes).toContain('malformed-sse')
  })

  it('adds, updates and removes a fault while requests flow', async () => {
    const statuses: number[] = []
    let running = true
    const traffic = (async () => {
      while (running) {
        const response = await request(`${proxy.url}/echo`)
        await response.body.dump()
        statuses.push(response.statusCode)
      }
    })()
    await sleep(100)
    const added = await call('POST', '/faults', { type: 'status', name: 'outage', params: { status: 503 } })
    expect(added.status).toBe(201)
    expect(added.json).toMatchObject({ type: 'status', name: 'outage', toxicity: 1, params: { status: 503 } })
    await sleep(100)
    const duplicate = await call('POST', '/faults', { type: 'latency', name: 'outage' })
    expect(duplicate.status).toBe(409)
    const updated = await call('POST', '/faults/outage', { params: { status: 502 } })
    expect(updated.status).toBe(200)
    expect(updated.json).toMatchObject({ params: { status: 502 } })
    await sleep(100)
    const removed = await call('DELETE', '/faults/outage')
    expect(removed.status).toBe(204)
    await sleep(100)
    running = false
    await traffic
    // Runs of 200, then 503, then 502, then 200 again, in that order.
    const runs = statuses.filter((status, i) => i === 0 || statuses[i - 1] !== status)
    expect(runs).toEqual([200, 503, 502, 200])
    const stats = (await call('GET', '/stats')).json as { requests: number; faults: Record<string, number> }
    expect(stats.requests).toBe(statuses.length)
    expect(stats.faults['outage']).toBe(statuses.filter((status) => status !== 200).length)
    expect((await call('GET', '/faults')).json).toMatchObject({ faults: [], phase: null })
  })

  it('releases a stream held by a fault when the fault is removed (interrupt)', async () => {
    await call('POST', '/faults', { type: 'stall', name: 'freeze', params: { after_events: 2, then: 'hang' } })
    const pending = fetchTimed(`${proxy.url}/v1/chat/completions`, { body: JSON.stringify({ model: 'm', stream: true }) })
    await sleep(200)
    expect((await call('DELETE', '/faults/freeze')).status).toBe(204)
    const fetched = await pending
    expect(fetched.error).toBeUndefined()
    expect(fetched.events.at(-1)?.data).toBe('[DONE]')
    // Held after two events until the DELETE, ~200 ms later.
    expect((fetched.events[2]?.atMs ?? 0) - (fetched.events[1]?.atMs ?? 0)).toBeGreaterThanOrEqual(100)
  })

  it.each([
    ['an unknown fault type', { type: 'meteor' }, 400, 'CHAOS_UNKNOWN_FAULT'],
    ['bad params', { type: 'latency', params: { latency: -5 } }, 400, 'CHAOS_INVALID'],
    ['an unknown key', { type: 'latency', colour: 'red' }, 400, 'CHAOS_INVALID'],
    ['not JSON', '{nope', 400, 'CHAOS_INVALID'],
  ])('rejects %s with a specific code', async (_label, body, status, code) => {
    const answer = await call('POST', '/faults', body)
    expect(answer.status).toBe(status)
    expect((answer.json as { error: { code: string } }).error.code).toBe(code)
  })

  it('answers 404 for unknown faults and routes, and refuses foreign Host and non-JSON posts', async () => {
    expect((await call('DELETE', '/faults/nothing')).status).toBe(404)
    expect((await call('GET', '/nowhere')).status).toBe(404)
    expect((await call('GET', '/faults', undefined, { host: 'evil.example' })).status).toBe(403)
    const form = await request(`${control.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'type=blackhole' })
    await form.body.dump()
    expect(form.statusCode).toBe(415)
    expect(proxy.listFaults()).toEqual([])
  })
})
