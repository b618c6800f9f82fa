// Chat messages: the one shape traffic files, input mutators and adapters share. Pure types.

export type ChatRole = 'system' | 'user' | 'assistant'

export interface ChatMessage {
  role: ChatRole
  content: string
}
