// context-overflow: a prompt past the model's context window (a whole export pasted in), by 1–25 %.
// Its `inputTokens` is computed by arithmetic over a repeated block (see repeat.ts) rather than
// by tokenising hundreds of kilobytes; the arithmetic is exact, and falls back to counting when
// the block's joins are not clean.
import { UserError } from '../../core/errors.js'
import { countTokens } from '../../core/tokens.js'
import { countMessageTokens, finishMutation, lastUserIndex, resolveMessages } from './messages.js'
import { repeatText } from './repeat.js'
import type { InputMutator } from './types.js'

export const DEFAULT_CONTEXT_TOKENS = 128_000

/** One block of the pasted export; starts with a letter and ends with a newline so repeats join cleanly. */
const EXPORT_BLOCK =
  'Ledger entry copied from the shared finance workbook, sheet Q3 accruals.\n' +
  'Account 4410 travel and subsistence, cost centre North, approved by the regional controller.\n' +
  'Account 6120 facilities maintenance, cost centre Central, awaiting the second signature.\n' +
  'Account 7305 software subscriptions, cost centre Shared Services, renewal under review.\n' +
  'Reconcile against the bank statement and flag any line that appears twice.\n'

const EXPORT_INTRO = '\n\nFull export from the workbook follows (all sheets, every line):\n'
const EXPORT_END = 'End of export. Total every account above and list the duplicates.'

export function validateContextTokens(value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new UserError('USAGE_INVALID', `--context-tokens (contextTokens): expected a positive integer, received ${String(value)}; give the model's context window, e.g. 128000`)
  }
  return value
}

export function createContextOverflowMutator(options: { contextTokens?: number } = {}): InputMutator {
  const contextTokens = validateContextTokens(options.contextTokens ?? DEFAULT_CONTEXT_TOKENS)
  return {
    kind: 'context-overflow',
    description: `input past the model's context window (default ${DEFAULT_CONTEXT_TOKENS} tokens) by 1-25 %`,
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      const index = lastUserIndex(messages)
      const message = messages[index] ?? { role: 'user' as const, content: '' }
      const original = message.content
      const otherTokens = countMessageTokens(messages, context.encoding) - countTokens(original, context.encoding)
      const overshoot = Math.max(1, Math.ceil(contextTokens * random.uniform(0.01, 0.25)))
      const needed = contextTokens + overshoot - otherTokens
      const head = `${original}${EXPORT_INTRO}`
      const edges = countTokens(head + EXPORT_BLOCK, context.encoding) + countTokens(EXPORT_BLOCK + EXPORT_END, context.encoding)
      const blockTokens = countTokens(EXPORT_BLOCK, context.encoding)
      const times = Math.max(3, Math.ceil((needed - edges) / blockTokens) + 2)
      const filled = repeatText(head, EXPORT_BLOCK, times, EXPORT_END, context.encoding)
      messages[index] = { ...message, content: filled.text }
      return finishMutation(request, 'context-overflow', messages, context, otherTokens + filled.tokens)
    },
  }
}
