// One traffic request → the k6 scripts' entry (prompt expanded, shared prefix first). k6 replays
// single requests only: a conversation or agent line is refused with the way to run it instead.
import type { ChatMessage } from '../../core/messages.js'
import { UserError } from '../../core/errors.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { prefixMessages } from '../chain/history.js'
import type { K6TrafficEntry } from './scripts/lib/plan.js'

type K6Message = K6TrafficEntry['messages'][number]

function k6Message(message: ChatMessage, request: TrafficRequest): K6Message {
  if (message.role === 'tool') throw new UserError('TRAFFIC_INVALID', `request '${request.id}': k6 scripts send no tool messages; run this traffic with gauntlet run`)
  return { role: message.role, content: message.content }
}

export function k6Entry(request: TrafficRequest, expand: (request: TrafficRequest) => ChatMessage[]): K6TrafficEntry {
  if (request.turns !== undefined) {
    throw new UserError('TRAFFIC_INVALID', `request '${request.id}' is a ${request.agent === true ? 'multi-call agent task' : 'conversation'} (${1 + request.turns.length} turns); k6 scripts replay single requests, so run this traffic with gauntlet run, or regenerate it without conversations`)
  }
  const messages = [...prefixMessages(request.prefix), ...expand(request)]
  const entry: K6TrafficEntry = {
    id: request.id,
    offsetMs: request.offsetMs,
    userId: request.userId,
    task: request.task,
    messages: messages.map((message) => k6Message(message, request)),
    maxOutputTokens: request.maxOutputTokens,
    inputTokens: request.inputTokens,
  }
  if (request.targetOutputTokens !== undefined) entry.targetOutputTokens = request.targetOutputTokens
  if (request.responseSchema !== undefined) entry.json = true
  return entry
}
