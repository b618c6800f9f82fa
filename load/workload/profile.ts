// Traffic profile: requests, rate per minute, token percentiles per task, share per time zone.
// Accumulated one request at a time; percentiles are exact (nearest rank over all values).
import type { TrafficHeader, TrafficRequest } from '../../core/traffic-types.js'
import { formatDuration } from '../../core/format.js'
import { nearestRank } from '../../core/stats.js'

export interface TokenPercentiles {
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

export interface TaskProfileSummary {
  task: string
  requests: number
  share: number
  input: TokenPercentiles
  /** Target output tokens where the request has one, else max output tokens. */
  output: TokenPercentiles
}

export interface ZoneShare {
  label: string
  requests: number
  share: number
}

export interface TrafficProfile {
  requests: number
  users: number
  /** Last offset, ms. */
  spanMs: number
  /** The window the rate is averaged over (header `durationMs`, else the span), ms. */
  durationMs: number
  meanPerMinute: number
  peakPerMinute: number
  /** Start of the busiest minute (minutes counted from offset 0). */
  peakMinute: number
  inputTokens: number
  outputTokens: number
  tasks: TaskProfileSummary[]
  /** Present when the header maps users to time zones (generated traffic). */
  timeZones?: ZoneShare[]
}

interface ZoneRange {
  label: string
  firstUser: number
  lastUser: number
}

/** Time-zone user ranges from a generated file's header parameters, if present. */
export function zoneRangesFromHeader(header: Pick<TrafficHeader, 'parameters'>): ZoneRange[] | undefined {
  const zones = header.parameters?.['timeZones']
  if (!Array.isArray(zones)) return undefined
  const ranges: ZoneRange[] = []
  for (const zone of zones as unknown[]) {
    const z = zone as Record<string, unknown>
    if (typeof z['label'] !== 'string' || typeof z['firstUser'] !== 'number' || typeof z['lastUser'] !== 'number') return undefined
    ranges.push({ label: z['label'], firstUser: z['firstUser'], lastUser: z['lastUser'] })
  }
  return ranges
}

/** Token counts: 4 bytes each (exact percentiles stay cheap), 8 once a count passes 2³² − 1. */
class IntList {
  values: Uint32Array | Float64Array = new Uint32Array(1024)
  length = 0
  push(value: number): void {
    if (this.length === this.values.length || (value > 0xffffffff && this.values instanceof Uint32Array)) {
      const grown = value > 0xffffffff || this.values instanceof Float64Array ? new Float64Array(this.values.length * 2) : new Uint32Array(this.values.length * 2)
      grown.set(this.values)
      this.values = grown
    }
    this.values[this.length++] = value
  }
}


function percentiles(list: IntList): TokenPercentiles {
  const sorted = list.values.slice(0, list.length).sort()
  let total = 0
  for (const value of sorted) total += value
  return {
    p50: nearestRank(sorted, 50) ?? 0,
    p90: nearestRank(sorted, 90) ?? 0,
    p99: nearestRank(sorted, 99) ?? 0,
    max: sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as number),
    mean: sorted.length === 0 ? 0 : total / sorted.length,
  }
}

export interface ProfileAccumulator {
  add(request: TrafficRequest): void
  finish(): TrafficProfile
}

