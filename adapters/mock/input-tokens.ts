// Input token counting for the mock: tiktoken per text part, cached by content, guarded against
// the quadratic cost of tiktoken's BPE on very long single-class runs (e.g. 50k × "a" takes ~3 s).
import { createHash } from 'node:crypto'
import { countTokens, type EncodingName } from '../../core/tokens.js'

/**
 * A run of more than this many characters of one class (letters, digits, whitespace, other) is
 * counted in slices of this size. Real text never has such runs; oversize junk does, and tiktoken
 * costs O(n²) on it. Only then can the count differ (by about one token per slice) from tiktoken's.
 */
export const MAX_RUN_CHARS = 256

const CACHE_MAX_ENTRIES = 20_000
/** Short texts are their own cache key; longer ones are keyed by a digest. */
const INLINE_KEY_CHARS = 128

const cache = new Map<string, number>()

/** Σ over the text parts of `countTextTokens(part)`: no per-message or per-role overhead. */
export function countInputTokens(texts: readonly string[], encoding: EncodingName): number {
  let total = 0
  for (const text of texts) total += countTextTokens(text, encoding)
  return total
}

/** Tokens of one text part, cached (LRU) by content: replayed prompts are counted once. */
export function countTextTokens(text: string, encoding: EncodingName): number {
  if (text.length === 0) return 0
  const key =
    text.length <= INLINE_KEY_CHARS
      ? `${encoding}:${text}`
      : `${encoding}#${createHash('sha1').update(text).digest('base64')}`
  const cached = cache.get(key)
  if (cached !== undefined) {
    // Refresh recency: Map iteration order is insertion order, so the oldest key is evicted first.
    cache.delete(key)
    cache.set(key, cached)
    return cached
  }
  const count = countGuarded(text, encoding)
  cache.set(key, count)
  if (cache.size > CACHE_MAX_ENTRIES) {
    const oldest = cache.keys().next().value
    if (oldest !== undefined) cache.delete(oldest)
  }
  return count
}

type CharClass = 0 | 1 | 2 | 3

const LETTER = /[\p{L}\p{M}]/u
const NUMBER = /\p{N}/u
const SPACE = /\s/u

// The classes mirror how tiktoken's pre-tokenizer splits text: a run within one class may be one
// BPE piece; a change of class always ends a piece.
function classOf(text: string, index: number, code: number): CharClass {
  if (code < 128) {
    if (code === 32 || (code >= 9 && code <= 13)) return 0
    if (code >= 48 && code <= 57) return 1
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return 2
    return 3
  }
  const char = String.fromCodePoint(text.codePointAt(index) ?? code)
  if (LETTER.test(char)) return 2
  if (NUMBER.test(char)) return 1
  if (SPACE.test(char)) return 0
  return 3
}

/** Cut points so that no single-class run exceeds MAX_RUN_CHARS; empty for ordinary text. */
function cutPoints(text: string): number[] {
  const cuts: number[] = []
  let runClass = -1
  let runLength = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    // A low surrogate continues its high half's run whatever that was.
    const charClass = code >= 0xdc00 && code <= 0xdfff && runClass >= 0 ? runClass : classOf(text, i, code)
    if (charClass === runClass) {
      runLength++
      if (runLength > MAX_RUN_CHARS) {
        // Never cut between the halves of a surrogate pair.
        if (code >= 0xdc00 && code <= 0xdfff) continue
        cuts.push(i)
        runLength = 1
      }
    } else {
      runClass = charClass
      runLength = 1
    }
  }
  return cuts
}

function countGuarded(text: string, encoding: EncodingName): number {
  const cuts = cutPoints(text)
  if (cuts.length === 0) return countTokens(text, encoding)
  let total = 0
  let start = 0
  for (const cut of cuts) {
    total += countTokens(text.slice(start, cut), encoding)
    start = cut
  }
  return total + countTokens(text.slice(start), encoding)
}
