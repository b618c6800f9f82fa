// Chat Completions request builder: tool calls as `tool_calls`, tool results as role `tool`, a
// minimal `tools` list when the conversation called tools, and `cache` marks ignored.
import { describe, expect, it } from 'vitest'
import { buildChatCompletionsBody } from '../../../adapters/openai-compatible/request.js'
import type { ChatMessage } from '../../../adapters/types.js'

const body = (messages: ChatMessage[]) => buildChatCompletionsBody({ model: 'gpt-4o-mini', messages, maxOutputTokens: 10, stream: false }, { maxTokensField: 'max_tokens' })

describe('openai-compatible rendering', () => {
  it('renders an agent chain with tool_calls, tool results and one definition per tool', () => {
    const built = body([
      { role: 'system', content: 'You are an agent.', cache: true },
      { role: 'user', content: 'Find the invoice.', cache: true },
      { role: 'assistant', content: '{"query":"INV-7"}', toolCall: { id: 'call_1', name: 'search' } },
      { role: 'tool', content: 'INV-7: €1 204,50', toolCallId: 'call_1' },
      { role: 'assistant', content: '{"id":7}', toolCall: { id: 'call_2', name: 'fetch' } },
      { role: 'tool', content: '{"due":"2025-03-01"}', toolCallId: 'call_2' },
      { role: 'assistant', content: '{"query":"due"}', toolCall: { id: 'call_3', name: 'search' } },
    ])
    expect(built).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are an agent.' },
        { role: 'user', content: 'Find the invoice.' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"query":"INV-7"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'INV-7: €1 204,50' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'fetch', arguments: '{"id":7}' } }] },
        { role: 'tool', tool_call_id: 'call_2', content: '{"due":"2025-03-01"}' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'search', arguments: '{"query":"due"}' } }] },
      ],
      max_tokens: 10,
      tools: [
        { type: 'function', function: { name: 'search', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'fetch', parameters: { type: 'object' } } },
      ],
    })
  })

  it('a conversation without tool calls has no tools and the plain shape (cache marks dropped)', () => {
    const built = body([
      { role: 'system', content: 'S', cache: true },
      { role: 'user', content: 'Q' },
    ])
    expect(built).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'Q' }], max_tokens: 10 })
  })
})
