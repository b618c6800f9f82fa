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
}

/** The ground-truth answer of a question over a table, always taken from the clean table. */
export interface ExpectedAnswer {
  answer: string
  /** How the answer compares after normalisation: as text, a number or a date. */
  match: 'text' | 'number' | 'date'
  /** Shared by the clean and dirty versions of one question, so accuracy can be paired. */
  questionId: string
}
