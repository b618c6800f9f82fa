// oversized-json: a JSON blob pasted into the prompt that is either huge (default 11 MiB, so the
// request body passes the 10 MB limits some gateways enforce) or deeply nested (default 10,000
// levels, past most parsers' recursion limits).
//
// The huge variant's `inputTokens` is computed by arithmetic over its repeated block of rows
// (repeat.ts: exact, falls back to counting); the nested variant is counted.
import type { Random } from '../../core/random.js'
import { UserError } from '../../core/errors.js'
import { countTokens } from '../../core/tokens.js'
import { countMessageTokens, finishMutation, lastUserIndex, resolveMessages } from './messages.js'
import { randomOrder } from './records.js'
import { repeatText } from './repeat.js'
import type { InputMutator } from './types.js'

export const DEFAULT_OVERSIZED_BYTES = 11 * 1024 * 1024
export const DEFAULT_NESTING_DEPTH = 10_000

export type OversizedVariant = 'huge' | 'nested'

const ROWS_PER_BLOCK = 50

function positiveInteger(name: string, flag: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new UserError('USAGE_INVALID', `${flag} (${name}): expected a positive integer, received ${String(value)}`)
  }
  return value
}

/** A block of order rows as JSON array elements, each line ending in `,\n`. */
function rowBlock(random: Random): string {
  let block = ''
  for (let i = 0; i < ROWS_PER_BLOCK; i++) block += `${JSON.stringify(randomOrder(random))},\n`
  return block
}

/** `{"a":{"a":…null…}}` nested `depth` levels. */
export function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}null${'}'.repeat(depth)}`
}

export function createOversizedJsonMutator(options: { oversizedBytes?: number; nestingDepth?: number } = {}): InputMutator {
  const oversizedBytes = positiveInteger('oversizedBytes', '--oversized-bytes', options.oversizedBytes ?? DEFAULT_OVERSIZED_BYTES)
  const nestingDepth = positiveInteger('nestingDepth', '--nesting-depth', options.nestingDepth ?? DEFAULT_NESTING_DEPTH)
  return {
    kind: 'oversized-json',
    description: `a JSON blob in the prompt: huge (>= ${oversizedBytes} bytes) or nested ${nestingDepth} levels deep`,
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      const index = lastUserIndex(messages)
      const message = messages[index] ?? { role: 'user' as const, content: '' }
      const variant: OversizedVariant = random.chance(0.5) ? 'huge' : 'nested'
      if (variant === 'nested') {
        const content = `${message.content}\n\nParse this configuration and give the value of the innermost key:\n${nestedJson(nestingDepth)}`
        messages[index] = { ...message, content }
        return finishMutation(request, 'oversized-json', messages, context)
      }
      const otherTokens = countMessageTokens(messages, context.encoding) - countTokens(message.content, context.encoding)
      const head = `${message.content}\n\nValidate this export and list the rows with missing fields:\n{"export":"orders.json","rows":[\n`
      const block = rowBlock(random)
      const tail = `${JSON.stringify(randomOrder(random))}\n]}`
      const fixedBytes = Buffer.byteLength(head) + Buffer.byteLength(tail)
      const times = Math.max(3, Math.ceil((oversizedBytes - fixedBytes) / Buffer.byteLength(block)))
      const filled = repeatText(head, block, times, tail, context.encoding)
      messages[index] = { ...message, content: filled.text }
      return finishMutation(request, 'oversized-json', messages, context, otherTokens + filled.tokens)
    },
  }
}
