// core/undici.ts loads undici's Agent and global dispatcher by path, not through the index: they
// must be the very classes and dispatcher the package exports, and the Agent must work.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as undici from 'undici'
import { describe, expect, it } from 'vitest'
import { Agent, getGlobalDispatcher } from '../../../core/undici.js'

describe('core/undici', () => {
  it('is the package’s own Agent and global dispatcher', () => {
    expect(Agent).toBe(undici.Agent)
    expect(getGlobalDispatcher()).toBe(undici.getGlobalDispatcher())
  })

  it('sends a request through a loopback server', async () => {
    const server = createServer((_request, response) => response.end('pong'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const agent = new Agent({ connections: 1 })
    try {
      const { port } = server.address() as AddressInfo
      const answer = await undici.request(`http://127.0.0.1:${port}/`, { dispatcher: agent })
      expect(await answer.body.text()).toBe('pong')
    } finally {
      await agent.destroy()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
