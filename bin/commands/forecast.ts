// `gauntlet forecast`: a run's measured token profile × the price table, projected to a pilot
// and to the whole workforce — spend per day, month and year, the peak-hour rate and the
// concurrent streams it needs, and (with a sweep) the latency to expect at that rate.
import { conversationForecast } from '../../results/conversations/forecast.js'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { findPrice, loadPriceTable } from '../../adapters/pricing/index.js'
import { UserError } from '../../core/errors.js'
import { planTraffic } from '../../load/workload/generate.js'
import { DEFAULT_POPULATION, PRESETS } from '../../load/workload/presets.js'
import { zoneLabel } from '../../load/workload/population.js'
import { FORECAST_SCHEMA_VERSION, forecastWorkforce, type ForecastDocument } from '../../results/forecast.js'
import { renderForecastTerminal } from '../../results/reports/forecast-terminal.js'
import type { Summary } from '../../results/summary.js'
import type { SweepDocument } from '../../results/sweep.js'
import { parseNumberFlag } from '../cli-helpers.js'
import { EXIT_OK, type SetExitCode } from '../exit-codes.js'

interface ForecastFlags {
  run?: string
  sweep?: string
  employees?: string
  adoption?: string
  queriesPerDay?: string
  workingDays?: string
  pilotUsers?: string
  prices?: string
  priceAs?: string
  out?: string
}

async function readJsonFile(path: string, flag: string, expected: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new UserError('FILE_NOT_FOUND', `${flag}: cannot read ${path}; point ${flag} at ${expected}`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UserError('CONFIG_INVALID', `${flag}: ${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}); point ${flag} at ${expected}`)
  }
}

export async function readRunSummary(dir: string): Promise<Summary> {
  const path = dir.endsWith('.json') ? dir : join(dir, 'summary.json')
  const summary = (await readJsonFile(path, '--run', 'a run folder (it holds summary.json)')) as Partial<Summary>
  if (typeof summary !== 'object' || summary === null || typeof summary.tasks !== 'object' || summary.tasks === null || summary.latency === undefined) {
    throw new UserError('CONFIG_INVALID', `--run: ${path} is not a run summary (no 'tasks' or 'latency'); point --run at a folder written by gauntlet run, drill or sweep`)
  }
  for (const [name, task] of Object.entries(summary.tasks)) {
    if (typeof task.ok_input_tokens !== 'number' || typeof task.ok_output_tokens !== 'number') {
      throw new UserError('CONFIG_INVALID', `--run: ${path} tasks.${name} has no ok_input_tokens/ok_output_tokens (written by an older version); run the job again to measure a token profile`)
    }
  }
  return summary as Summary
}

export async function readSweep(dir: string): Promise<SweepDocument> {
  const path = dir.endsWith('.json') ? dir : join(dir, 'sweep.json')
  const sweep = (await readJsonFile(path, '--sweep', 'a sweep folder (it holds sweep.json)')) as Partial<SweepDocument>
  if (typeof sweep !== 'object' || sweep === null || sweep.kind !== 'sweep' || !Array.isArray(sweep.steps) || sweep.analysis === undefined) {
    throw new UserError('CONFIG_INVALID', `--sweep: ${path} is not a sweep (kind 'sweep' with steps and analysis expected); point --sweep at a folder written by gauntlet sweep`)
  }
  return sweep as SweepDocument
}

