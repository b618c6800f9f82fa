// The workers' run folders merged exactly into the run folder: summary (counts re-aggregated from
// every record), histograms.json (merged HDR histograms), one records.jsonl, and the workers'
// self-checks combined into one client health.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { round } from '../../core/format.js'
import { judgeClientHealth, type ClientHealthFigures } from '../../results/client-health.js'
import { mergeHistogramFiles, mergeRuns } from '../../results/merge.js'
import { recordsHeaderLine } from '../../results/sinks/jsonl.js'
import { recordLines } from '../../results/sinks/record-files.js'
import { createRecordsWriter } from '../../results/sinks/records-writer.js'
import type { Summary } from '../../results/summary.js'
import { DEFAULT_RECORDS_MAX_BYTES } from '../run-outputs.js'
import { createSchedule } from '../schedules/registry.js'
import type { PoolRun } from './pool.js'

/** Merged summary, records.jsonl and histograms.json in the run folder; the workers' health combined. */
export async function mergeWorkers(
  pool: PoolRun,
  dirs: readonly string[],
  recovered: ReadonlySet<string>,
  outDir: string,
  inFlightBySecond: ReadonlyMap<number, number>,
): Promise<Summary> {
  const summary = await mergeRuns(dirs, { runId: pool.runId, name: pool.name })
  summary.target = pool.target
  summary.traffic = pool.traffic.describe()
  summary.plannedDurationMs = pool.plannedMs
  // Records carry no in-flight gauge: the time series gets the workers' summed one.
  const { bucketMs, buckets } = summary.timeseries
  for (const [second, inFlight] of inFlightBySecond) {
    const bucket = buckets[Math.floor((second * 1000) / bucketMs)]
    if (bucket !== undefined && inFlight > bucket.in_flight_max) bucket.in_flight_max = inFlight
  }
  const histograms = await mergeHistogramFiles(dirs)
  await writeFileAtomic(
    join(outDir, 'histograms.json'),
    `${JSON.stringify({ unit: 'us', histograms: Object.fromEntries([...histograms].map(([metric, histogram]) => [metric, histogram.encode()])) })}\n`,
  )
  await concatRecords(pool, dirs, recovered, join(outDir, 'records.jsonl'), summary.startedAt)
  const clients: ClientHealthFigures[] = []
  for (const dir of dirs) {
    const part = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary
    if (part.client !== undefined) clients.push(part.client)
  }
  if (clients.length > 0) summary.client = judgeClientHealth(combineClients(clients, pool.workers.count, createSchedule(pool.schedule).lagMeasured ? summary.latency.schedule_lag_ms.p99 : null))
  return summary
}

/**
 * The workers' self-checks as one: CPU summed (cores used in all), event-loop delay the worst
 * worker's, so the verdict (judged on CPU per worker) flags any one loop that fell behind.
 */
export function combineClients(clients: readonly ClientHealthFigures[], workers: number, scheduleLagP99Ms: number | null): ClientHealthFigures {
  const worst = (pick: (client: ClientHealthFigures) => number | null): number | null => {
    const values = clients.map(pick).filter((value): value is number => value !== null)
    return values.length === 0 ? null : Math.max(...values)
  }
  const total = (pick: (client: ClientHealthFigures) => number): number => clients.reduce((sum, client) => sum + pick(client), 0)
  return {
    eventLoopDelayP50Ms: worst((client) => client.eventLoopDelayP50Ms),
    eventLoopDelayP99Ms: worst((client) => client.eventLoopDelayP99Ms),
    eventLoopDelayMaxMs: worst((client) => client.eventLoopDelayMaxMs),
    cpuCores: round(total((client) => client.cpuCores), 3),
    ...watched(clients),
    workers,
    pacer: {
      waits: total((client) => client.pacer.waits),
      wakeups: total((client) => client.pacer.wakeups),
      yieldMs: round(total((client) => client.pacer.yieldMs), 1),
    },
    tokenizerLoads: clients.flatMap((client) => client.tokenizerLoads),
    scheduleLagP99Ms,
  }
}

/** The longest worker's watch; absent when a worker's figures predate it. */
function watched(clients: readonly ClientHealthFigures[]): { watchedMs?: number } {
  if (clients.length === 0 || clients.some((client) => client.watchedMs === undefined)) return {}
  return { watchedMs: Math.max(...clients.map((client) => client.watchedMs ?? 0)) }
}

/**
 * The run's records.jsonl (rotated past the run's size, as one thread's would be): the run's
 * header, then every worker's records, their segments included and their headers left out.
 */
async function concatRecords(pool: PoolRun, dirs: readonly string[], recovered: ReadonlySet<string>, path: string, startedAt: string): Promise<void> {
  let failure: Error | undefined
  const writer = createRecordsWriter({ path, rotateBytes: pool.options.recordsMaxBytes ?? DEFAULT_RECORDS_MAX_BYTES, onError: (error) => (failure ??= error) })
  writer.begin(recordsHeaderLine({ runId: pool.runId, name: pool.name, startedAt, config: pool.config }))
  for (const dir of dirs) {
    const check = recovered.has(dir)
    for await (const { line, header } of recordLines(join(dir, 'records.jsonl'))) {
      if (header || (check && !isJsonLine(line))) continue
      writer.write(`${line}\n`)
      if (failure !== undefined) break
    }
  }
  await writer.close()
  if (failure !== undefined) throw failure
}

/** A crashed worker can leave a torn last line; it must not tear the merged file. */
function isJsonLine(line: string): boolean {
  if (!line.endsWith('}')) return false
  try {
    JSON.parse(line)
    return true
  } catch {
    return false
  }
}
