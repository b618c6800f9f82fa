// Helpers every mutator shares: literal messages out of a request, the user message to garble,
// and the finished request (tag + recounted tokens).
import type { ChatMessage } from '../../core/messages.js'
import { GauntletError } from '../../core/errors.js'
import { countTokens, type EncodingName } from '../../core/tokens.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { malformedTag } from '../../core/malformed-tags.js'
import type { MutationContext } from './types.js'

/** A fresh copy of the request's messages, expanding a `prompt` spec through the context's hook. */
export function resolveMessages(request: TrafficRequest, context: MutationContext): ChatMessage[] {
  if (request.messages !== undefined) return request.messages.map((message) => ({ ...message }))
  if (request.prompt !== undefined && context.expand !== undefined) {
    return context.expand(request).map((message) => ({ ...message }))
  }
  if (request.prompt === undefined) return [{ role: 'user', content: '' }]
  // Wiring bug, not bad input: callers must pass the traffic module's expander.
  throw new GauntletError('INTERNAL', `request ${request.id}: has a prompt spec but no expand hook was given to the mutator`)
}

/** Index of the last user message; appends an empty one when there is none. */
export function lastUserIndex(messages: ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return i
  messages.push({ role: 'user', content: '' })
  return messages.length - 1
}

/** Replaces the last user message's content with `update(content)`, in place. */
export function updateLastUser(messages: ChatMessage[], update: (content: string) => string): void {
  const index = lastUserIndex(messages)
  const message = messages[index] as ChatMessage
  messages[index] = { ...message, content: update(message.content) }
}

/** Replaces every user message's content with `update(content, index)`, in place. */
export function updateUsers(messages: ChatMessage[], update: (content: string, index: number) => string): void {
  lastUserIndex(messages)
  messages.forEach((message, index) => {
    if (message.role === 'user') messages[index] = { ...message, content: update(message.content, index) }
  })
}

/**
 * Input tokens of a message list: the sum of each content's exact count in `encoding`. Chat
 * framing tokens (a few per message, vendor-specific) are not included, as at generation.
 */
export function countMessageTokens(messages: readonly ChatMessage[], encoding: EncodingName): number {
  let total = 0
  for (const message of messages) total += countTokens(message.content, encoding)
  return total
}

export { malformedTag }

/**
 * The mutated request: literal messages (the prompt spec is dropped, messages win), the kind's
 * tag added once, and `inputTokens` recounted unless the mutator computed it (`inputTokens`).
 */
export function finishMutation(
  request: TrafficRequest,
  kind: string,
  messages: ChatMessage[],
  context: MutationContext,
  inputTokens?: number,
): TrafficRequest {
  const { prompt: _prompt, ...rest } = request
  const tag = malformedTag(kind)
  const tags = request.tags?.includes(tag) === true ? [...request.tags] : [...(request.tags ?? []), tag]
  return {
    ...rest,
    messages,
    inputTokens: inputTokens ?? countMessageTokens(messages, context.encoding),
    tags,
  }
}
