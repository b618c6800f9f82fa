// `gauntlet traffic generate | import | inspect`: build, import and check traffic files.
import { readFile } from 'node:fs/promises'
import { Command, Option } from 'commander'
import { UserError } from '../../core/errors.js'
import type { EncodingName } from '../../core/tokens.js'
import { readTraffic } from '../../load/traffic.js'
import { parseSegment } from '../../load/traffic-segment.js'
import { createTrafficWriter } from '../../load/traffic-writer.js'
import type { TrafficHeader, TrafficRequest } from '../../core/traffic-types.js'
import { generateTraffic, type GenerateOptions } from '../../load/workload/generate.js'
import { PRESETS } from '../../load/workload/presets.js'
import { shapeRequests } from '../../load/workload/shape.js'
import { givenShapeFlags, SHAPE_FLAGS, shapeFromFlags, type ShapeFlagValues } from '../../load/workload/shape-flags.js'
import { shapeHeader } from '../../load/workload/shape-header.js'
import { createProfileAccumulator, formatProfile, zoneRangesFromHeader, type TrafficProfile } from '../../load/workload/profile.js'
import { importAzureTrace, type ImportedTrace } from '../../load/workload/trace-azure.js'
import type { TraceImportOptions } from '../../load/workload/trace-common.js'
import { importMooncakeTrace } from '../../load/workload/trace-mooncake.js'
import { importServegenTrace } from '../../load/workload/trace-servegen.js'
import { parseWindow } from '../../load/workload/window.js'
import { parseNumberFlag } from '../cli-helpers.js'
import type { SetExitCode } from '../exit-codes.js'

/** Where a command writes: the profile and notes go to stderr, data (inspect) to stdout. */
export interface CommandOutput {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

const processOutput: CommandOutput = { stdout: process.stdout, stderr: process.stderr }

/** `--preset` traffic, or a fixed shape given by its flags (`--rate` ..., load/workload/shape-flags.ts). */
export interface GenerateFlags extends ShapeFlagValues {
  preset?: string
  employees?: string
  seed?: string
  out?: string
  timeScale?: string
  window?: string
  adoption?: string
  queriesPerDay?: string
  maxRequests?: string
  burstiness?: string
  encoding?: string
  model?: string
  createdAt?: string
  dryRun?: boolean
}

export interface ImportFlags {
  format: string
  out?: string
  window?: string
  timeScale?: string
  jitter?: boolean
  seed?: string
  users?: string
  task?: string
  encoding?: string
  dataset?: string
  maxRequests?: string
  createdAt?: string
  dryRun?: boolean
}

export interface InspectFlags {
  segment?: string
}

function parseEncoding(text: string | undefined): EncodingName | undefined {
  if (text === undefined) return undefined
  if (text === 'o200k_base' || text === 'cl100k_base') return text
  throw new UserError('USAGE_INVALID', `--encoding '${text}' is not supported; expected o200k_base (GPT-4o and later, default) or cl100k_base (GPT-4, GPT-3.5)`)
}

/** `--created-at now|ISO`; else SOURCE_DATE_EPOCH (reproducible builds); else the epoch, so files are reproducible. */
function parseCreatedAt(text: string | undefined): string | undefined {
  if (text === 'now') return new Date().toISOString()
  if (text !== undefined) {
    const ms = Date.parse(text)
    if (Number.isNaN(ms)) throw new UserError('USAGE_INVALID', `--created-at '${text}' must be 'now' or an ISO date (e.g. 2025-03-01T09:00:00Z)`)
    return new Date(ms).toISOString()
  }
  const epoch = process.env['SOURCE_DATE_EPOCH']
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString()
  return undefined
}

function optionalNumber(flag: string, text: string | undefined, options: Parameters<typeof parseNumberFlag>[2] = {}): number | undefined {
  return text === undefined ? undefined : parseNumberFlag(flag, text, options)
}

/** A number; its range is checked where it is used, with the domain's own message. */
function optionalReal(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value)) throw new UserError('USAGE_INVALID', `${flag} '${text}' must be a number`)
  return value
}

async function readModelFile(path: string): Promise<{ json: unknown; file: string }> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UserError('FILE_NOT_FOUND', `--model '${path}' cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); pass a workload model JSON file`, { cause: error })
  }
  try {
    return { json: JSON.parse(text), file: path }
  } catch (error) {
    throw new UserError('CONFIG_INVALID', `${path}: not valid JSON (${(error as Error).message}); fix the workload model file`, { cause: error })
  }
}

/**
 * Streams requests into `out` through a temporary file while profiling them; the profile is
 * printed before the file is moved into place, so `out` only ever holds a complete file.
 */
