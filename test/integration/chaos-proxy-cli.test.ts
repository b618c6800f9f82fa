// `gauntlet proxy`: flags validated with one-line errors, then a proxy (and control API) that runs
// until its signal aborts.
import { Command } from 'commander'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { register, runProxy } from '../../bin/commands/proxy.js'
import { startSseUpstream, type SseUpstream } from '../helpers/sse-upstream.js'

let upstream: SseUpstream

beforeAll(async () => {
  upstream = await startSseUpstream()
})
afterAll(async () => {
  await upstream.close()
})

describe('gauntlet proxy', () => {
  it('prints where it listens, applies --faults, serves --control-port, and stops on abort', async () => {
    const lines: string[] = []
    const controller = new AbortController()
    let urls: { proxy: string; control: string | undefined } | undefined
    const running = runProxy(
      { upstream: upstream.url, faults: 'chaos/examples/faults.json', controlPort: '0', seed: '4', verbose: true },
      { signal: controller.signal, log: (line) => lines.push(line), onListening: (listening) => (urls = listening) },
    )
    while (urls === undefined) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(lines[0]).toBe(`listening on ${urls.proxy} -> ${upstream.url}`)
    expect(urls.proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const response = await request(`${urls.proxy}/echo`)
    await response.body.dump()
    expect(response.headers['x-gauntlet-faults']).toContain('latency')
    const faults = await request(`${urls.control}/faults`)
    expect(((await faults.body.json()) as { faults: unknown[] }).faults).toHaveLength(3)
    controller.abort()
    await running
    expect(lines.some((line) => /^#0 .* GET \/echo faults: latency/.test(line))).toBe(true)
    expect(lines.at(-1)).toMatch(/^stopped: 1 requests, 0 refused, latency ×1/)
  })

  it.each([
    [{}, 'USAGE_INVALID', '--upstream is required'],
    [{ upstream: 'ftp://x' }, 'CHAOS_INVALID', '--upstream: expected http: or https:'],
    [{ upstream: 'http://127.0.0.1:1', port: '70000' }, 'USAGE_INVALID', "--port '70000'"],
    [{ upstream: 'http://127.0.0.1:1', faults: 'nope.json' }, 'FILE_NOT_FOUND', '--faults nope.json: file not found'],
    [{ upstream: 'http://127.0.0.1:1', timeScale: '10' }, 'USAGE_INVALID', '--time-scale only applies to --timeline'],
  ])('rejects bad flags %j', async (flags, code, fragment) => {
    const controller = new AbortController()
    controller.abort()
    await expect(runProxy(flags, { signal: controller.signal, log: () => undefined })).rejects.toMatchObject({ code, message: expect.stringContaining(fragment) })
  })

  it('registers as a commander subcommand', () => {
    const program = new Command()
    register(program, () => undefined)
    const command = program.commands.find((c) => c.name() === 'proxy')
    expect(command?.options.map((option) => option.long)).toEqual(['--upstream', '--host', '--port', '--faults', '--timeline', '--time-scale', '--seed', '--control-port', '--verbose'])
  })
})
