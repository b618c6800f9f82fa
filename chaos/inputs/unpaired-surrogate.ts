// unpaired-surrogate: a lone UTF-16 surrogate (half an emoji, as when a client truncates a string
// by UTF-16 length), which has no valid UTF-8 encoding.
//
// How it travels. A JS string can hold a lone surrogate; UTF-8 cannot. JSON.stringify (ES2019
// "well-formed JSON.stringify") writes it as the ASCII escape `\ud83d`, so:
//   - the traffic file stays valid UTF-8 and JSON.parse gives back the same lone surrogate;
//   - the adapters build request bodies with JSON.stringify, so the endpoint receives the escape
//     `\ud83d` inside valid UTF-8 JSON. What the server does with it (decode to U+FFFD, reject
//     with 400, fail with 500) is what this kind measures.
// It is never sent as raw bytes: encoding the string with TextEncoder would silently replace it
// with U+FFFD (EF BF BD) and the malformation would not reach the server.
// `inputTokens` counts it as U+FFFD, since tiktoken's WASM boundary encodes strings as UTF-8.
import type { Random } from '../../core/random.js'
import { finishMutation, lastUserIndex, resolveMessages, updateLastUser } from './messages.js'
import { insertAtRandom } from './text.js'
import type { InputMutator } from './types.js'

/** Matches a surrogate that is not part of a valid pair. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u

/** Emoji whose halves get cut off. */
const EMOJI = ['👍', '😀', '🚀', '📎', '🙏', '📊', '🔥'] as const

function halfEmoji(random: Random): { high: string; low: string } {
  const emoji = random.pick(EMOJI)
  return { high: emoji.charAt(0), low: emoji.charAt(1) }
}

export function createUnpairedSurrogateMutator(): InputMutator {
  return {
    kind: 'unpaired-surrogate',
    description: 'a lone UTF-16 surrogate (half an emoji, e.g. \\ud83d); travels as a JSON \\u escape',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      lastUserIndex(messages)
      const count = 1 + random.int(3)
      const pieces: string[] = []
      for (let i = 0; i < count; i++) {
        const { high, low } = halfEmoji(random)
        // A space on the open side keeps two inserted halves from pairing up again.
        pieces.push(random.chance(0.6) ? `${high} ` : ` ${low}`)
      }
      updateLastUser(messages, (content) => {
        // Half the time the message ends mid-emoji, as a length-capped field truncates it.
        const truncated = random.chance(0.5) ? `${content} ${halfEmoji(random).high}` : content
        return insertAtRandom(truncated, pieces, random)
      })
      return finishMutation(request, 'unpaired-surrogate', messages, context)
    },
  }
}
