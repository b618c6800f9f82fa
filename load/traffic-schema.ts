// Traffic file validation: the zod schemas of a header line and a request line, and their issues
// turned into one message per bad field (expected, received, and the fix).
import type { z } from 'zod'
import { UserError } from '../core/errors.js'
import { lazySchema } from '../core/zod.js'
import { TRAFFIC_SCHEMA_VERSION, type TrafficHeader, type TrafficRequest } from '../core/traffic-types.js'

/** The request and header schemas, built when the first traffic file is read (zod loads then). */
const schemas = lazySchema((z) => {
  const nonNegativeInteger = (what: string) =>
    z.number({ error: `must be ${what}` }).int({ error: `must be ${what}` }).nonnegative({ error: `must be ${what}` })
  const nonEmptyString = z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' })

  const messageSchema = z.strictObject({
    role: z.enum(['system', 'user', 'assistant'], { error: "must be 'system', 'user' or 'assistant'" }),
    content: z.string({ error: 'must be a string' }),
  })

  const promptSchema = z.strictObject({
    task: nonEmptyString,
    tokens: nonNegativeInteger('a non-negative integer'),
    seed: z.number({ error: 'must be an integer from 0 to 4294967295' }).int({ error: 'must be an integer from 0 to 4294967295' }).min(0, { error: 'must be an integer from 0 to 4294967295' }).max(4294967295, { error: 'must be an integer from 0 to 4294967295' }),
    encoding: z.enum(['o200k_base', 'cl100k_base'], { error: "must be 'o200k_base' or 'cl100k_base'" }).optional(),
  })

  const expectedSchema = z.strictObject({
    answer: z.string({ error: 'must be a string' }),
    match: z.enum(['text', 'number', 'date'], { error: "must be 'text', 'number' or 'date'" }),
    questionId: nonEmptyString,
  })

  const sharedBlockSchema = z.strictObject({
    id: nonEmptyString,
    tokens: nonNegativeInteger('a non-negative integer'),
  })

  const prefixSchema = z.strictObject({
    system: sharedBlockSchema.optional(),
    documents: z.array(sharedBlockSchema, { error: 'must be a list of {id, tokens}' }).optional(),
  })

  const turnSchema = z
    .strictObject({
      thinkMs: z.number({ error: 'must be a non-negative number' }).nonnegative({ error: 'must be a non-negative number' }),
      kind: z.enum(['user', 'tool'], { error: "must be 'user' or 'tool'" }).optional(),
      prompt: promptSchema.optional(),
      text: z.string({ error: 'must be a string' }).optional(),
      inputTokens: nonNegativeInteger('a non-negative integer'),
      maxOutputTokens: z.number({ error: 'must be a positive integer' }).int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' }),
      targetOutputTokens: nonNegativeInteger('a non-negative integer').optional(),
    })
    .superRefine((turn, context) => {
      if ((turn.text === undefined) === (turn.prompt === undefined)) {
        context.addIssue({ code: 'custom', path: [turn.text === undefined ? 'prompt' : 'text'], message: "must be given, and only one of 'text' and 'prompt'" })
      }
      if (turn.targetOutputTokens !== undefined && turn.targetOutputTokens > turn.maxOutputTokens) {
        context.addIssue({ code: 'custom', path: ['targetOutputTokens'], message: `must not exceed maxOutputTokens (${turn.maxOutputTokens})` })
      }
    })

  const requestSchema = z
    .strictObject({
      id: nonEmptyString,
      offsetMs: z.number({ error: 'must be a non-negative number' }).nonnegative({ error: 'must be a non-negative number' }),
      userId: nonEmptyString,
      task: nonEmptyString,
      messages: z.array(messageSchema, { error: 'must be a list of {role, content}' }).min(1, { error: 'must hold at least one message' }).optional(),
      prompt: promptSchema.optional(),
      inputTokens: nonNegativeInteger('a non-negative integer'),
      maxOutputTokens: z.number({ error: 'must be a positive integer' }).int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' }),
      targetOutputTokens: nonNegativeInteger('a non-negative integer').optional(),
      tags: z.array(z.string({ error: 'must be a string' }), { error: 'must be a list of strings' }).optional(),
      responseSchema: z.record(z.string(), z.unknown(), { error: 'must be a JSON object (a JSON Schema)' }).optional(),
      expected: expectedSchema.optional(),
      variant: z.enum(['clean', 'dirty'], { error: "must be 'clean' or 'dirty'" }).optional(),
      source: nonEmptyString.optional(),
      prefix: prefixSchema.optional(),
      turns: z.array(turnSchema, { error: 'must be a list of turns {thinkMs, prompt|text, inputTokens, maxOutputTokens}' }).min(1, { error: 'must hold at least one turn (or leave it out)' }).optional(),
      agent: z.boolean({ error: 'must be true or false' }).optional(),
    })
    .superRefine((request, context) => {
      if (request.agent === true && request.turns === undefined) {
        context.addIssue({ code: 'custom', path: ['agent'], message: "needs 'turns' (the later calls of the task)" })
      }
      if ((request.messages === undefined) === (request.prompt === undefined)) {
        context.addIssue({ code: 'custom', path: [request.messages === undefined ? 'prompt' : 'messages'], message: "must be given, and only one of 'messages' and 'prompt'" })
      }
      if (request.targetOutputTokens !== undefined && request.targetOutputTokens > request.maxOutputTokens) {
        context.addIssue({ code: 'custom', path: ['targetOutputTokens'], message: `must not exceed maxOutputTokens (${request.maxOutputTokens})` })
      }
    })

  const headerSchema = z.strictObject({
    type: z.literal('header', { error: "must be 'header' (the first line of a traffic file is its header)" }),
    schemaVersion: z.number({ error: 'must be a positive integer' }).int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' }),
    generator: nonEmptyString,
    generatorVersion: z.string({ error: 'must be a string' }),
    seed: z.number({ error: 'must be a number or null' }).nullable(),
    source: z.string({ error: 'must be a string' }),
    createdAt: z.string({ error: 'must be an ISO date string' }),
    requestCount: nonNegativeInteger('a non-negative integer'),
    spanMs: z.number({ error: 'must be a non-negative number' }).nonnegative({ error: 'must be a non-negative number' }),
    encoding: z.enum(['o200k_base', 'cl100k_base'], { error: "must be 'o200k_base' or 'cl100k_base'" }),
    parameters: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).optional(),
  })

  return { requestSchema, headerSchema }
})

