// Fault type → factory and parameter schema. Built-in faults register here; a user's config adds
// its own with `registerFault`. Also validates fault specs, collecting every problem at once.
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { UserError, type ErrorCode } from '../core/errors.js'
import { bandwidthParams, createBandwidthFault } from './faults/bandwidth.js'
import { blackholeParams, createBlackholeFault } from './faults/blackhole.js'
import { createFirstTokenDelayFault, firstTokenDelayParams } from './faults/first-token-delay.js'
import { createLatencyFault, latencyParams } from './faults/latency.js'
import { createMalformedSseFault, malformedSseParams } from './faults/malformed-sse.js'
import { createResetFault, resetParams } from './faults/reset.js'
import { createSlicerFault, slicerParams } from './faults/slicer.js'
import { createSlowTokensFault, slowTokensParams } from './faults/slow-tokens.js'
import { createStallFault, stallParams } from './faults/stall.js'
import { createStatusFault, statusParams } from './faults/status.js'
import { createTruncateFault, truncateParams } from './faults/truncate.js'
import type { CreateFault, Fault, FaultSpec } from './types.js'

interface FaultDefinition {
  create: CreateFault<unknown>
  params: z.ZodType | undefined
}

const definitions = new Map<string, FaultDefinition>()

const TYPE_NAME = /^[a-z][a-z0-9-]*$/

/**
 * Makes `type` usable in fault specs. `params` (a zod schema, ideally `z.strictObject`) validates
 * and fills defaults before `create` sees them; without it `create` gets the raw object.
 * Registering an existing type replaces it.
 */
export function registerFault<P>(type: string, create: CreateFault<P>, params?: z.ZodType<P>): void {
  if (!TYPE_NAME.test(type)) {
    throw new UserError('CHAOS_INVALID', `registerFault: type must be kebab-case like "my-fault", received ${JSON.stringify(type)}; fix: rename it`)
  }
  definitions.set(type, { create: create as CreateFault<unknown>, params })
}

export function unregisterFault(type: string): boolean {
  return definitions.delete(type)
}

export function isFaultType(type: string): boolean {
  return definitions.has(type)
}

export function faultTypes(): string[] {
  return [...definitions.keys()].sort()
}

registerFault('latency', createLatencyFault, latencyParams)
registerFault('first-token-delay', createFirstTokenDelayFault, firstTokenDelayParams)
registerFault('slow-tokens', createSlowTokensFault, slowTokensParams)
registerFault('stall', createStallFault, stallParams)
registerFault('bandwidth', createBandwidthFault, bandwidthParams)
registerFault('reset', createResetFault, resetParams)
registerFault('truncate', createTruncateFault, truncateParams)
registerFault('blackhole', createBlackholeFault, blackholeParams)
registerFault('status', createStatusFault, statusParams)
registerFault('malformed-sse', createMalformedSseFault, malformedSseParams)
registerFault('slicer', createSlicerFault, slicerParams)

// ---- validation -------------------------------------------------------------------------------

/** One thing wrong with a file or spec: where, what, and how to fix it. */
export interface Problem {
  code: Extract<ErrorCode, 'CHAOS_INVALID' | 'CHAOS_UNKNOWN_FAULT'>
  /** JSON path like `phases[1].faults[0].params.latency`. */
  path: string
  message: string
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`
  return base === '' ? key : `${base}.${key}`
}

/** Zod issues as problems with a fix each. */
export function zodProblems(error: z.ZodError, basePath: string): Problem[] {
  const problems: Problem[] = []
  for (const issue of error.issues) {
    let path = basePath
    for (const key of issue.path) path = joinPath(path, typeof key === 'symbol' ? String(key) : key)
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ code: 'CHAOS_INVALID', path: joinPath(path, key), message: 'unknown key; fix: remove it or check its spelling' })
      }
      continue
    }
    problems.push({ code: 'CHAOS_INVALID', path: path === '' ? '(top level)' : path, message: describeIssue(issue) })
  }
  return problems
}

function received(issue: z.core.$ZodIssue): string {
  if (!('input' in issue) || issue.input === undefined) return 'nothing'
  const text = JSON.stringify(issue.input)
  return text === undefined ? String(issue.input) : text.length > 60 ? `${text.slice(0, 60)}…` : text
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const article = /^[aeiou]/.test(issue.expected) ? 'an' : 'a'
      return `expected ${article} ${issue.expected}, received ${received(issue)}; fix: give ${article} ${issue.expected}`
    }
    case 'too_small':
      return `${issue.message.replace(/^Too small: /, '')}, received ${received(issue)}; fix: raise it`
    case 'too_big':
      return `${issue.message.replace(/^Too big: /, '')}, received ${received(issue)}; fix: lower it`
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, received ${received(issue)}; fix: use one of them`
    case 'invalid_format':
      return `${issue.message}, received ${received(issue)}; fix: rename it`
    case 'invalid_union':
      return `${issue.message}; fix: see chaos/README.md for the accepted shapes`
    default:
      return issue.message.includes('fix:') ? issue.message : `${issue.message}; fix: see chaos/README.md`
  }
}

/** One UserError for every problem; CHAOS_UNKNOWN_FAULT when all of them are unknown fault types. */
export function problemsError(source: string, problems: Problem[]): UserError {
  const code = problems.every((problem) => problem.code === 'CHAOS_UNKNOWN_FAULT') ? 'CHAOS_UNKNOWN_FAULT' : 'CHAOS_INVALID'
  const listed = problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')
  const count = problems.length === 1 ? '' : ` (${problems.length} problems)`
  return new UserError(code, `${source}${count}: ${listed}`)
}

