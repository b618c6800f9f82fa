// `run --traffic FILE`: a file whose header asks for a schedule (the closed loop of
// `traffic generate --concurrency C`) runs with it, unless the run was given schedule flags.
import type { RunOptions } from '../load/run.js'
import { scheduleCliOptions } from '../load/schedules/registry.js'
import { readTraffic } from '../load/traffic.js'
import { headerSchedule, scheduleFlagsOf } from '../load/workload/shape-header.js'

/** `--think-time <ms>` -> `thinkTime`, the key commander gives the value under. */
function flagKey(flag: string): string {
  return (flag.split(' ')[0] as string).replace(/^--/, '').replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())
}

/** Sets `options.schedule` from the file's header when asked for and no schedule flag was given; the line to log, if so. */
export async function applyFileSchedule(options: RunOptions, flags: object): Promise<string | undefined> {
  if (options.traffic.type !== 'file') return undefined
  const values = flags as Record<string, unknown>
  const given = scheduleCliOptions().filter((option) => values[flagKey(option.flag)] !== undefined)
  const path = options.traffic.path
  const { header } = await readTraffic(path)
  const wanted = headerSchedule(header, path)
  if (wanted === undefined) return undefined
  if (given.length > 0) return `${path} asks for ${scheduleFlagsOf(wanted)}; running with the schedule flags given instead`
  options.schedule = wanted
  return `${path} asks for ${scheduleFlagsOf(wanted)} (its header); running it so (give --users N to change)`
}
