// Token counting with tiktoken (WASM, encodings ship inside the package): one cached encoder
// per encoding, loaded on first use (the package and one encoding cost ~70 MB and up to a
// second or two of CPU), so a run whose answers all report usage never loads it. Used at
// generation time and for estimates — never on the request send path.
import { createRequire } from 'node:module'
import type { Tiktoken, TiktokenEncoding } from 'tiktoken'

export type EncodingName = 'o200k_base' | 'cl100k_base'

export const DEFAULT_ENCODING: EncodingName = 'o200k_base'

const encoders = new Map<EncodingName, Tiktoken>()

export interface TokenizerLoad {
  encoding: EncodingName
  /** performance.now() when the load began, and how long it held the thread. */
  atMs: number
  durationMs: number
}

const loads: TokenizerLoad[] = []

/** Every encoder load of this thread so far (a run reports the ones that fell inside it). */
export function tokenizerLoads(): readonly TokenizerLoad[] {
  return loads
}

export function isEncoderLoaded(encoding: EncodingName = DEFAULT_ENCODING): boolean {
  return encoders.has(encoding)
}

export function getEncoder(encoding: EncodingName = DEFAULT_ENCODING): Tiktoken {
  let encoder = encoders.get(encoding)
  if (encoder === undefined) {
    const atMs = performance.now()
    const tiktoken = createRequire(import.meta.url)('tiktoken') as typeof import('tiktoken')
    encoder = tiktoken.get_encoding(encoding as TiktokenEncoding)
    encoders.set(encoding, encoder)
    loads.push({ encoding, atMs, durationMs: performance.now() - atMs })
  }
  return encoder
}

/** Exact token count of `text` in `encoding`. */
export function countTokens(text: string, encoding: EncodingName = DEFAULT_ENCODING): number {
  if (text.length === 0) return 0
  return getEncoder(encoding).encode_ordinary(text).length
}

/**
 * The encoding used to count (or estimate) tokens for a model. OpenAI's GPT-4o generation and
 * later use o200k_base; GPT-4 / GPT-3.5 use cl100k_base. Other vendors' tokenizers are not
 * public in tiktoken form: their counts are estimates (o200k_base) and are marked so.
 */
export function encodingForModel(model: string): EncodingName {
  const name = model.toLowerCase()
  if (/^(gpt-3\.5|gpt-4(?!o|\.1|\.5)|text-embedding-3|text-embedding-ada)/.test(name)) return 'cl100k_base'
  return 'o200k_base'
}

/** True when `encodingForModel` is the model's real tokenizer (not an approximation). */
export function isExactEncoding(model: string): boolean {
  return /^(gpt-|o[1-9]|chatgpt-|text-embedding)/.test(model.toLowerCase())
}
