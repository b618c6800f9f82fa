// `--metrics-port`, `--metrics-host`, `--metrics-linger` -> live metrics options, one-line errors.
import { parseDurationMs } from '../../core/duration.js'
import { UserError } from '../../core/errors.js'

export interface MetricsFlags {
  metricsPort?: string
  metricsHost?: string
  metricsLinger?: string
}

export interface LiveMetricsOptions {
  port: number
  host: string
  /** Keep serving the final figures this long after the run (ms). */
  lingerMs: number
}

/** Undefined when no `--metrics-port` was given. */
export function parseMetricsFlags(flags: MetricsFlags): LiveMetricsOptions | undefined {
  if (flags.metricsPort === undefined) {
    if (flags.metricsHost !== undefined || flags.metricsLinger !== undefined) {
      throw new UserError('USAGE_INVALID', '--metrics-host and --metrics-linger need --metrics-port; e.g. --metrics-port 9464')
    }
    return undefined
  }
  const text = flags.metricsPort.trim()
  const port = Number(text)
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw new UserError('USAGE_INVALID', `--metrics-port '${flags.metricsPort}' is not a port 0..65535 (0 picks a free one); e.g. --metrics-port 9464`)
  }
  const host = (flags.metricsHost ?? '127.0.0.1').trim()
  if (host === '') throw new UserError('USAGE_INVALID', "--metrics-host '' is empty; e.g. --metrics-host 127.0.0.1 (0.0.0.0 to let others scrape)")
  let lingerMs = 0
  if (flags.metricsLinger !== undefined) {
    const ms = parseDurationMs(flags.metricsLinger)
    if (ms === undefined) throw new UserError('USAGE_INVALID', `--metrics-linger '${flags.metricsLinger}' is not a duration; e.g. --metrics-linger 15s (or 15000 ms)`)
    lingerMs = ms
  }
  return { port, host, lingerMs }
}
