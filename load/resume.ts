// A run folder as a checkpoint (`run --resume DIR`): what the killed or interrupted run already
// recorded, which requests are done, and whether this run is the same one continued.
//
//   records.jsonl (and its rotated segments) ─► header (run id, start, config) + samples ─► done ids, last end, spend so far
//   a torn last line (kill -9 mid-write) is dropped; a finished run (summary.json, not partial) is refused
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { UserError } from '../core/errors.js'
import { recordFiles, recordLines, type RecordLine } from '../results/sinks/record-files.js'
import type { Sample } from '../results/types.js'

export interface Checkpoint {
  dir: string
  runId: string
  name: string
  startedAt: string
  config: Record<string, unknown>
  /** Every sample recorded, in file order. */
  samples: Sample[]
  /** Requests with a final sample (or only retried attempts: their last attempt stands). */
  doneIds: ReadonlySet<string>
  /** Latest end (or scheduled time) of any record, ms on the run's time axis. */
  lastMs: number
  /** Lines dropped: the last line was cut by the kill. */
  tornLines: number
}

/** What must match between the recorded run and the one resuming it. */
export interface ResumeIdentity {
  target: string
  traffic: string
  seed: number
  schedule: unknown
  stream: boolean
}

export async function readCheckpoint(dirText: string): Promise<Checkpoint> {
  const dir = resolve(dirText)
  const path = join(dir, 'records.jsonl')
  if (recordFiles(path).length === 0) throw new UserError('FILE_NOT_FOUND', `--resume ${dirText}: no records.jsonl there; give the folder of the run to continue (its --out)`)
  const summaryPath = join(dir, 'summary.json')
  if (existsSync(summaryPath)) {
    let summary: { partial?: boolean }
    try {
      summary = JSON.parse(await readFile(summaryPath, 'utf8')) as { partial?: boolean }
    } catch {
      throw new UserError('CONFIG_INVALID', `--resume ${dirText}: summary.json there is not JSON; delete it to resume from records.jsonl, or start a new run`)
    }
    if (summary.partial !== true) throw new UserError('USAGE_INVALID', `--resume ${dirText}: that run finished (summary.json is not partial); start a new run instead`)
  }
  // A line without its newline was being written when the process died: the last line of a file
  // that does not parse is dropped (rotation can leave one at a segment's end too); any other throws.
  let header: Record<string, unknown> | undefined
  const samples: Sample[] = []
  let tornLines = 0
  let pending: RecordLine | undefined
  const take = (entry: RecordLine, last: boolean): void => {
    let value: unknown
    try {
      value = JSON.parse(entry.line)
    } catch {
      if (entry.header) throw new UserError('CONFIG_INVALID', `--resume ${dirText}: records.jsonl has no header line; it is not a run folder this tool wrote`)
      if (last) {
        tornLines++
        return
      }
      throw new UserError('CONFIG_INVALID', `--resume ${dirText}: ${basename(entry.file)} line ${entry.lineNumber} is not JSON; only the last line may be cut, so the file was changed after the run`)
    }
    if (entry.header) header = value as Record<string, unknown>
    else samples.push(value as Sample)
  }
  for await (const entry of recordLines(path)) {
    if (pending !== undefined) take(pending, pending.file !== entry.file)
    pending = entry
  }
  if (pending !== undefined) take(pending, true)
  if (header?.['type'] !== 'header') throw new UserError('CONFIG_INVALID', `--resume ${dirText}: records.jsonl does not start with a header line; it is not a run folder this tool wrote`)
  const doneIds = new Set<string>()
  let lastMs = 0
  for (const sample of samples) {
    doneIds.add(sample.requestId)
    lastMs = Math.max(lastMs, sample.endAtMs ?? sample.scheduledAtMs)
  }
  return {
    dir,
    runId: String(header['runId']),
    name: String(header['name']),
    startedAt: String(header['startedAt']),
    config: (header['config'] ?? {}) as Record<string, unknown>,
    samples,
    doneIds,
    lastMs,
    tornLines,
  }
}

/** The recorded run's identity, from its header config, to check a resume against. */
function recordedIdentity(config: Record<string, unknown>): ResumeIdentity {
  const target = (config['target'] ?? {}) as { label?: unknown }
  const traffic = (config['traffic'] ?? {}) as { source?: unknown }
  return { target: String(target.label), traffic: String(traffic.source), seed: Number(config['seed']), schedule: config['schedule'], stream: config['stream'] !== false }
}

/** Throws USAGE_INVALID naming the first difference: a resume must be the same run continued. */
export function checkSameRun(checkpoint: Checkpoint, now: ResumeIdentity, dirText: string): void {
  const before = recordedIdentity(checkpoint.config)
  const fields: [keyof ResumeIdentity, string][] = [
    ['target', '--target'],
    ['traffic', 'the traffic (--traffic, --preset, --shape and their options)'],
    ['seed', '--seed'],
    ['schedule', 'the schedule (--users, --think-time, --time-scale, ...)'],
    ['stream', '--no-stream'],
  ]
  for (const [field, flag] of fields) {
    if (JSON.stringify(before[field]) !== JSON.stringify(now[field])) {
      throw new UserError(
        'USAGE_INVALID',
        `--resume ${dirText}: ${flag} differs from the recorded run (${JSON.stringify(before[field])} then, ${JSON.stringify(now[field])} now); give the same flags as the first run`,
      )
    }
  }
}

/** The samples to count again: a request whose last record said it would retry ends with that attempt. */
export function finalSamples(checkpoint: Checkpoint): { samples: Sample[]; cutDuringRetry: number } {
  const lastIndex = new Map<string, number>()
  checkpoint.samples.forEach((sample, index) => lastIndex.set(sample.requestId, index))
  let cutDuringRetry = 0
  const samples = checkpoint.samples.map((sample, index) => {
    if (sample.willRetry !== true || lastIndex.get(sample.requestId) !== index) return sample
    cutDuringRetry++
    const copy = { ...sample }
    delete copy.willRetry
    return copy
  })
  return { samples, cutDuringRetry }
}
