// `gauntlet probe`: raw HTTP saturation with autocannon -> probe.json and a terminal table.
// Against anything but loopback it needs --yes: full-speed requests to a paid API are a bill.
import { mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { join } from 'node:path'
import type { Command } from 'commander'
import { UserError } from '../../core/errors.js'
import { isLoopbackUrl } from '../../adapters/target.js'
import { resolveK6Target } from '../../load/k6/target.js'
import { defaultProbeEntry, formatProbeTable, probeEntries, runProbe } from '../../load/probe.js'
import { openTraffic } from '../../load/traffic-source.js'
import { abortOnSignals, parseNumberFlag } from '../cli-helpers.js'
import { EXIT_OK, type SetExitCode } from '../exit-codes.js'

interface ProbeFlags {
  target?: string
  traffic?: string
  connections: string
  duration: string
  pipelining: string
  timeout: string
  maxBodies: string
  out: string
  yes?: boolean
}

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('probe')
    .description('Saturate an endpoint or gateway with non-streaming requests (autocannon): max req/s, latency, errors')
    .option('--target <spec>', 'endpoint, e.g. openai-compatible:llama3@http://127.0.0.1:8000/v1')
    .option('--traffic <file>', 'take request bodies from this traffic file (round-robin); default a one-line prompt')
    .option('--connections <n>', 'concurrent connections', '10')
    .option('--duration <s>', 'seconds to run', '10')
    .option('--pipelining <n>', 'pipelined requests per connection', '1')
    .option('--timeout <s>', 'seconds before a request counts as timed out', '30')
    .option('--max-bodies <n>', 'distinct request bodies taken from the traffic file', '100')
    .option('--out <dir>', 'folder for probe.json', '.')
    .option('--yes', 'allow a non-loopback target (every request may be billed)')
    .action(async (flags: ProbeFlags) => {
      await runProbeCommand(flags)
      setExitCode(EXIT_OK)
    })
}

async function runProbeCommand(flags: ProbeFlags): Promise<void> {
  if (flags.target === undefined || flags.target.trim() === '') {
    throw new UserError('USAGE_INVALID', 'gauntlet probe: --target is required; e.g. --target openai-compatible:llama3@http://127.0.0.1:8000/v1')
  }
  const connections = parseNumberFlag('--connections', flags.connections, { integer: true, min: 1, max: 10_000 })
  const durationS = parseNumberFlag('--duration', flags.duration, { min: 1, max: 86_400 })
  const pipelining = parseNumberFlag('--pipelining', flags.pipelining, { integer: true, min: 1, max: 1000 })
  const timeoutS = parseNumberFlag('--timeout', flags.timeout, { min: 1 })
  const maxBodies = parseNumberFlag('--max-bodies', flags.maxBodies, { integer: true, min: 1 })
  const { target, label } = resolveK6Target(flags.target)
  if (!isLoopbackUrl(target.baseUrl)) {
    if (flags.yes !== true) {
      throw new UserError(
        'SPEND_NOT_CONFIRMED',
        `gauntlet probe: ${label} is not a loopback address and a probe sends as many requests as it can for ${durationS} s, each possibly billed; add --yes to go ahead, or probe a local server or gateway`,
      )
    }
    process.stderr.write(`warning: probing ${label} at full speed for ${durationS} s with ${connections} connections; every request may be billed\n`)
  }
  const apiKey = target.keyEnv === null ? undefined : process.env[target.keyEnv]?.trim() || undefined
  if (apiKey === undefined && target.keyRequired) {
    throw new UserError('ADAPTER_MISSING_KEY', `gauntlet probe: ${label} needs an API key and ${target.keyEnv} is not set; export ${target.keyEnv}=...`)
  }
  const entries = flags.traffic === undefined ? [defaultProbeEntry()] : await probeEntries(await openTraffic({ type: 'file', path: flags.traffic }, 1), maxBodies)
  const signals = abortOnSignals()
  try {
    const summary = await runProbe({
      target,
      label,
      ...(apiKey === undefined ? {} : { apiKey }),
      entries,
      connections,
      durationS,
      pipelining,
      timeoutS,
      signal: signals.signal,
    })
    await mkdir(flags.out, { recursive: true })
    const path = join(flags.out, 'probe.json')
    await writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`)
    process.stdout.write(formatProbeTable(summary))
    process.stdout.write(`wrote ${path}\n`)
  } finally {
    signals.dispose()
  }
}
