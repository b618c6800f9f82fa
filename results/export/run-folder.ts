// Reads a run folder for export: records.jsonl (header + one Sample per attempt) and summary.json,
// with a one-line UserError naming the path and the fix when either is missing or unreadable.
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { UserError } from '../../core/errors.js'
import { readRecords } from '../sinks/jsonl.js'
import type { Summary } from '../summary.js'
import type { Sample } from '../types.js'

export interface RunFolder {
  dir: string
  header: Record<string, unknown>
  samples: Sample[]
  summary: Summary
}

const FIX = "pass a run folder written by 'gauntlet run' (results/runs/<id>, or its --out DIR)"

export async function readRunFolder(dir: string): Promise<RunFolder> {
  const isFolder = await stat(dir).then((info) => info.isDirectory(), () => false)
  if (!isFolder) throw new UserError('FILE_NOT_FOUND', `export ${dir}: no such folder; ${FIX}`)
  const recordsPath = join(dir, 'records.jsonl')
  const summaryPath = join(dir, 'summary.json')
  for (const path of [recordsPath, summaryPath]) {
    const exists = await stat(path).then((info) => info.isFile(), () => false)
    if (!exists) throw new UserError('FILE_NOT_FOUND', `export ${path}: missing; ${FIX}`)
  }
  let records: Awaited<ReturnType<typeof readRecords>>
  let summary: Summary
  try {
    records = await readRecords(recordsPath)
  } catch (error) {
    throw new UserError('CONFIG_INVALID', `export ${recordsPath}: not JSON lines (${messageOf(error)}); the run may have been cut off, re-run it`, { cause: error })
  }
  try {
    summary = JSON.parse(await readFile(summaryPath, 'utf8')) as Summary
  } catch (error) {
    throw new UserError('CONFIG_INVALID', `export ${summaryPath}: not valid JSON (${messageOf(error)}); the run may have been cut off, re-run it`, { cause: error })
  }
  if (records.header['type'] !== 'header') {
    throw new UserError('CONFIG_INVALID', `export ${recordsPath}: line 1 is not the run's header line; ${FIX}`)
  }
  return { dir, header: records.header, samples: records.samples, summary }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
