// `gauntlet k6 export` (traffic + target -> one bundled k6 script + its data) and
// `gauntlet k6 import` (a k6 end-of-test summary -> gauntlet's summary shape).
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { UserError } from '../../core/errors.js'
import { findPrice, loadPriceTable, type ModelPrice } from '../../adapters/pricing/index.js'
import { exportK6 } from '../../load/k6/export.js'
import { formatK6Summary, importK6Summary } from '../../load/k6/import-summary.js'
import type { K6Price, K6ScheduleMode } from '../../load/k6/scripts/lib/plan.js'
import { resolveK6Target } from '../../load/k6/target.js'
import { translateThresholds } from '../../load/k6/thresholds.js'
import { DEFAULT_PATIENCE, parsePatience } from '../../load/patience.js'
import { openTraffic } from '../../load/traffic-source.js'
import { parseSegment } from '../../load/traffic-segment.js'
import { collect, parseNumberFlag } from '../cli-helpers.js'
import { EXIT_OK, type SetExitCode } from '../exit-codes.js'

interface ExportFlags {
  traffic?: string
  target?: string
  out?: string
  stream?: boolean
  threshold?: string[]
  schedule: string
  windowMs: string
  vus?: string
  maxVus?: string
  timeout: string
  patience?: string
  seed?: string
  segment?: string
  prices?: string
  priceAs?: string
}

interface ImportFlags {
  out?: string
}

/** The price fields a k6 plan carries (no notes, aliases or sources). */
export function toK6Price(price: ModelPrice): K6Price {
  const k6: K6Price = { inputUsdPerMTok: price.inputUsdPerMTok, outputUsdPerMTok: price.outputUsdPerMTok }
  if (price.cachedInputUsdPerMTok !== undefined) k6.cachedInputUsdPerMTok = price.cachedInputUsdPerMTok
  if (price.cacheWriteUsdPerMTok !== undefined) k6.cacheWriteUsdPerMTok = price.cacheWriteUsdPerMTok
  if (price.reasoningUsdPerMTok !== undefined) k6.reasoningUsdPerMTok = price.reasoningUsdPerMTok
  if (price.longContext !== undefined) k6.longContext = { ...price.longContext }
  return k6
}

function required(value: string | undefined, flag: string, example: string): string {
  if (value === undefined || value.trim() === '') throw new UserError('USAGE_INVALID', `gauntlet k6 export: ${flag} is required; e.g. ${example}`)
  return value
}

async function runExport(flags: ExportFlags): Promise<void> {
  const trafficPath = required(flags.traffic, '--traffic', '--traffic traffic.jsonl')
  const targetText = required(flags.target, '--target', '--target openai-compatible:llama3@http://127.0.0.1:8000/v1')
  const outDir = required(flags.out, '--out', '--out k6-run')
  const stream = flags.stream === true
  if (flags.schedule !== 'rate' && flags.schedule !== 'exact') {
    throw new UserError('USAGE_INVALID', `--schedule '${flags.schedule}': expected rate or exact; e.g. --schedule exact`)
  }
  const schedule: K6ScheduleMode = flags.schedule
  const windowMs = parseNumberFlag('--window-ms', flags.windowMs, { integer: true, min: 10 })
  const requestTimeoutMs = parseNumberFlag('--timeout', flags.timeout, { min: 1 }) * 1000
  const seed = flags.seed === undefined ? 1 : parseNumberFlag('--seed', flags.seed, { integer: true, min: 0 })
  const patience = flags.patience === undefined ? { ...DEFAULT_PATIENCE, seed } : parsePatience(flags.patience, { ...DEFAULT_PATIENCE, seed })
  const { target, label } = resolveK6Target(targetText)
  const thresholds = translateThresholds(flags.threshold ?? [], { stream })
  const pricedAs = flags.priceAs ?? target.model
  const modelPrice = findPrice(loadPriceTable(flags.prices), pricedAs)
  const traffic = await openTraffic(
    flags.segment === undefined ? { type: 'file', path: trafficPath } : { type: 'file', path: trafficPath, segment: parseSegment(flags.segment) },
    seed,
  )
  const options: Parameters<typeof exportK6>[0] = {
    traffic,
    target,
    outDir,
    stream,
    thresholds,
    schedule,
    windowMs,
    requestTimeoutMs,
    price: modelPrice === undefined ? null : toK6Price(modelPrice),
  }
  if (patience.enabled) options.patience = patience
  if (flags.vus !== undefined) options.vus = parseNumberFlag('--vus', flags.vus, { integer: true, min: 1 })
  if (flags.maxVus !== undefined) options.maxVUs = parseNumberFlag('--max-vus', flags.maxVus, { integer: true, min: 1 })
  const result = await exportK6(options)
  const out = process.stdout
  out.write(`k6 export: ${result.plan.requestCount} requests over ${(result.plan.spanMs / 1000).toFixed(1)} s -> ${label}\n`)
  out.write(`  ${result.scriptPath} (${(result.scriptBytes / 1024).toFixed(1)} KiB)\n  ${result.trafficPath} (${(result.trafficBytes / 1024).toFixed(1)} KiB)\n`)
  if (result.fidelity !== null) {
    out.write(`  rate schedule, ${windowMs} ms windows: requests start within ${result.fidelity.maxDeviationMs.toFixed(0)} ms of their offsets (mean ${result.fidelity.meanAbsDeviationMs.toFixed(0)} ms)\n`)
  }
  if (modelPrice === undefined) out.write(`  no price for '${pricedAs}': spend will be unknown (use --price-as MODEL or --prices FILE)\n`)
  const key = target.keyEnv === null ? '' : `${target.keyEnv}=... `
  out.write(`run: cd ${outDir} && ${key}${stream ? './k6' : 'k6'} run script.js${stream ? '   (k6 built with xk6-sse)' : ''}\n`)
  out.write(`then: gauntlet k6 import ${outDir}/summary.json\n`)
}