export function createProfileAccumulator(options: { zones?: ZoneRange[]; durationMs?: number } = {}): ProfileAccumulator {
  const tasks = new Map<string, { input: IntList; output: IntList }>()
  const minutes: number[] = []
  const users = new Set<string>()
  const zoneCounts = options.zones?.map(() => 0)
  let requests = 0
  let spanMs = 0
  let inputTokens = 0
  let outputTokens = 0
  return {
    add(request) {
      requests++
      spanMs = Math.max(spanMs, request.offsetMs)
      const minute = Math.floor(request.offsetMs / 60_000)
      while (minutes.length <= minute) minutes.push(0)
      minutes[minute] = (minutes[minute] as number) + 1
      users.add(request.userId)
      let lists = tasks.get(request.task)
      if (lists === undefined) {
        lists = { input: new IntList(), output: new IntList() }
        tasks.set(request.task, lists)
      }
      const output = request.targetOutputTokens ?? request.maxOutputTokens
      lists.input.push(request.inputTokens)
      lists.output.push(output)
      inputTokens += request.inputTokens
      outputTokens += output
      if (zoneCounts !== undefined && options.zones !== undefined) {
        const index = Number(request.userId.slice(1))
        const zone = options.zones.findIndex((range) => index >= range.firstUser && index <= range.lastUser)
        if (zone >= 0) zoneCounts[zone] = (zoneCounts[zone] as number) + 1
      }
    },
    finish() {
      const durationMs = options.durationMs !== undefined && options.durationMs > 0 ? options.durationMs : spanMs
      let peakPerMinute = 0
      let peakMinute = 0
      for (const [minute, count] of minutes.entries()) {
        if (count > peakPerMinute) {
          peakPerMinute = count
          peakMinute = minute
        }
      }
      const profile: TrafficProfile = {
        requests,
        users: users.size,
        spanMs,
        durationMs,
        meanPerMinute: durationMs > 0 ? requests / (durationMs / 60_000) : requests,
        peakPerMinute,
        peakMinute,
        inputTokens,
        outputTokens,
        tasks: [...tasks.entries()]
          .map(([task, lists]) => ({ task, requests: lists.input.length, share: lists.input.length / requests, input: percentiles(lists.input), output: percentiles(lists.output) }))
          .sort((a, b) => b.requests - a.requests || a.task.localeCompare(b.task)),
      }
      if (zoneCounts !== undefined && options.zones !== undefined) {
        profile.timeZones = options.zones.map((zone, i) => ({ label: zone.label, requests: zoneCounts[i] as number, share: requests > 0 ? (zoneCounts[i] as number) / requests : 0 }))
      }
      return profile
    },
  }
}

/** Profile of a whole stream of requests. */
export async function profileTraffic(requests: AsyncIterable<TrafficRequest> | Iterable<TrafficRequest>, options: { zones?: ZoneRange[]; durationMs?: number } = {}): Promise<TrafficProfile> {
  const accumulator = createProfileAccumulator(options)
  for await (const request of requests) accumulator.add(request)
  return accumulator.finish()
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })

/** Plain-text profile for the terminal. */
export function formatProfile(profile: TrafficProfile, title = 'traffic profile'): string {
  const lines: string[] = []
  lines.push(`${title}: ${integer.format(profile.requests)} requests from ${integer.format(profile.users)} users over ${formatDuration(profile.durationMs)}`)
  lines.push(`  rate per minute: mean ${oneDecimal.format(profile.meanPerMinute)}, peak ${integer.format(profile.peakPerMinute)} (minute ${profile.peakMinute})`)
  lines.push(`  tokens: ${integer.format(profile.inputTokens)} input, ${integer.format(profile.outputTokens)} output (target)`)
  const rows = profile.tasks.map((task) => [
    task.task,
    `${oneDecimal.format(task.share * 100)}%`,
    [task.input.p50, task.input.p90, task.input.p99].map((n) => integer.format(n)).join(' / '),
    [task.output.p50, task.output.p90, task.output.p99].map((n) => integer.format(n)).join(' / '),
  ])
  const head = ['task', 'share', 'input p50 / p90 / p99', 'output p50 / p90 / p99']
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] as string).length)))
  const format = (row: string[]): string => `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ')}`
  lines.push(format(head))
  for (const row of rows) lines.push(format(row))
  if (profile.timeZones !== undefined) {
    lines.push(`  time zones: ${profile.timeZones.map((zone) => `${zone.label} ${oneDecimal.format(zone.share * 100)}%`).join(', ')}`)
  }
  return `${lines.join('\n')}\n`
}
