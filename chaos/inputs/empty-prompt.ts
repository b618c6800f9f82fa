// empty-prompt: the user sent nothing: an empty message, or one of only spaces and line breaks.
import { finishMutation, resolveMessages, updateLastUser } from './messages.js'
import type { InputMutator } from './types.js'

export const EMPTY_CONTENTS = ['', '', ' ', '\n', '\n\n', ' \t \n'] as const

export function createEmptyPromptMutator(): InputMutator {
  return {
    kind: 'empty-prompt',
    description: 'the last user message is empty or whitespace only',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      const content = random.pick(EMPTY_CONTENTS)
      updateLastUser(messages, () => content)
      return finishMutation(request, 'empty-prompt', messages, context)
    },
  }
}
