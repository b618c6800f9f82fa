// `gauntlet run --metrics-port 0` against the embedded mock: /metrics answers during the run with
// Prometheus text, and its final figures (kept up by --metrics-linger) equal summary.json.
import { mkdtempSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseExposition, sumOf, type ParsedExposition } from '../helpers/prometheus-text.js'
import { METRIC_NAMES } from '../../results/metrics/names.js'
import type { Summary } from '../../results/summary.js'
import { runCli } from '../helpers/cli.js'

// About 3 s of traffic: long enough to scrape while requests are in flight.
const TRAFFIC = ['--preset', 'peak-hour', '--employees', '200', '--time-scale', '200', '--max-requests', '60', '--max-output-tokens', '20', '--mock', 'exact', '--quiet', '--no-report']

interface Scrape {
  atMs: number
  duringRun: boolean
  status: number
  contentType: string | null
  text: string
}

describe('gauntlet run --metrics-port (CLI)', () => {
  it('serves /metrics during the run and final figures equal to summary.json', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-metrics-')), 'run')
    const scrapes: Scrape[] = []
    let notFound: number | undefined
    let finalScrape: Scrape | undefined
    let polling: Promise<void> | undefined
    const started = Date.now()
    const result = await runCli(['run', ...TRAFFIC, '--out', out, '--metrics-port', '0', '--metrics-linger', '3s'], {
      timeoutMs: 60_000,
      onSpawn: (child) => {
        let stderr = ''
        let lingering = false
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString()
          if (/run over, serving the final figures/.test(stderr)) lingering = true
          const match = /metrics: (http:\/\/127\.0\.0\.1:(\d+)\/metrics)/.exec(stderr)
          if (match === null || polling !== undefined) return
          const url = match[1] as string
          polling = (async () => {
            notFound = (await fetch(url.replace(/\/metrics$/, '/nope'))).status
            // Scrape every 100 ms while the run goes; once it lingers, take the final figures once.
            for (;;) {
              const duringRun = !lingering
              const response = await fetch(url).catch(() => undefined)
              if (response === undefined) return
              const scrape = { atMs: Date.now() - started, duringRun, status: response.status, contentType: response.headers.get('content-type'), text: await response.text() }
              scrapes.push(scrape)
              if (!duringRun) {
                finalScrape = scrape
                return
              }
              await new Promise((resolve) => setTimeout(resolve, 100))
            }
          })()
        })
      },
    })
    await polling
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/^metrics: http:\/\/127\.0\.0\.1:\d+\/metrics$/m)
    expect(notFound).toBe(404)

    // During the run: valid exposition with every metric family, and traffic under way.
    const during = scrapes.filter((scrape) => scrape.duringRun)
    expect(during.length).toBeGreaterThan(3)
    const parsedDuring = during.map((scrape) => parseExposition(scrape.text))
    for (const scrape of during) {
      expect(scrape.status).toBe(200)
      expect(scrape.contentType).toMatch(/^text\/plain; version=0\.0\.4/)
    }
    const last = parsedDuring[parsedDuring.length - 1] as ParsedExposition
    for (const name of Object.values(METRIC_NAMES).filter((name) => name !== METRIC_NAMES.phase)) {
      expect(last.types.has(name), name).toBe(true)
    }
    const midRun = parsedDuring.filter((parsed) => {
      const done = sumOf(parsed, 'gauntlet_requests_total')
      return done > 0 && done < 60
    })
    expect(midRun.length, 'a scrape with some but not all requests done').toBeGreaterThan(0)
    expect(parsedDuring.some((parsed) => sumOf(parsed, 'gauntlet_elapsed_seconds') > 0)).toBe(true)

    // After the run: the final scrape equals the summary.
    expect(finalScrape, 'a scrape during --metrics-linger').toBeDefined()
    const final = parseExposition(finalScrape?.text ?? '')
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary
    const byOutcome: Record<string, number> = {}
    for (const series of final.series.filter((s) => s.name === 'gauntlet_requests_total')) byOutcome[series.labels['outcome'] ?? '?'] = series.value
    expect(byOutcome).toEqual(summary.requests.byOutcome)
    expect(sumOf(final, 'gauntlet_attempts_total')).toBe(summary.requests.attempts)
    expect(sumOf(final, 'gauntlet_output_tokens_total')).toBe(summary.tokens.output)
    expect(sumOf(final, 'gauntlet_input_tokens_total')).toBe(summary.tokens.input)
    expect(sumOf(final, 'gauntlet_ttft_seconds_count')).toBe(summary.latency.ttft_ms.count)
    expect(sumOf(final, 'gauntlet_spend_usd_total')).toBeCloseTo(summary.spend.usd as number, 6)
    expect(sumOf(final, 'gauntlet_in_flight_requests')).toBe(0)
    for (const series of final.series) expect(series.labels).toMatchObject({ run: summary.name, target: 'mock:exact' })
  })

  it.each([
    [['--metrics-port', '70000'], /--metrics-port '70000'/],
    [['--metrics-port', 'x'], /--metrics-port 'x'/],
    [['--metrics-linger', '5s'], /need --metrics-port/],
  ])('%j exits 2 with one line', async (flags, message) => {
    const result = await runCli(['run', ...TRAFFIC, '--out', join(mkdtempSync(join(tmpdir(), 'gauntlet-metrics-')), 'bad'), ...flags])
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(message)
  })
})
