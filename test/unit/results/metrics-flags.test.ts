// --metrics-port / --metrics-host / --metrics-linger: good values parsed, each bad one a one-line USAGE_INVALID.
import { describe, expect, it } from 'vitest'
import { parseMetricsFlags } from '../../../results/metrics/flags.js'
import type { MetricsFlags } from '../../../results/metrics/flags.js'
import { GauntletError } from '../../../core/errors.js'

describe('metrics flags', () => {
  it('parses a port, host and linger; nothing without a port', () => {
    expect(parseMetricsFlags({})).toBeUndefined()
    expect(parseMetricsFlags({ metricsPort: '9464' })).toEqual({ port: 9464, host: '127.0.0.1', lingerMs: 0 })
    expect(parseMetricsFlags({ metricsPort: '0', metricsHost: '0.0.0.0', metricsLinger: '15s' })).toEqual({ port: 0, host: '0.0.0.0', lingerMs: 15_000 })
    expect(parseMetricsFlags({ metricsPort: '65535', metricsLinger: '250' })?.lingerMs).toBe(250)
  })

  it.each<[MetricsFlags, RegExp]>([
    [{ metricsPort: 'abc' }, /--metrics-port 'abc'.*e\.g\. --metrics-port 9464/],
    [{ metricsPort: '65536' }, /--metrics-port '65536'/],
    [{ metricsPort: '-1' }, /--metrics-port '-1'/],
    [{ metricsPort: '1.5' }, /--metrics-port '1\.5'/],
    [{ metricsPort: '' }, /--metrics-port ''/],
    [{ metricsPort: '9464', metricsLinger: 'soon' }, /--metrics-linger 'soon'/],
    [{ metricsPort: '9464', metricsHost: ' ' }, /--metrics-host/],
    [{ metricsLinger: '5s' }, /need --metrics-port/],
  ])('rejects %o', (flags, message) => {
    let error: unknown
    try {
      parseMetricsFlags(flags)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(GauntletError)
    expect((error as GauntletError).code).toBe('USAGE_INVALID')
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toContain('\n')
  })
})
