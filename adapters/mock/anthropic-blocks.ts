// Anthropic `system` and message `content` as the mock reads them → counted prompt blocks.
//
//   string                                   → one text block
//   {type:'text', text, cache_control?}      → the text
//   {type:'tool_use', id, name, input}       → JSON of `input` (counted), `name` in the identity
//   {type:'tool_result', tool_use_id, content: string | [{type:'text', text}, …]} → the result text
//   any other type (image, document, thinking…) → a block with nothing counted
import { isPlainObject, jsonTypeName, type MockFailure, type PromptBlock } from './protocol.js'

export function wrongType(param: string, expected: string, value: unknown): MockFailure {
  return { kind: 'invalid_request', param, message: `${param}: Input should be ${expected} (got ${jsonTypeName(value)})` }
}

/** `cache_control` absent, or `{type: 'ephemeral', …}` (a breakpoint). */
function breakpointOf(block: Record<string, unknown>, param: string): boolean | MockFailure {
  const control = block['cache_control']
  if (control === undefined || control === null) return false
  if (!isPlainObject(control)) return wrongType(`${param}.cache_control`, 'a valid dictionary', control)
  if (control['type'] !== 'ephemeral') {
    return { kind: 'invalid_request', param: `${param}.cache_control.type`, message: `${param}.cache_control.type: Input should be 'ephemeral'` }
  }
  return true
}

/** Texts of a `tool_result` content: absent, a string, or an array of blocks (only text counts). */
function resultTexts(content: unknown, param: string): string[] | MockFailure {
  if (content === undefined || content === null) return []
  if (typeof content === 'string') return [content]
  if (!Array.isArray(content)) return wrongType(param, 'a valid string or list of content blocks', content)
  const parts: string[] = []
  for (let i = 0; i < content.length; i++) {
    const block: unknown = content[i]
    if (!isPlainObject(block) || typeof block['type'] !== 'string') return wrongType(`${param}.${i}`, 'an object with a string "type"', block)
    if (block['type'] !== 'text') continue
    if (typeof block['text'] !== 'string') return wrongType(`${param}.${i}.text`, 'a valid string', block['text'])
    parts.push(block['text'])
  }
  return parts
}

function oneBlock(role: string, block: unknown, param: string): PromptBlock | MockFailure {
  if (!isPlainObject(block) || typeof block['type'] !== 'string') return wrongType(param, 'an object with a string "type"', block)
  const type = block['type']
  const breakpoint = breakpointOf(block, param)
  if (typeof breakpoint !== 'boolean') return breakpoint
  const identity = `${role}\u0000${type}`
  switch (type) {
    case 'text':
      if (typeof block['text'] !== 'string') return wrongType(`${param}.text`, 'a valid string', block['text'])
      return { identity, parts: [block['text']], breakpoint }
    case 'tool_use': {
      const { name, input } = block
      if (typeof name !== 'string') return wrongType(`${param}.name`, 'a valid string', name)
      if (!isPlainObject(input)) return wrongType(`${param}.input`, 'a valid dictionary', input)
      return { identity: `${identity}\u0000${name}`, parts: [JSON.stringify(input)], breakpoint }
    }
    case 'tool_result': {
      const parts = resultTexts(block['content'], `${param}.content`)
      return Array.isArray(parts) ? { identity, parts, breakpoint } : parts
    }
    default:
      return { identity, parts: [], breakpoint }
  }
}

/** A `content` or `system` value: a string (one text block) or a list of blocks, in order. */
export function promptBlocks(role: string, content: unknown, param: string): PromptBlock[] | MockFailure {
  if (typeof content === 'string') return [{ identity: `${role}\u0000text`, parts: [content], breakpoint: false }]
  if (!Array.isArray(content)) return wrongType(param, 'a valid string or list of content blocks', content)
  const blocks: PromptBlock[] = []
  for (let i = 0; i < content.length; i++) {
    const block = oneBlock(role, content[i], `${param}.${i}`)
    if ('kind' in block) return block
    blocks.push(block)
  }
  return blocks
}