async function writeWithProfile(
  requests: Iterable<TrafficRequest>,
  header: Omit<TrafficHeader, 'requestCount' | 'spanMs'>,
  out: string | undefined,
  output: CommandOutput,
  title: string,
): Promise<{ header: TrafficHeader | undefined; profile: TrafficProfile }> {
  const durationMs = header.parameters?.['durationMs']
  const profileOptions: Parameters<typeof createProfileAccumulator>[0] = {}
  const zones = zoneRangesFromHeader(header)
  if (zones !== undefined) profileOptions.zones = zones
  if (typeof durationMs === 'number') profileOptions.durationMs = durationMs
  const profiler = createProfileAccumulator(profileOptions)
  if (out === undefined) {
    for (const request of requests) profiler.add(request)
    const profile = profiler.finish()
    output.stderr.write(formatProfile(profile, title))
    return { header: undefined, profile }
  }
  const writer = createTrafficWriter(out, header)
  try {
    for (const request of requests) {
      profiler.add(request)
      await writer.write(request)
    }
    const written = await writer.close()
    const profile = profiler.finish()
    output.stderr.write(formatProfile(profile, title))
    output.stderr.write(`wrote ${written.requestCount.toLocaleString('en-US')} requests to ${out}\n`)
    return { header: written, profile }
  } catch (error) {
    await writer.discard()
    throw error
  }
}

/** Flags of the workforce model only: beside a fixed shape they would be silently unused. */
const PRESET_ONLY = [
  ['preset', '--preset'], ['employees', '--employees'], ['timeScale', '--time-scale'], ['window', '--window'], ['adoption', '--adoption'],
  ['queriesPerDay', '--queries-per-day'], ['maxRequests', '--max-requests'], ['burstiness', '--burstiness'], ['encoding', '--encoding'], ['model', '--model'],
] as const

/** A fixed shape from its flags: the same generator and seed as `run --shape`, so the same lines. */
async function runGenerateShape(flags: GenerateFlags, output: CommandOutput): Promise<{ header: TrafficHeader | undefined; profile: TrafficProfile }> {
  const given = givenShapeFlags(flags)
  const presetOnly = PRESET_ONLY.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag)
  if (presetOnly.length > 0) {
    throw new UserError('USAGE_INVALID', `${presetOnly.join(', ')} (--preset traffic) and ${given.join(', ')} (a fixed shape) both given; drop one side (a fixed shape's count is --requests N)`)
  }
  const shape = shapeFromFlags(flags)
  const seed = optionalNumber('--seed', flags.seed, { integer: true, min: 0, max: 0xffffffff }) ?? 1
  const header = shapeHeader(shape, seed, parseCreatedAt(flags.createdAt))
  output.stderr.write(`generating ${header.source} (seed ${seed})\n`)
  const written = await writeWithProfile(shapeRequests(shape, seed), header, flags.out, output, 'traffic profile')
  if (shape.concurrency !== undefined) {
    output.stderr.write(`closed loop: 'gauntlet run --traffic ${flags.out ?? 'FILE'}' sends it with --users ${shape.concurrency} (asked by the header; --users N overrides)\n`)
  }
  return written
}

export async function runGenerate(flags: GenerateFlags, output: CommandOutput = processOutput): Promise<{ header: TrafficHeader | undefined; profile: TrafficProfile }> {
  if (flags.out === undefined && flags.dryRun !== true) throw new UserError('USAGE_INVALID', 'traffic generate needs --out FILE (or --dry-run to print the profile only)')
  if (givenShapeFlags(flags).length > 0) return runGenerateShape(flags, output)
  if (flags.preset === undefined) {
    throw new UserError('USAGE_INVALID', `traffic generate needs --preset NAME (${Object.keys(PRESETS).join(', ')}) or a fixed shape: --rate R | --concurrency C, --duration D | --requests N, --input-tokens N --output-tokens M`)
  }
  const options: GenerateOptions = { preset: flags.preset, seed: optionalNumber('--seed', flags.seed, { integer: true, min: 0, max: 0xffffffff }) ?? 1 }
  const employees = optionalNumber('--employees', flags.employees, { integer: true, min: 1, max: 10_000_000 })
  if (employees !== undefined) options.employees = employees
  const timeScale = optionalReal('--time-scale', flags.timeScale)
  if (timeScale !== undefined) options.timeScale = timeScale
  if (flags.window !== undefined) options.window = parseWindow(flags.window)
  const adoption = optionalReal('--adoption', flags.adoption)
  if (adoption !== undefined) options.adoption = adoption
  const queriesPerDay = optionalReal('--queries-per-day', flags.queriesPerDay)
  if (queriesPerDay !== undefined) options.queriesPerDay = queriesPerDay
  const maxRequests = optionalNumber('--max-requests', flags.maxRequests, { integer: true, min: 0 })
  if (maxRequests !== undefined) options.maxRequests = maxRequests
  const burstiness = optionalReal('--burstiness', flags.burstiness)
  if (burstiness !== undefined) options.burstinessCv = burstiness
  const encoding = parseEncoding(flags.encoding)
  if (encoding !== undefined) options.encoding = encoding
  if (flags.model !== undefined) options.model = await readModelFile(flags.model)
  const createdAt = parseCreatedAt(flags.createdAt)
  if (createdAt !== undefined) options.createdAt = createdAt
  const traffic = generateTraffic(options)
  const { plan } = traffic
  const population = plan.preset.population
  output.stderr.write(
    `generating preset ${plan.preset.name} (seed ${plan.seed}): ${population.employees.toLocaleString('en-US')} employees, ` +
      `${Math.round(population.adoption * 100)}% active, ${population.queriesPerDay} requests/day each; expected ${Math.round(plan.expectedRequests).toLocaleString('en-US')} requests` +
      `${plan.maxRequests === undefined ? '' : ` (capped at ${plan.maxRequests.toLocaleString('en-US')})`}\n`,
  )
  return writeWithProfile(traffic, traffic.draftHeader, flags.out, output, 'traffic profile')
}

