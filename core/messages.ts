// Chat messages: the one shape traffic files, input mutators and adapters share. Pure types.
//
// Agent steps add two shapes (rendered by each vendor's request builder):
//   assistant with `toolCall`  — the model's previous answer was a tool call (OpenAI `tool_calls`,
//                                Anthropic `tool_use`); `content` is its JSON arguments
//   tool with `toolCallId`     — the tool's result sent back (OpenAI role `tool`, Anthropic
//                                `tool_result` in a user turn)

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool'

export interface ToolCall {
  id: string
  name: string
}

export interface ChatMessage {
  role: ChatRole
  /** The text (for a tool call: its JSON arguments; for a tool result: the result). */
  content: string
  /**
   * A prompt-cache breakpoint after this message: the prefix up to here is meant to be reused.
   * Anthropic adapters send `cache_control: {type: 'ephemeral'}` on it; OpenAI-style caching is
   * automatic and ignores it.
   */
  cache?: boolean
  /** Assistant messages only: this answer was a call of this tool. */
  toolCall?: ToolCall
  /** Tool messages only: the id of the call this is the result of. */
  toolCallId?: string
}
