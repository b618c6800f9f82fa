// naughty-strings: values from the Big List of Naughty Strings (MIT, see data/README.md) typed
// into form fields and pasted into the prompt: reserved words, odd numbers, RTL and trick
// Unicode, Zalgo, emoji, script and SQL injection.
import blns from './data/blns.json' with { type: 'json' }
import { finishMutation, resolveMessages, updateLastUser } from './messages.js'
import { appendBlock, insertAtRandom } from './text.js'
import type { InputMutator } from './types.js'

/** The list without its empty string (inserting nothing is not a mutation). */
export const NAUGHTY_STRINGS: readonly string[] = (blns as string[]).filter((value) => value.length > 0)

const FIELDS = ['Customer name', 'Reference', 'Cost centre', 'Ship to', 'Notes', 'Approved by'] as const

export function createNaughtyStringsMutator(): InputMutator {
  return {
    kind: 'naughty-strings',
    description: 'strings from the Big List of Naughty Strings in form fields and in the text',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      const count = 1 + random.int(4)
      const picked: string[] = []
      for (let i = 0; i < count; i++) picked.push(random.pick(NAUGHTY_STRINGS))
      const inForm: string[] = []
      const inText: string[] = []
      for (const value of picked) (random.chance(0.5) ? inForm : inText).push(value)
      updateLastUser(messages, (content) => {
        let out = inText.length === 0 ? content : insertAtRandom(content, inText.map((value) => `${value} `), random, 'word')
        if (inForm.length > 0) {
          const form = inForm.map((value) => `${random.pick(FIELDS)}: ${value}`).join('\n')
          out = appendBlock(out, `Form submission:\n${form}`)
        }
        return out
      })
      return finishMutation(request, 'naughty-strings', messages, context)
    },
  }
}