function formatPath(path: readonly PropertyKey[]): string {
  let text = ''
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : text === '' ? String(key) : `.${String(key)}`
  return text
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** Every bad field of a line, one clause each (one per field), so one run of the fix-up is enough. */
function describeIssue(error: z.ZodError, value: unknown): string {
  const seen = new Set<string>()
  const clauses: string[] = []
  for (const issue of error.issues) {
    const key = issue.code === 'unrecognized_keys' ? `keys:${formatPath(issue.path)}` : formatPath(issue.path)
    if (seen.has(key)) continue
    seen.add(key)
    clauses.push(describeOne(issue, value))
  }
  return clauses.join('; ')
}

function describeOne(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length === 0 ? '' : ` in '${formatPath(issue.path)}'`
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `'${key}'`).join(', ')}${where}; remove ${issue.keys.length > 1 ? 'them' : 'it'}`
  }
  if (issue.path.length === 0) return `must be a JSON object (got ${shown(value)})`
  return `field '${formatPath(issue.path)}' ${issue.message} (got ${shown(valueAt(value, issue.path))})`
}

/** Checks one parsed request line; throws TRAFFIC_INVALID naming `where` (file and line). */
export function validateTrafficRequest(value: unknown, where: string): TrafficRequest {
  const result = schemas().requestSchema.safeParse(value)
  if (!result.success) throw new UserError('TRAFFIC_INVALID', `${where}: ${describeIssue(result.error, value)}; regenerate the file or fix the line`)
  return result.data as TrafficRequest
}

/** Checks a parsed header line; throws TRAFFIC_INVALID naming `where`. */
export function validateTrafficHeader(value: unknown, where: string): TrafficHeader {
  const result = schemas().headerSchema.safeParse(value)
  if (!result.success) throw new UserError('TRAFFIC_INVALID', `${where}: header ${describeIssue(result.error, value)}; regenerate the file with 'gauntlet traffic generate'`)
  const header = result.data as TrafficHeader
  if (header.schemaVersion > TRAFFIC_SCHEMA_VERSION) {
    throw new UserError('TRAFFIC_INVALID', `${where}: header field 'schemaVersion' is ${header.schemaVersion}, newer than this tool reads (${TRAFFIC_SCHEMA_VERSION}); upgrade llm-gauntlet or regenerate the file`)
  }
  return header
}
