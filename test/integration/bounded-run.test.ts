// Every request and every run is bounded: a stream that never ends, against a real loopback server,
// ends at --request-timeout (its own outcome) or at --max-duration + --grace (cut and recorded).
import { mkdtempSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readRecords } from '../../results/sinks/jsonl.js'
import type { Summary } from '../../results/summary.js'
import { runCli } from '../helpers/cli.js'

/** An OpenAI-style endpoint that streams a token every 100 ms and never finishes. */
function startEndlessServer(): Promise<{ url: string; server: Server; open: Set<ServerResponse> }> {
  const open = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    open.add(res)
    const chunk = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'tok ' }, finish_reason: null }] })}\n\n`
    const timer = setInterval(() => res.write(chunk), 100)
    res.on('close', () => {
      clearInterval(timer)
      open.delete(res)
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server, open }))
  })
}

const TRAFFIC = ['--preset', 'peak-hour', '--employees', '40', '--time-scale', '3600', '--max-requests', '4', '--max-output-tokens', '20']

describe('bounded requests and runs (never-ending streams)', () => {
  let endless: Awaited<ReturnType<typeof startEndlessServer>>
  beforeAll(async () => {
    endless = await startEndlessServer()
  })
  afterAll(async () => {
    for (const res of endless.open) res.destroy()
    await new Promise((resolve) => endless.server.close(resolve))
  })

  it('--request-timeout ends each never-ending stream at the limit, recorded as request-timeout', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-bounded-')), 'limit')
    const started = Date.now()
    const result = await runCli(
      ['run', ...TRAFFIC, '--target', `openai-compatible:m@${endless.url}`, '--patience', 'off', '--body-timeout', '3000', '--request-timeout', '1s', '--yes', '--quiet', '--no-report', '--out', out],
      { env: { OPENAI_API_KEY: 'sk-test' }, timeoutMs: 30_000 },
    )
    expect(result.code, result.stderr).toBe(0)
    expect(Date.now() - started).toBeLessThan(20_000)
    const { samples } = await readRecords(join(out, 'records.jsonl'))
    expect(samples).toHaveLength(4)
    for (const sample of samples) {
      expect(sample).toMatchObject({ outcome: 'request-timeout', errorCode: 'REQUEST_TIMEOUT' })
      // Ends at the limit from its send. Late by timer granularity and loop turns; early by at most
      // a few ms, because Node arms setTimeout from libuv's cached loop time, which lags the
      // monotonic clock the send time is read from (a loaded CI machine showed 998.5 ms).
      const service = (sample.endAtMs as number) - (sample.sentAtMs as number)
      expect(service).toBeGreaterThanOrEqual(990)
      expect(service).toBeLessThan(1_500)
      // It streamed before the limit: tokens came, so TTFT is real.
      expect(sample.chunks).toBeGreaterThan(3)
    }
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
    expect(summary.requests.byOutcome['request-timeout']).toBe(4)
    expect(summary.errors.rate).toBe(1)
  })

  it('--max-duration plus --grace cuts streams that never finish and records them, not a hang', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-bounded-')), 'grace')
    const started = Date.now()
    const result = await runCli(
      ['run', ...TRAFFIC, '--target', `openai-compatible:m@${endless.url}`, '--patience', 'off', '--request-timeout', 'off', '--max-duration', '1s', '--grace', '500ms', '--yes', '--quiet', '--no-report', '--out', out],
      { env: { OPENAI_API_KEY: 'sk-test' }, timeoutMs: 30_000 },
    )
    expect(result.code, result.stderr).toBe(0)
    expect(Date.now() - started).toBeLessThan(20_000)
    const { samples } = await readRecords(join(out, 'records.jsonl'))
    expect(samples).toHaveLength(4)
    for (const sample of samples) {
      expect(sample).toMatchObject({ outcome: 'interrupted', errorCode: 'RUN_GRACE_EXPIRED' })
      expect(sample.endAtMs as number).toBeGreaterThanOrEqual(1_499)
      expect(sample.endAtMs as number).toBeLessThan(2_500)
    }
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
    expect(summary.partial).toBe(true)
    expect(summary.notes.join('\n')).toMatch(/still in flight .* were cut/)
  })

  it('rejects a bad --request-timeout or a --grace without --max-duration in one line, exit 2', async () => {
    const bad = await runCli(['run', ...TRAFFIC, '--mock', 'exact', '--request-timeout', 'soon', '--quiet'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toMatch(/--request-timeout 'soon' is not a duration/)
    const grace = await runCli(['run', ...TRAFFIC, '--mock', 'exact', '--grace', '5s', '--quiet'])
    expect(grace.code).toBe(2)
    expect(grace.stderr).toMatch(/--grace applies after --max-duration/)
  })
})