async function runImport(file: string, flags: ImportFlags): Promise<void> {
  const outDir = flags.out ?? resolve(file, '..', 'gauntlet')
  if (resolve(outDir, 'summary.json') === resolve(file)) {
    throw new UserError('USAGE_INVALID', `gauntlet k6 import ${file}: --out ${outDir} would overwrite the k6 summary itself; pick another folder, e.g. --out results/k6`)
  }
  const { summary, path } = await importK6Summary(file, outDir)
  process.stdout.write(formatK6Summary(summary))
  process.stdout.write(`wrote ${path}\n`)
}

export function register(program: Command, setExitCode: SetExitCode): void {
  const k6 = program.command('k6').description('Replay traffic with k6: export a bundled script, import its summary')
  k6.command('export')
    .description('Write DIR/script.js (one bundled k6 script) and DIR/traffic.json for `k6 run`')
    .option('--traffic <file>', 'traffic file (JSONL) to replay')
    .option('--target <spec>', 'endpoint, e.g. openai:gpt-4o-mini or openai-compatible:llama3@http://127.0.0.1:8000/v1')
    .option('--out <dir>', 'folder to write script.js, traffic.json and README.md into')
    .option('--stream', 'streaming requests and TTFT (needs k6 built with the xk6-sse extension)')
    .option('--threshold <expr>', "pass/fail rule as for `gauntlet run`, repeatable: 'e2e_ms.p95<8000'", collect)
    .option('--schedule <mode>', 'rate: k6 arrival rate per window; exact: each request at its own offset (VU-bound)', 'rate')
    .option('--window-ms <ms>', 'rate schedule: window the arrival rate is constant over', '1000')
    .option('--vus <n>', 'VUs to start with (rate) or to run (exact); default sized from the peak rate')
    .option('--max-vus <n>', 'rate schedule: VU ceiling; default sized from the peak rate and --timeout')
    .option('--timeout <s>', 'per-request limit in seconds', '120')
    .option('--patience <spec>', "simulated users as for `gauntlet run`: 'ttft=4s,e2e=10s' or 'off'")
    .option('--seed <n>', 'seed for patience draws (default 1, as `gauntlet run`)')
    .option('--segment <i/n>', 'export only segment i of n of the traffic')
    .option('--prices <file>', 'price table JSON merged over ours')
    .option('--price-as <model>', 'price the target as this model (e.g. for a self-hosted copy)')
    .action(async (flags: ExportFlags) => {
      await runExport(flags)
      setExitCode(EXIT_OK)
    })
  k6.command('import <file>')
    .description("Turn a k6 summary (our script's summary.json, handleSummary data or --summary-export) into a gauntlet summary")
    .option('--out <dir>', 'folder for summary.json (default: a gauntlet/ folder next to FILE)')
    .action(async (file: string, flags: ImportFlags) => {
      await runImport(file, flags)
      setExitCode(EXIT_OK)
    })
}
