// control-chars: characters that survive copy-paste but break parsers, terminals and logs: NUL,
// ANSI escape sequences, zero-width spaces, a right-to-left override, and other C0 controls.
import { finishMutation, lastUserIndex, resolveMessages, updateUsers } from './messages.js'
import { insertAtRandom } from './text.js'
import type { InputMutator } from './types.js'

/** One of each of these goes into every mutated request. */
export const REQUIRED_CONTROL_PIECES = [
  '\u0000', // NUL, from C strings and binary exports
  '\u001b[31m', // ANSI colour escape, from a terminal copy
  '\u200b', // zero-width space, from web pages and chat tools
  '\u202e', // right-to-left override: what follows renders reversed
] as const

/** Extra noise drawn at random. */
const EXTRA_CONTROL_PIECES = [
  '\u0000',
  '\u001b[0m',
  '\u001b[2J',
  '\u001b]0;title\u0007',
  '\u200b',
  '\u200d',
  '\u2060',
  '\u202e',
  '\u202c',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u007f',
  '\r',
] as const

export function createControlCharsMutator(): InputMutator {
  return {
    kind: 'control-chars',
    description: 'NUL, ANSI escapes (\\x1b[...), zero-width spaces, a right-to-left override and other C0 controls',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      const pieces: string[] = [...REQUIRED_CONTROL_PIECES]
      const extra = random.int(8)
      for (let i = 0; i < extra; i++) pieces.push(random.pick(EXTRA_CONTROL_PIECES))
      const last = lastUserIndex(messages)
      const userIndices = messages.flatMap((message, index) => (message.role === 'user' ? [index] : []))
      // Spread the pieces over the user messages; the last one always gets at least one.
      const byMessage = new Map<number, string[]>()
      pieces.forEach((piece, i) => {
        const index = i === 0 ? last : (userIndices[random.int(userIndices.length)] as number)
        byMessage.set(index, [...(byMessage.get(index) ?? []), piece])
      })
      updateUsers(messages, (content, index) => {
        const own = byMessage.get(index)
        return own === undefined ? content : insertAtRandom(content, own, random)
      })
      return finishMutation(request, 'control-chars', messages, context)
    },
  }
}
