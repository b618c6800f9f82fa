// The traffic file's types: the unit of fairness, the same lines replayed against any endpoint.
// A traffic file never holds an endpoint, a model name or a secret. In core/ (pure types and the
// schema version, no imports outside core/) because load/, chaos/inputs/ and bin/ all read it.
import type { ChatMessage } from './messages.js'
import type { EncodingName } from './tokens.js'

export const TRAFFIC_SCHEMA_VERSION = 1

/** First line of every traffic file. */
export interface TrafficHeader {
  type: 'header'
  schemaVersion: number
  generator: string
  generatorVersion: string
  seed: number | null
  /** e.g. `preset:peak-hour`, `azure:AzureLLMInferenceTrace_conv.csv`, `mutate:<source>`. */
  source: string
  createdAt: string
  requestCount: number
  /** Offset of the last request, ms. */
  spanMs: number
  /** tiktoken encoding used to count `inputTokens` (e.g. `o200k_base`). */
  encoding: string
  /** Free-form generation parameters (preset, employees, ...), for the report. */
  parameters?: Record<string, unknown>
}

/**
 * A compact prompt that expands deterministically to exactly `tokens` tokens of task-like text
 * (see load/workload/prompts.ts). Keeps million-request files small.
 */
export interface PromptSpec {
  task: string
  tokens: number
  seed: number
  /** Encoding the text is built to (default o200k_base); written only when it differs. */
  encoding?: EncodingName
}

export interface TrafficRequest {
  id: string
  /** Send time from the start of the traffic, ms. */
  offsetMs: number
  userId: string
  task: string
  /** Literal messages; when absent, `prompt` is expanded. */
  messages?: ChatMessage[]
  prompt?: PromptSpec
  /** Input tokens, counted once at generation with the header's encoding. */
  inputTokens: number
  maxOutputTokens: number
  targetOutputTokens?: number
  /** e.g. malformed-input kinds applied: `malformed:typos`. */
  tags?: string[]
  /** Extraction tasks: the answer must be JSON matching this (JSON Schema subset). */
  responseSchema?: Record<string, unknown>
  /** Questions over the user's own files: the ground truth and how to score it (results/accuracy/). */
  expected?: ExpectedAnswer
  /** Questions over the user's own files: which version of the table the prompt embeds. */
  variant?: 'clean' | 'dirty'
  /** Questions over the user's own files: the file the embedded table came from. */
  source?: string
  /** Blocks shared with other requests, sent before the messages (what a prompt cache reuses). */
  prefix?: PrefixSpec
  /**
   * The turns after the first: this line is a conversation (or, with `agent`, one agent task of
   * several model calls). The line's own fields are turn 1; each later turn re-sends the whole
   * history. See load/chain/README.md.
   */
  turns?: TurnSpec[]
  /** The chain is one agent task: the user's patience covers all its calls, from the first send. */
  agent?: boolean
}

/** A shared text block: expands deterministically from its id to exactly `tokens` tokens. */
export interface SharedBlock {
  /** Same id, same text: e.g. `sys:rag-answer:2`, `doc:rag-answer:17`. */
  id: string
  tokens: number
}

/** What precedes a request's own messages: a system prompt and retrieved documents. */
export interface PrefixSpec {
  system?: SharedBlock
  documents?: SharedBlock[]
}

/** One later turn of a conversation or step of an agent task. */
export interface TurnSpec {
  /** After the previous answer, before this send, ms: the user reading and typing, or the tool running. */
  thinkMs: number
  /** `user`: a follow-up question (default); `tool`: the previous answer was a tool call, this returns its result. */
  kind?: 'user' | 'tool'
  /** This turn's own new text (the history before it is built at run time). */
  prompt?: PromptSpec
  /** Literal text of this turn's new message, instead of `prompt`. */
  text?: string
  /** Input tokens of this turn's whole request, history included (answers as their stand-ins). */
  inputTokens: number
  maxOutputTokens: number
  targetOutputTokens?: number
}

/** The ground-truth answer of a question over a table, always taken from the clean table. */
export interface ExpectedAnswer {
  answer: string
  /** How the answer compares after normalisation: as text, a number or a date. */
  match: 'text' | 'number' | 'date'
  /** Shared by the clean and dirty versions of one question, so accuracy can be paired. */
  questionId: string
}