const FORMATS = ['azure', 'mooncake', 'servegen'] as const

export async function runImport(file: string, flags: ImportFlags, output: CommandOutput = processOutput): Promise<{ header: TrafficHeader | undefined; profile: TrafficProfile }> {
  if (!(FORMATS as readonly string[]).includes(flags.format)) {
    throw new UserError('USAGE_INVALID', `--format '${flags.format}' is not a trace format; expected one of ${FORMATS.join(', ')}`)
  }
  if (flags.out === undefined && flags.dryRun !== true) throw new UserError('USAGE_INVALID', 'traffic import needs --out FILE (or --dry-run to print the profile only)')
  const options: TraceImportOptions & { jitter?: boolean; datasetPath?: string } = { warn: (message) => output.stderr.write(`gauntlet: warning: ${message}\n`) }
  if (flags.window !== undefined) options.window = parseWindow(flags.window)
  const timeScale = optionalReal('--time-scale', flags.timeScale)
  if (timeScale !== undefined) options.timeScale = timeScale
  const seed = optionalNumber('--seed', flags.seed, { integer: true, min: 0, max: 0xffffffff })
  if (seed !== undefined) options.seed = seed
  const users = optionalNumber('--users', flags.users, { integer: true, min: 1, max: 10_000_000 })
  if (users !== undefined) options.users = users
  const maxRequests = optionalNumber('--max-requests', flags.maxRequests, { integer: true, min: 0 })
  if (maxRequests !== undefined) options.maxRequests = maxRequests
  if (flags.task !== undefined) options.task = flags.task
  const encoding = parseEncoding(flags.encoding)
  if (encoding !== undefined) options.encoding = encoding
  const createdAt = parseCreatedAt(flags.createdAt)
  if (createdAt !== undefined) options.createdAt = createdAt
  if (flags.jitter === true && flags.format !== 'mooncake') throw new UserError('USAGE_INVALID', '--jitter applies to --format mooncake only (Azure timestamps are distinct; ServeGen arrivals are generated)')
  if (flags.dataset !== undefined && flags.format !== 'servegen') throw new UserError('USAGE_INVALID', '--dataset applies to --format servegen only')
  let imported: ImportedTrace
  if (flags.format === 'azure') imported = await importAzureTrace(file, options)
  else if (flags.format === 'mooncake') imported = await importMooncakeTrace(file, { ...options, jitter: flags.jitter === true })
  else imported = await importServegenTrace(file, flags.dataset === undefined ? options : { ...options, datasetPath: flags.dataset })
  output.stderr.write(`importing ${flags.format} trace ${file}: ${imported.rows.toLocaleString('en-US')} ${flags.format === 'servegen' ? 'windows' : 'rows'}\n`)
  return writeWithProfile(imported.requests, imported.header, flags.out, output, 'traffic profile')
}

export async function runInspect(file: string, flags: InspectFlags, output: CommandOutput = processOutput): Promise<TrafficProfile> {
  const options = flags.segment === undefined ? {} : { segment: parseSegment(flags.segment) }
  const { header, requests } = await readTraffic(file, options)
  const profileOptions: Parameters<typeof createProfileAccumulator>[0] = {}
  const zones = zoneRangesFromHeader(header)
  if (zones !== undefined) profileOptions.zones = zones
  const durationMs = header.parameters?.['durationMs']
  if (typeof durationMs === 'number' && flags.segment === undefined) profileOptions.durationMs = durationMs
  const profiler = createProfileAccumulator(profileOptions)
  for await (const request of requests) profiler.add(request)
  const profile = profiler.finish()
  // Printed only once every line has passed: a bad file gives its one-line error and nothing else.
  output.stdout.write(`${JSON.stringify(header, null, 2)}\n`)
  output.stdout.write(formatProfile(profile, flags.segment === undefined ? 'traffic profile' : `traffic profile, segment ${flags.segment}`))
  return profile
}

