// Checks an extraction answer: does it parse as JSON (bare, or inside a ``` / ```json fence) and
// match the request's `responseSchema`? Schemas are JSON Schema, converted with zod 4's
// `z.fromJSONSchema`; the traffic files use the subset type, properties, required, items, enum.
import { z } from 'zod'

export interface AnswerValidation {
  /** The answer (or its first fenced block) is JSON. */
  parsed: boolean
  /** Parsed and matches the schema (or parsed, when there is no schema). */
  valid: boolean
  /** Why not, one line each: `rows.0.city: expected string, received undefined`. */
  problems: string[]
}

const MAX_PROBLEMS = 20
const FENCE = /```[ \t]*(?:json|JSON|json5)?[ \t]*\r?\n([\s\S]*?)```/u

type ParseResult = { ok: true; value: unknown } | { ok: false; problem: string }

function tryParse(text: string): ParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) }
  }
}

/** The JSON value of an answer: the whole text, else the first fenced code block. */
export function parseAnswerJson(text: string): ParseResult {
  const trimmed = text.replace(/^\ufeff/u, '').trim()
  if (trimmed.length === 0) return { ok: false, problem: 'answer is empty' }
  const whole = tryParse(trimmed)
  if (whole.ok) return whole
  const fenced = FENCE.exec(trimmed)
  if (fenced !== null) {
    const inner = tryParse((fenced[1] ?? '').trim())
    return inner.ok ? inner : { ok: false, problem: `fenced block is not JSON: ${inner.problem}` }
  }
  return { ok: false, problem: `answer is not JSON: ${whole.problem}` }
}

type Compiled = { ok: true; schema: z.ZodType } | { ok: false; problem: string }

// Traffic files repeat a handful of schemas: compile each once (bounded, oldest evicted).
const compiled = new Map<string, Compiled>()
const MAX_COMPILED = 64

function compile(schema: Record<string, unknown>): Compiled {
  const key = JSON.stringify(schema)
  const cached = compiled.get(key)
  if (cached !== undefined) return cached
  let result: Compiled
  try {
    result = { ok: true, schema: z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]) }
  } catch (error) {
    result = { ok: false, problem: `responseSchema is not a usable JSON Schema: ${error instanceof Error ? error.message : String(error)}` }
  }
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string)
  compiled.set(key, result)
  return result
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.')
  return `${path.length === 0 ? '(root)' : path}: ${issue.message}`
}

export function validateAnswer(text: string, schema: Record<string, unknown> | undefined): AnswerValidation {
  const parsed = parseAnswerJson(text)
  if (!parsed.ok) return { parsed: false, valid: false, problems: [parsed.problem] }
  if (schema === undefined) return { parsed: true, valid: true, problems: [] }
  const validator = compile(schema)
  if (!validator.ok) return { parsed: true, valid: false, problems: [validator.problem] }
  const result = validator.schema.safeParse(parsed.value)
  if (result.success) return { parsed: true, valid: true, problems: [] }
  const issues = result.error.issues
  const problems = issues.slice(0, MAX_PROBLEMS).map(describeIssue)
  if (issues.length > MAX_PROBLEMS) problems.push(`… ${issues.length - MAX_PROBLEMS} more problems`)
  return { parsed: true, valid: false, problems }
}
