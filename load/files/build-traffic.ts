// The user's files -> traffic requests: per table a question plan, asked over the clean table
// and, when there is one, the dirty version (a real dirty file, or a --dirty-rate copy). Expected
// answers always come from the clean table. Deterministic for a seed.
//
//   inputs ─► readTableFile ─► planQuestions (clean) ─► questionMessages × {clean, dirty} ─► requests
//                               dirtyCopy (--dirty-rate) ┘     exact inputTokens, tags, expected
import { countMessageTokens } from '../../chaos/inputs/messages.js'
import { malformedTag } from '../../core/malformed-tags.js'
import { UserError } from '../../core/errors.js'
import { createRandom, type Random } from '../../core/random.js'
import type { EncodingName } from '../../core/tokens.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { dirtyCopy } from './dirty-copy.js'
import type { FileInput } from './discover.js'
import { questionMessages } from './prompt.js'
import { keyColumnOf, planQuestions, type QuestionPlan } from './questions.js'
import { readTableFile } from './read-file.js'
import type { Table } from './types.js'

export interface BuildFromFilesOptions {
  seed: number
  questionsPerFile: number
  /** Share of cells dirtied in a copy of single (clean-only) files; 0: ask the clean version only. */
  dirtyRate: number
  /** Rows embedded per question at most. */
  maxRows: number
  /** Gap between consecutive requests' offsets. */
  intervalMs: number
  maxOutputTokens: number
  encoding: EncodingName
  /** Warn about unreadable files and go on, instead of stopping at the first. */
  skipBad: boolean
  warn: (line: string) => void
}

export interface BuiltTable {
  source: string
  dirtySource?: string
  rows: number
  columns: number
  encoding: string
  questions: number
}

export interface BuiltTraffic {
  requests: TrafficRequest[]
  tables: BuiltTable[]
  skipped: string[]
}

interface Variant {
  table: Table
  variant: 'clean' | 'dirty'
  /** Tags per question (dirty: the malformed kinds in its slice). */
  tagsFor: (plan: QuestionPlan) => string[] | undefined
}

async function readVariants(input: FileInput, options: BuildFromFilesOptions, random: Random): Promise<Variant[]> {
  if (input.kind === 'pair') {
    const clean = await readTableFile(input.clean, input.cleanSource)
    const dirty = await readTableFile(input.dirty, input.dirtySource)
    if (dirty.rows.length !== clean.rows.length || dirty.columns.length !== clean.columns.length) {
      throw new UserError(
        'TRAFFIC_INVALID',
        `${input.dirty}: ${dirty.rows.length} rows × ${dirty.columns.length} columns but ${input.clean} has ${clean.rows.length} × ${clean.columns.length}; a clean/dirty pair needs the same rows and columns in the same order`,
      )
    }
    return [
      { table: clean, variant: 'clean', tagsFor: () => undefined },
      { table: dirty, variant: 'dirty', tagsFor: () => [malformedTag('dirty-table')] },
    ]
  }
  const clean = await readTableFile(input.path, input.source)
  const variants: Variant[] = [{ table: clean, variant: 'clean', tagsFor: () => undefined }]
  if (options.dirtyRate > 0) {
    const { table, kindsByRow } = dirtyCopy(clean, options.dirtyRate, random.fork('dirty'), keyColumnOf(clean), `${input.source} (dirtied)`)
    variants.push({
      table,
      variant: 'dirty',
      tagsFor: (plan) => {
        const kinds = new Set<string>()
        for (let row = plan.sliceStart; row < plan.sliceEnd; row++) for (const kind of kindsByRow.get(row) ?? []) kinds.add(kind)
        return kinds.size === 0 ? undefined : [...kinds].sort().map(malformedTag)
      },
    })
  }
  return variants
}

/** Reads every input and builds its requests, sorted by offset (clean and dirty of a question side by side). */
export async function buildTrafficFromFiles(inputs: readonly FileInput[], options: BuildFromFilesOptions): Promise<BuiltTraffic> {
  const requests: TrafficRequest[] = []
  const tables: BuiltTable[] = []
  const skipped: string[] = []
  const root = createRandom(options.seed)
  for (const input of inputs) {
    const name = input.kind === 'pair' ? input.cleanSource : input.source
    const random = root.fork(`file:${name}`)
    let variants: Variant[]
    try {
      variants = await readVariants(input, options, random)
    } catch (error) {
      if (!options.skipBad || !(error instanceof UserError)) throw error
      options.warn(`traffic from-files: skipped ${error.message}`)
      skipped.push(input.kind === 'pair' ? input.clean : input.path)
      continue
    }
    const clean = (variants[0] as Variant).table
    const fileTag = `f${tables.length + 1}`
    const plans = planQuestions(clean, options.questionsPerFile, options.maxRows, random.fork('questions'), fileTag)
    const dirty = variants[1]
    tables.push({
      source: clean.source,
      ...(dirty === undefined ? {} : { dirtySource: dirty.table.source }),
      rows: clean.rows.length,
      columns: clean.columns.length,
      encoding: clean.encoding,
      questions: plans.length,
    })
    for (const plan of plans) {
      for (const { table, variant, tagsFor } of variants) {
        const messages = questionMessages(table, plan.sliceStart, plan.sliceEnd, plan.question)
        const request: TrafficRequest = {
          id: `${plan.expected.questionId}-${variant}`,
          offsetMs: requests.length * options.intervalMs,
          userId: `files-${fileTag}`,
          task: 'table-qa',
          messages,
          inputTokens: countMessageTokens(messages, options.encoding),
          maxOutputTokens: options.maxOutputTokens,
          expected: plan.expected,
          variant,
          source: table.source,
        }
        const tags = tagsFor(plan)
        if (tags !== undefined) request.tags = tags
        requests.push(request)
      }
    }
  }
  return { requests, tables, skipped }
}