const FAULT_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/

const specShape = z.strictObject({
  type: z.string().min(1),
  name: z.string().regex(FAULT_NAME, 'letters, digits and . _ : / - only (no commas or spaces)').optional(),
  toxicity: z.number().min(0).max(1).optional(),
  match: z
    .strictObject({
      path: z.string().min(1).optional(),
      model: z.string().min(1).optional(),
      header: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  params: z.record(z.string(), z.unknown()).optional(),
})

/**
 * Validates one spec (its shape, its type, its params). Returns the spec with defaults filled in
 * (`name`, `toxicity`, params) and every problem found, with paths under `path`.
 */
export function checkFaultSpec(input: unknown, path: string): { spec: FaultSpec | undefined; problems: Problem[] } {
  const shape = specShape.safeParse(input, { reportInput: true })
  if (!shape.success) return { spec: undefined, problems: zodProblems(shape.error, path) }
  const raw = shape.data
  const definition = definitions.get(raw.type)
  if (definition === undefined) {
    return {
      spec: undefined,
      problems: [
        {
          code: 'CHAOS_UNKNOWN_FAULT',
          path: joinPath(path, 'type'),
          message: `unknown fault type ${JSON.stringify(raw.type)}; fix: use one of ${faultTypes().join(', ')} (or registerFault it)`,
        },
      ],
    }
  }
  let params: Record<string, unknown> = raw.params ?? {}
  if (definition.params !== undefined) {
    const parsed = definition.params.safeParse(params, { reportInput: true })
    if (!parsed.success) return { spec: undefined, problems: zodProblems(parsed.error, joinPath(path, 'params')) }
    params = parsed.data as Record<string, unknown>
  }
  const spec: FaultSpec = { type: raw.type, name: raw.name ?? raw.type, toxicity: raw.toxicity ?? 1, params }
  if (raw.match !== undefined) spec.match = raw.match
  return { spec, problems: [] }
}

/** Problems with duplicate names in one set of specs. */
export function duplicateNameProblems(specs: readonly (FaultSpec | undefined)[], path: string): Problem[] {
  const seen = new Set<string>()
  const problems: Problem[] = []
  specs.forEach((spec, index) => {
    if (spec === undefined) return
    const name = spec.name ?? spec.type
    if (seen.has(name)) {
      problems.push({
        code: 'CHAOS_INVALID',
        path: joinPath(joinPath(path, index), 'name'),
        message: `duplicate fault name ${JSON.stringify(name)}; fix: give each fault of the same type its own "name"`,
      })
    }
    seen.add(name)
  })
  return problems
}

/** Validates a list of specs; throws one UserError listing every problem. */
export function parseFaultSpecs(input: unknown, source: string, path = 'faults'): FaultSpec[] {
  if (!Array.isArray(input)) {
    throw new UserError('CHAOS_INVALID', `${source}: ${path}: expected an array of fault specs, received ${describeValue(input)}; fix: write [{"type": "latency", "params": {"latency": 500}}]`)
  }
  const problems: Problem[] = []
  const specs = input.map((item, index) => {
    const checked = checkFaultSpec(item, joinPath(path, index))
    problems.push(...checked.problems)
    return checked.spec
  })
  problems.push(...duplicateNameProblems(specs, path))
  if (problems.length > 0) throw problemsError(source, problems)
  return specs as FaultSpec[]
}

/** Validates one spec; throws a UserError naming `source`. */
export function parseFaultSpec(input: unknown, source: string): FaultSpec {
  const { spec, problems } = checkFaultSpec(input, 'fault')
  if (spec === undefined) throw problemsError(source, problems)
  return spec
}

/** Builds the fault for a spec that `checkFaultSpec` accepted. */
export function createFault(spec: FaultSpec): Fault {
  const definition = definitions.get(spec.type)
  if (definition === undefined) {
    throw new UserError('CHAOS_UNKNOWN_FAULT', `fault ${JSON.stringify(spec.name ?? spec.type)}: unknown type ${JSON.stringify(spec.type)}; fix: use one of ${faultTypes().join(', ')}`)
  }
  const params = definition.params === undefined ? (spec.params ?? {}) : definition.params.parse(spec.params ?? {})
  return definition.create(params, spec)
}

/** Reads a faults file: a JSON array of specs, or `{"faults": [...]}`. */
export async function loadFaultsFile(path: string): Promise<FaultSpec[]> {
  const json = await readJsonFile(path, '--faults')
  const list = typeof json === 'object' && json !== null && !Array.isArray(json) && 'faults' in json ? (json as { faults: unknown }).faults : json
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const extra = Object.keys(json).filter((key) => key !== 'faults' && key !== 'description' && key !== '$schema')
    if (extra.length > 0) {
      throw new UserError('CHAOS_INVALID', `${path}: ${extra[0]}: unknown key; fix: a faults file is [...] or {"faults": [...]}`)
    }
  }
  return parseFaultSpecs(list, path)
}

/** Reads and parses a JSON file; missing files and bad JSON become one-line UserErrors. */
export async function readJsonFile(path: string, flag: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UserError('FILE_NOT_FOUND', `${flag} ${path}: file not found; fix: check the path`)
    throw new UserError('CHAOS_INVALID', `${flag} ${path}: cannot read (${code ?? String(error)}); fix: check the path and its permissions`, { cause: error })
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UserError('CHAOS_INVALID', `${path}: not valid JSON (${(error as Error).message}); fix: correct the syntax`, { cause: error })
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`
}
