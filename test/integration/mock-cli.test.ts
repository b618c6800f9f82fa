// `gauntlet mock`: prints `listening on http://HOST:PORT`, serves, and closes cleanly when stopped.
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { isLoopbackHost, runMock } from '../../bin/commands/mock.js'
import { UserError } from '../../core/errors.js'

describe('gauntlet mock', () => {
  it('prints the URL and the profile, serves both protocols, and stops on abort', async () => {
    const lines: string[] = []
    const warnings: string[] = []
    const controller = new AbortController()
    let url = ''
    const running = runMock(
      { port: '0', profile: 'fast', seed: '3', apiKey: ['k1', 'k2'] },
      { signal: controller.signal, log: (line) => lines.push(line), warn: (line) => warnings.push(line), onListening: (server) => (url = server.url) },
    )
    await expect.poll(() => url).not.toBe('')
    expect(lines[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/)
    expect(lines[0]).toBe(`listening on ${url}`)
    expect(lines[1]).toMatch(/^profile fast: /)
    expect(warnings).toEqual([])
    const openai = await request(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k2', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 3, messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect(openai.statusCode).toBe(200)
    await openai.body.dump()
    const anthropic = await request(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'nope', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-mock', max_tokens: 3, messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect(anthropic.statusCode).toBe(401)
    await anthropic.body.dump()
    controller.abort()
    await running
    expect(lines.at(-1)).toMatch(/^stopped: 2 requests, 1 answered/)
    await expect(request(`${url}/health`)).rejects.toThrow()
  })

  it('turns bad flags into one-line user errors', async () => {
    const options = { signal: AbortSignal.abort(), log: () => undefined, warn: () => undefined }
    await expect(runMock({ port: '99999' }, options)).rejects.toThrow(UserError)
    await expect(runMock({ profile: 'warp-speed' }, options)).rejects.toThrow(/unknown profile "warp-speed"/)
    await expect(runMock({ seed: 'x' }, options)).rejects.toThrow(/--seed/)
  })

  it('warns for a non-loopback host only', () => {
    expect(['127.0.0.1', '127.0.0.2', '::1', 'localhost'].map(isLoopbackHost)).toEqual([true, true, true, true])
    expect(['0.0.0.0', '192.168.1.10', '::', 'example.com'].map(isLoopbackHost)).toEqual([false, false, false, false])
  })
})
