// core/undici.ts in a process that never loads undici's index (as `gauntlet run` does): its Agent
// must still have the dispatcher API (request(), stream(), …) that the chaos proxy and adapter
// plugins use, and a request through it must work.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { assertBuilt } from '../helpers/cli.js'

const CORE_UNDICI = fileURLToPath(new URL('../../dist/core/undici.js', import.meta.url))

describe('undici loaded by path', () => {
  it('gives the Agent its request API without the package index', async () => {
    assertBuilt()
    const script = `
      import { createServer } from 'node:http'
      const { Agent } = await import(${JSON.stringify(CORE_UNDICI)})
      const server = createServer((_q, s) => s.end('pong'))
      await new Promise((r) => server.listen(0, '127.0.0.1', r))
      const agent = new Agent()
      const methods = ['request', 'stream', 'pipeline', 'connect', 'upgrade'].filter((m) => typeof agent[m] !== 'function')
      const answer = await agent.request({ origin: 'http://127.0.0.1:' + server.address().port, path: '/', method: 'GET' })
      const body = await answer.body.text()
      await agent.close(); server.close()
      const indexLoaded = Object.keys((await import('node:module')).createRequire(import.meta.url).cache).some((k) => k.endsWith('/undici/index.js'))
      console.log(JSON.stringify({ methods, body, indexLoaded }))
    `
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 })
    expect(JSON.parse(stdout)).toEqual({ methods: [], body: 'pong', indexLoaded: false })
  })
})