/** The busiest UTC hour's share of a working day's requests, from the workload model (default population and curves). */
export function peakHourShare(employees: number, adoption: number, queriesPerDay: number): number {
  const options = { seed: 1, employees, adoption, queriesPerDay }
  const peak = planTraffic({ ...options, preset: 'peak-hour' })
  const day = planTraffic({ ...options, preset: 'workday' })
  return day.expectedRequests === 0 ? 0 : peak.expectedRequests / day.expectedRequests
}

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('forecast')
    .description('Project spend, peak-hour rate, concurrent streams and latency from a run’s token profile to a pilot and to the whole workforce')
    .option('--run <dir>', 'run folder whose summary.json gives the per-task token profile (required)')
    .option('--sweep <dir>', 'sweep folder (sweep.json): latency expected at the peak rate')
    .option('--employees <n>', 'employees in the company (default 10000)')
    .option('--adoption <share>', 'share of employees using the tool, (0, 1] (default 0.75)')
    .option('--queries-per-day <n>', 'queries per active user per working day (default 30)')
    .option('--working-days <n>', 'working days per month (default 21)')
    .option('--pilot-users <n>', 'users in the pilot, all active (default 50)')
    .option('--prices <file>', 'your own price table (JSON), merged over the built-in one')
    .option('--price-as <model>', 'price as this model (default: the run’s priced-as model)')
    .option('--out <file>', 'where to write forecast.json (default: inside the run folder)')
    .action(async (flags: ForecastFlags) => {
      if (flags.run === undefined) throw new UserError('USAGE_INVALID', '--run DIR is required: the run folder whose summary.json holds the token profile, e.g. --run results/runs/20250101-120000-mock-typical-cloud')
      const summary = await readRunSummary(flags.run)
      const sweep = flags.sweep === undefined ? undefined : await readSweep(flags.sweep)
      const employees = flags.employees === undefined ? DEFAULT_POPULATION.employees : parseNumberFlag('--employees', flags.employees, { integer: true, min: 1 })
      const adoption = flags.adoption === undefined ? DEFAULT_POPULATION.adoption : parseNumberFlag('--adoption', flags.adoption, { min: 0.0001, max: 1 })
      const queriesPerDay = flags.queriesPerDay === undefined ? DEFAULT_POPULATION.queriesPerDay : parseNumberFlag('--queries-per-day', flags.queriesPerDay, { min: 0.01 })
      const workingDaysPerMonth = flags.workingDays === undefined ? 21 : parseNumberFlag('--working-days', flags.workingDays, { min: 1, max: 31 })
      const pilotUsers = flags.pilotUsers === undefined ? 50 : parseNumberFlag('--pilot-users', flags.pilotUsers, { integer: true, min: 1 })
      const table = loadPriceTable(flags.prices)
      const pricedAs = flags.priceAs ?? summary.target.pricedAs ?? null
      if (pricedAs === null) {
        throw new UserError('USAGE_INVALID', `--run ${flags.run}: the run was not priced (model '${summary.target.model}' has no price); pass --price-as MODEL (e.g. gpt-4o-mini) or --prices FILE with --price-as`)
      }
      const price = findPrice(table, pricedAs)
      if (price === undefined) {
        throw new UserError('PRICING_INVALID', `--price-as ${pricedAs}: no such model in the price table${flags.prices === undefined ? '' : ` (with ${flags.prices})`}; use a known model, e.g. gpt-4o-mini, or add it with --prices FILE`)
      }
      const runStreamTimeMs = summary.latency.e2e_service_ms?.mean ?? summary.latency.e2e_ms.mean ?? null
      const result = forecastWorkforce({
        tasks: summary.tasks,
        price,
        queriesPerDay,
        workingDaysPerMonth,
        runStreamTimeMs,
        scenarios: [
          { label: 'pilot', employees: pilotUsers, adoption: 1, peakHourShare: peakHourShare(pilotUsers, 1, queriesPerDay) },
          { label: 'enterprise', employees, adoption, peakHourShare: peakHourShare(employees, adoption, queriesPerDay) },
        ],
        ...(sweep === undefined ? {} : { sweep }),
      })
      const zones = DEFAULT_POPULATION.timeZones.map((zone) => `${zoneLabel(zone.utcOffsetHours)} ${Math.round(zone.share * 100)} %`).join(', ')
      const runDir = resolve(flags.run.endsWith('.json') ? join(flags.run, '..') : flags.run)
      const document: ForecastDocument = {
        schemaVersion: FORECAST_SCHEMA_VERSION,
        kind: 'forecast',
        createdAt: new Date().toISOString(),
        run: { dir: runDir, runId: summary.runId, target: summary.target.label, completed: summary.requests.completed },
        pricedAs,
        priceTableAsOf: price.asOf ?? table.asOf ?? null,
        assumptions: {
          queriesPerDay,
          workingDaysPerMonth,
          peakModel: `the busiest UTC hour of a mid-week working day in the workload model (preset ${PRESETS['peak-hour']?.name ?? 'peak-hour'}): time zones ${zones} and the working-day curve; the pilot is assumed spread over the same time zones`,
          streamTime: "Little's law, peak rate × mean stream time (send to end of a completed answer): from the sweep at that rate where it was measured, else from the run",
        },
        sweep: sweep === undefined ? null : { dir: resolve(flags.sweep as string), target: sweep.target.label, mode: sweep.mode, maxLoadMeetingSlo: sweep.analysis.maxLoadMeetingSlo, knee: sweep.analysis.knee?.load ?? null },
        runSpendPerRequestUsd:
          summary.spend.usd === 'unknown' ? 'unknown' : summary.requests.sent === 0 ? null : summary.target.pricedAs === pricedAs ? summary.spend.usd / summary.requests.sent : null,
        ...result,
      }
      const chains = conversationForecast(summary, Object.fromEntries(result.scenarios.map((scenario) => [scenario.label, scenario.perMonthUsd])))
      if (chains !== undefined) document.conversations = chains
      if (sweep !== undefined && sweep.target.label !== summary.target.label) {
        document.notes.push(`the sweep measured ${sweep.target.label}, the run ${summary.target.label}: the latency is the sweep endpoint's`)
      }
      const outPath = resolve(flags.out ?? join(runDir, 'forecast.json'))
      if (!existsSync(resolve(outPath, '..'))) throw new UserError('FILE_NOT_FOUND', `--out ${outPath}: its folder does not exist; create it or choose another path`)
      await writeFileAtomic(outPath, `${JSON.stringify(document, null, 2)}\n`)
      process.stdout.write(`${renderForecastTerminal(document, { outPath })}\n`)
      setExitCode(EXIT_OK)
    })
}
