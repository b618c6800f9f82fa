// OpenAI `messages` as the mock reads them: roles, text parts, tool calls → counted prompt blocks.
//
//   {role, content: string | [{type:'text', text}, …] | null}        → one block: the text parts
//   {role:'assistant', content: null, tool_calls:[{function:{name, arguments}}]} → + each arguments string
//   {role:'tool', tool_call_id, content}                             → the result text
import { isPlainObject, jsonTypeName, type MockFailure, type ParsedChat, type PromptBlock } from './protocol.js'

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function'])

export function missing(param: string): MockFailure {
  return { kind: 'invalid_request', param, code: 'missing_required_parameter', message: `Missing required parameter: '${param}'.` }
}

export function wrongType(param: string, expected: string, value: unknown): MockFailure {
  return {
    kind: 'invalid_request',
    param,
    code: 'invalid_type',
    message: `Invalid type for '${param}': expected ${expected}, but got ${jsonTypeName(value)} instead.`,
  }
}

/** Text parts of a message's `content`: a string, null, or an array of parts (only text counts). */
function contentParts(content: unknown, param: string): string[] | MockFailure {
  if (content === undefined || content === null) return []
  if (typeof content === 'string') return [content]
  if (!Array.isArray(content)) return wrongType(param, 'a string or an array of content parts', content)
  const parts: string[] = []
  for (let i = 0; i < content.length; i++) {
    const part: unknown = content[i]
    if (!isPlainObject(part) || typeof part['type'] !== 'string') {
      return wrongType(`${param}[${i}]`, 'an object with a string "type"', part)
    }
    if (part['type'] === 'text') {
      if (typeof part['text'] !== 'string') return wrongType(`${param}[${i}].text`, 'a string', part['text'])
      parts.push(part['text'])
    }
  }
  return parts
}

/** Each call's `function.arguments` (counted as input) and its name (part of the block's identity). */
function toolCalls(value: unknown, param: string): { names: string[]; parts: string[] } | MockFailure {
  const calls = { names: [] as string[], parts: [] as string[] }
  if (value === undefined || value === null) return calls
  if (!Array.isArray(value)) return wrongType(param, 'an array', value)
  for (let i = 0; i < value.length; i++) {
    const call: unknown = value[i]
    if (!isPlainObject(call)) return wrongType(`${param}[${i}]`, 'an object', call)
    const fn = call['function']
    if (!isPlainObject(fn)) return fn === undefined ? missing(`${param}[${i}].function`) : wrongType(`${param}[${i}].function`, 'an object', fn)
    if (typeof fn['name'] !== 'string') return wrongType(`${param}[${i}].function.name`, 'a string', fn['name'])
    if (typeof fn['arguments'] !== 'string') return wrongType(`${param}[${i}].function.arguments`, 'a string', fn['arguments'])
    calls.names.push(fn['name'])
    calls.parts.push(fn['arguments'])
  }
  return calls
}

/** A non-empty `messages` array → each message's parts and its prompt block; else the first problem. */
export function parseMessages(messages: readonly unknown[]): Pick<ParsedChat, 'messages' | 'blocks'> | MockFailure {
  const parsed: Pick<ParsedChat, 'messages' | 'blocks'> = { messages: [], blocks: [] }
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i]
    const param = `messages[${i}]`
    if (!isPlainObject(message)) return wrongType(param, 'an object', message)
    const role = message['role']
    if (role === undefined) return missing(`${param}.role`)
    if (typeof role !== 'string' || !ROLES.has(role)) {
      return {
        kind: 'invalid_request',
        param: `${param}.role`,
        code: 'invalid_value',
        message: `Invalid value: '${String(role)}'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool' and 'function'.`,
      }
    }
    const parts = contentParts(message['content'], `${param}.content`)
    if (!Array.isArray(parts)) return parts
    const calls = toolCalls(message['tool_calls'], `${param}.tool_calls`)
    if ('kind' in calls) return calls
    parts.push(...calls.parts)
    const block: PromptBlock = { identity: [role, ...calls.names].join('\u0000'), parts, breakpoint: false }
    parsed.messages.push({ role, parts })
    parsed.blocks.push(block)
  }
  return parsed
}
