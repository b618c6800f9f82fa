// Input kind → mutator. The order here is the order kinds apply when a request gets several:
// whole-prompt replacements first, size blow-ups late, and the empty prompt alone.
import { UserError } from '../../core/errors.js'
import { createBomMutator } from './bom.js'
import { createBrokenCsvMutator } from './broken-csv.js'
import { createConflictingTimestampsMutator } from './conflicting-timestamps.js'
import { createContextOverflowMutator } from './context-overflow.js'
import { createControlCharsMutator } from './control-chars.js'
import { createDirtyTableMutator } from './dirty-table.js'
import { createDuplicateRowsMutator } from './duplicate-rows.js'
import { createEmptyPromptMutator } from './empty-prompt.js'
import { createMixedDatesMutator } from './mixed-dates.js'
import { createMojibakeMutator } from './mojibake.js'
import { createNaughtyStringsMutator } from './naughty-strings.js'
import { createOversizedJsonMutator } from './oversized-json.js'
import { createTyposMutator } from './typos.js'
import { createUnpairedSurrogateMutator } from './unpaired-surrogate.js'
import type { InputMutator, InputMutatorOptions } from './types.js'

const FACTORIES: ReadonlyArray<readonly [string, (options: InputMutatorOptions) => InputMutator]> = [
  ['dirty-table', (options) => createDirtyTableMutator(options)],
  ['typos', (options) => createTyposMutator(options)],
  ['mixed-dates', () => createMixedDatesMutator()],
  ['conflicting-timestamps', () => createConflictingTimestampsMutator()],
  ['duplicate-rows', () => createDuplicateRowsMutator()],
  ['broken-csv', () => createBrokenCsvMutator()],
  ['naughty-strings', () => createNaughtyStringsMutator()],
  ['mojibake', () => createMojibakeMutator()],
  ['bom', () => createBomMutator()],
  ['control-chars', () => createControlCharsMutator()],
  ['unpaired-surrogate', () => createUnpairedSurrogateMutator()],
  ['context-overflow', (options) => createContextOverflowMutator(options)],
  ['oversized-json', (options) => createOversizedJsonMutator(options)],
  ['empty-prompt', () => createEmptyPromptMutator()],
]

/** Every input kind, in application order. */
export const INPUT_KINDS: readonly string[] = FACTORIES.map(([kind]) => kind)

/** Kinds that replace what the others would add, so they are never combined with another. */
export const EXCLUSIVE_KINDS: ReadonlySet<string> = new Set(['empty-prompt'])

/** Every mutator, keyed by kind, in application order. Validates the options. */
export function createInputMutators(options: InputMutatorOptions = {}): ReadonlyMap<string, InputMutator> {
  return new Map(FACTORIES.map(([kind, create]) => [kind, create(options)]))
}

/**
 * The kinds to use: all when `kinds` is undefined, otherwise the given ones (duplicates
 * dropped, application order). Unknown or no kinds → `UserError('USAGE_INVALID')`.
 */
export function resolveKinds(kinds: readonly string[] | undefined): string[] {
  if (kinds === undefined) return [...INPUT_KINDS]
  const wanted = new Set(kinds.map((kind) => kind.trim()).filter((kind) => kind.length > 0))
  const unknown = [...wanted].filter((kind) => !INPUT_KINDS.includes(kind))
  if (unknown.length > 0) {
    throw new UserError(
      'USAGE_INVALID',
      `--kinds: unknown input kind${unknown.length > 1 ? 's' : ''} ${unknown.map((kind) => `"${kind}"`).join(', ')}; expected a comma-separated list of: ${INPUT_KINDS.join(', ')}`,
    )
  }
  if (wanted.size === 0) {
    throw new UserError('USAGE_INVALID', `--kinds: expected at least one input kind, received none; choose from: ${INPUT_KINDS.join(', ')}`)
  }
  return INPUT_KINDS.filter((kind) => wanted.has(kind))
}
