// `gauntlet proxy`: the fault proxy as a standalone process in front of any endpoint, with an
// optional control API, until SIGINT/SIGTERM.
import type { Command } from 'commander'
import { createControlServer, type ControlServer } from '../../chaos/control.js'
import { createChaosProxy, type FaultDecision } from '../../chaos/proxy.js'
import { loadFaultsFile } from '../../chaos/registry.js'
import { loadTimeline } from '../../chaos/timeline.js'
import type { FaultSpec } from '../../chaos/types.js'
import { UserError } from '../../core/errors.js'
import { abortOnSignals, parseNumberFlag } from '../cli-helpers.js'
import { EXIT_OK, type SetExitCode } from '../exit-codes.js'

export interface ProxyFlags {
  upstream?: string
  host?: string
  port?: string
  faults?: string
  timeline?: string
  timeScale?: string
  seed?: string
  controlPort?: string
  verbose?: boolean
}

export interface ProxyRunOptions {
  /** Stops the proxy when aborted. */
  signal: AbortSignal
  /** One line per call, no newline. */
  log: (line: string) => void
  /** Called once listening, with the proxy and control URLs. */
  onListening?: (urls: { proxy: string; control: string | undefined }) => void
}

/** Validates the flags, starts the proxy (and control API), and resolves once `signal` aborts. */
export async function runProxy(flags: ProxyFlags, options: ProxyRunOptions): Promise<void> {
  if (flags.upstream === undefined) {
    throw new UserError('USAGE_INVALID', '--upstream is required: the endpoint to forward to; e.g. --upstream http://127.0.0.1:8000')
  }
  const port = flags.port === undefined ? 0 : parseNumberFlag('--port', flags.port, { integer: true, min: 0, max: 65_535 })
  const controlPort = flags.controlPort === undefined ? undefined : parseNumberFlag('--control-port', flags.controlPort, { integer: true, min: 0, max: 65_535 })
  const seed = flags.seed === undefined ? 1 : parseNumberFlag('--seed', flags.seed, { integer: true, min: 0 })
  const timeScale = flags.timeScale === undefined ? undefined : parseNumberFlag('--time-scale', flags.timeScale, { min: 0.001 })
  if (timeScale !== undefined && flags.timeline === undefined) {
    throw new UserError('USAGE_INVALID', '--time-scale only applies to --timeline; add --timeline FILE or drop --time-scale')
  }
  const faults: FaultSpec[] = flags.faults === undefined ? [] : await loadFaultsFile(flags.faults)
  let timeline = flags.timeline === undefined ? undefined : await loadTimeline(flags.timeline)
  if (timeline !== undefined && timeScale !== undefined) timeline = timeline.scale(timeScale)
  const host = flags.host ?? '127.0.0.1'

  const proxy = await createChaosProxy({
    upstream: flags.upstream,
    host,
    port,
    faults,
    seed,
    ...(timeline === undefined ? {} : { timeline }),
    ...(flags.verbose === true ? { onDecision: (decision: FaultDecision) => options.log(describeDecision(decision)) } : {}),
  })
  let control: ControlServer | undefined
  try {
    if (controlPort !== undefined) control = await createControlServer(proxy, { host, port: controlPort })
    proxy.startTimeline()
    options.log(`listening on ${proxy.url} -> ${proxy.upstream}`)
    if (control !== undefined) options.log(`control API on ${control.url} (GET /faults, POST /faults, DELETE /faults/NAME, GET /stats)`)
    if (faults.length > 0) options.log(`faults: ${faults.map((spec) => `${spec.name} (${spec.type}, toxicity ${spec.toxicity})`).join(', ')}`)
    if (timeline !== undefined) {
      options.log(`timeline ${timeline.source}: ${timeline.phases.map((phase) => `${phase.name} ${formatSeconds(phase.fromS)}–${formatSeconds(phase.toS)}`).join(', ')}`)
    }
    options.onListening?.({ proxy: proxy.url, control: control?.url })
    if (!options.signal.aborted) {
      await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve(), { once: true }))
    }
  } finally {
    await control?.close()
    const stats = proxy.stats()
    await proxy.close()
    options.log(`stopped: ${stats.requests} requests, ${stats.refused} refused, ${Object.entries(stats.faults).map(([name, count]) => `${name} ×${count}`).join(', ') || 'no faults applied'}`)
  }
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${seconds.toFixed(3)}s`
}

function describeDecision(decision: FaultDecision): string {
  const phase = decision.phase === undefined ? '' : ` [${decision.phase}]`
  const faults = decision.faults.length === 0 ? '-' : decision.faults.join(',')
  return `#${decision.sequence} ${(decision.elapsedMs / 1000).toFixed(3)}s${phase} ${decision.method} ${decision.path}${decision.model === undefined ? '' : ` (${decision.model})`} faults: ${faults}`
}

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('proxy')
    .description('Run the LLM-aware fault proxy in front of an endpoint (loopback only unless --host says otherwise)')
    .option('--upstream <url>', 'endpoint to forward to; the proxy forwards nowhere else (e.g. http://127.0.0.1:8000)')
    .option('--host <address>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', '0')
    .option('--faults <file>', 'static faults (JSON: [...] or {"faults": [...]}), e.g. chaos/examples/faults.json')
    .option('--timeline <file>', 'fault timeline (JSON phases), e.g. chaos/examples/drill.json; starts when the proxy does')
    .option('--time-scale <k>', 'play the timeline k times faster (60: an hour in a minute)')
    .option('--seed <n>', 'seed for fault decisions: same seed and traffic, same faults', '1')
    .option('--control-port <n>', 'serve the control API (list/add/update/remove faults, stats) on this loopback port (0: any)')
    .option('--verbose', 'print one line per request with the faults applied')
    .action(async (flags: ProxyFlags) => {
      const signals = abortOnSignals()
      try {
        await runProxy(flags, { signal: signals.signal, log: (line) => process.stdout.write(`${line}\n`) })
        setExitCode(EXIT_OK)
      } finally {
        signals.dispose()
      }
    })
}
