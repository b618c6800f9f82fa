// Anthropic request builder: cache breakpoints (system blocks, message blocks, the last four kept),
// tool calls as tool_use, tool results as tool_result user turns, same-role turns merged.
import { describe, expect, it } from 'vitest'
import { ANTHROPIC_JSON_INSTRUCTION, buildMessagesBody } from '../../../adapters/anthropic/request.js'
import type { ChatMessage } from '../../../adapters/types.js'

const body = (messages: ChatMessage[], extra: { responseFormat?: 'json' } = {}) => buildMessagesBody({ model: 'claude-x', messages, maxOutputTokens: 10, stream: false, ...extra })
const EPHEMERAL = { type: 'ephemeral' }

describe('cache breakpoints', () => {
  it('a cached system prompt becomes text blocks, the marked ones with cache_control', () => {
    const built = body(
      [
        { role: 'system', content: 'S1', cache: true },
        { role: 'system', content: 'S2' },
        { role: 'user', content: 'Q' },
      ],
      { responseFormat: 'json' },
    )
    expect(built['system']).toEqual([
      { type: 'text', text: 'S1', cache_control: EPHEMERAL },
      { type: 'text', text: 'S2' },
      { type: 'text', text: ANTHROPIC_JSON_INSTRUCTION },
    ])
    expect(built['messages']).toEqual([{ role: 'user', content: 'Q' }])
  })

  it('without marks the system prompt stays one joined string and turns stay strings', () => {
    const built = body([
      { role: 'system', content: 'S1' },
      { role: 'system', content: 'S2' },
      { role: 'user', content: 'Q' },
    ])
    expect(built['system']).toBe('S1\n\nS2')
    expect(built['messages']).toEqual([{ role: 'user', content: 'Q' }])
    expect(built).not.toHaveProperty('tools')
  })

  it('a marked user turn gets blocks with cache_control on its last block; same-role turns merge', () => {
    const built = body([
      { role: 'system', content: 'S', cache: true },
      { role: 'user', content: 'D', cache: true },
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2', cache: true },
    ])
    expect(built['system']).toEqual([{ type: 'text', text: 'S', cache_control: EPHEMERAL }])
    expect(built['messages']).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'D', cache_control: EPHEMERAL }, { type: 'text', text: 'Q1' }] },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: [{ type: 'text', text: 'Q2', cache_control: EPHEMERAL }] },
    ])
  })

  it('keeps only the last four marks (Anthropic refuses more)', () => {
    const messages: ChatMessage[] = [{ role: 'system', content: 'S', cache: true }]
    for (let i = 1; i <= 5; i++) messages.push({ role: i % 2 === 1 ? 'user' : 'assistant', content: `T${i}`, cache: true })
    const built = body(messages)
    // The system mark is the oldest of six: dropped, so the system is a plain string again.
    expect(built['system']).toBe('S')
    const sent = JSON.stringify(built)
    expect(sent.match(/cache_control/g)).toHaveLength(4)
    expect(built['messages']).toEqual([
      { role: 'user', content: 'T1' },
      { role: 'assistant', content: [{ type: 'text', text: 'T2', cache_control: EPHEMERAL }] },
      { role: 'user', content: [{ type: 'text', text: 'T3', cache_control: EPHEMERAL }] },
      { role: 'assistant', content: [{ type: 'text', text: 'T4', cache_control: EPHEMERAL }] },
      { role: 'user', content: [{ type: 'text', text: 'T5', cache_control: EPHEMERAL }] },
    ])
  })
})

describe('tool calls', () => {
  const chain: ChatMessage[] = [
    { role: 'system', content: 'You are an agent.' },
    { role: 'user', content: 'Find the invoice.' },
    { role: 'assistant', content: '{"query":"INV-7"}', toolCall: { id: 'call_1', name: 'search' } },
    { role: 'tool', content: 'INV-7: €1 204,50', toolCallId: 'call_1' },
    { role: 'assistant', content: 'not json', toolCall: { id: 'call_2', name: 'lookup' } },
    { role: 'tool', content: 'nothing', toolCallId: 'call_2', cache: true },
    { role: 'user', content: 'And the due date?' },
    { role: 'assistant', content: '[1,2]', toolCall: { id: 'call_3', name: 'search' } },
  ]

  it('renders tool_use / tool_result blocks, merges the result with the next user turn, defines the tools', () => {
    const built = body(chain)
    expect(built['system']).toBe('You are an agent.')
    expect(built['messages']).toEqual([
      { role: 'user', content: 'Find the invoice.' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'search', input: { query: 'INV-7' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'INV-7: €1 204,50' }] },
      // Arguments that are not a JSON object become {} (Anthropic requires an object).
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_2', name: 'lookup', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_2', content: 'nothing', cache_control: EPHEMERAL },
          { type: 'text', text: 'And the due date?' },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_3', name: 'search', input: {} }] },
    ])
    expect(built['tools']).toEqual([
      { name: 'search', input_schema: { type: 'object' } },
      { name: 'lookup', input_schema: { type: 'object' } },
    ])
  })
})