/** The shared `traffic` command: created once, so other modules can add subcommands (e.g. `mutate`). */
export function getTrafficCommand(program: Command): Command {
  const existing = program.commands.find((command) => command.name() === 'traffic')
  if (existing !== undefined) return existing
  return program.command('traffic').description('Generate, import and inspect traffic files (seeded JSONL of timed requests)')
}

/** `output` is for tests; the CLI writes to the process streams. */
export function register(program: Command, setExitCode: SetExitCode, output: CommandOutput = processOutput): void {
  void setExitCode
  const traffic = getTrafficCommand(program)
  traffic
    .command('generate')
    .description('Generate enterprise traffic from a workforce model (population, time zones, diurnal curve, task mix), or a fixed shape (--rate ...)')
    .addOption(new Option('--preset <name>', 'workload preset (or give a fixed shape with --rate/--concurrency)').choices(Object.keys(PRESETS)))
    .option('--employees <n>', 'employees in the company (default 10000)')
    .option('--seed <n>', 'random seed; the same seed gives a byte-identical file (default 1)')
    .option('--out <file>', 'traffic file to write (JSONL)')
    .option('--time-scale <k>', 'compress time by k (60: one hour replays in one minute)')
    .option('--window <start-end>', "cut hours of the preset's span, e.g. 8-12, 9:30-10:15, 10m-20m")
    .option('--adoption <share>', 'share of employees using the tool, (0, 1] (default 0.75)')
    .option('--queries-per-day <n>', 'requests per active employee per working day (default 30)')
    .option('--max-requests <n>', 'stop after n requests')
    .option('--burstiness <cv>', 'inter-arrival coefficient of variation: 1 Poisson (default), >1 bursty')
    .option('--encoding <name>', 'tokenizer the prompt sizes are counted in: o200k_base (default) or cl100k_base')
    .option('--model <file.json>', 'workload model JSON overriding the preset (time zones, curves, task mix, ...)')
    .option('--created-at <when>', "header createdAt: 'now' or an ISO date (default: reproducible epoch)")
    .option('--dry-run', 'print the profile, write nothing')
    .action(async (flags: GenerateFlags) => {
      await runGenerate(flags, output)
    })
  const generate = traffic.commands.find((command) => command.name() === 'generate') as Command
  for (const flag of SHAPE_FLAGS) generate.option(flag.flag, flag.description)
  traffic
    .command('import')
    .description('Import a production trace (Azure CSV, Mooncake JSONL, ServeGen profile) as a traffic file')
    .argument('<file>', 'trace file (ServeGen: the *-trace.csv)')
    .addOption(new Option('--format <format>', 'trace format').choices([...FORMATS]).makeOptionMandatory())
    .option('--out <file>', 'traffic file to write (JSONL)')
    .option('--window <start-end>', 'cut hours of the trace from its start (ServeGen: from day 0 00:00), e.g. 0.25-0.5 or 10m-20m')
    .option('--time-scale <k>', 'compress time by k')
    .option('--jitter', 'mooncake: spread requests that share a timestamp evenly until the next timestamp')
    .option('--seed <n>', 'seed for user assignment, prompts and ServeGen arrivals (default 1)')
    .option('--users <n>', 'spread requests over n synthetic users (default 1000)')
    .option('--task <name>', 'task for every request (default chat; code-assist for the Azure code trace)')
    .option('--encoding <name>', 'o200k_base (default) or cl100k_base')
    .option('--dataset <file>', 'servegen: token-length PMFs (default: *-dataset.json next to the trace)')
    .option('--max-requests <n>', 'stop after n requests')
    .option('--created-at <when>', "header createdAt: 'now' or an ISO date (default: reproducible epoch)")
    .option('--dry-run', 'print the profile, write nothing')
    .action(async (file: string, flags: ImportFlags) => {
      await runImport(file, flags, output)
    })
  traffic
    .command('inspect')
    .description('Validate a traffic file and print its header and profile')
    .argument('<file>', 'traffic file (JSONL)')
    .option('--segment <i/n>', 'profile only segment i of n')
    .action(async (file: string, flags: InspectFlags) => {
      await runInspect(file, flags, output)
    })
}
