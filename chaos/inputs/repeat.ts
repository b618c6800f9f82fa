// Builds `head + unit × times + tail` and its exact token count without tokenising megabytes.
//
// tiktoken splits text into pre-tokens with a regex, then runs BPE inside each pre-token, so
// the count is additive wherever a pre-token boundary falls. We check that at each kind of
// join (head|unit, unit|unit, unit|tail) by comparing token arrays on short samples; when a
// join is not clean we count the whole text instead (slow but still exact).
import { countTokens, getEncoder, type EncodingName } from '../../core/tokens.js'

export interface RepeatedText {
  text: string
  tokens: number
  /** How `tokens` was obtained: by arithmetic over clean joins, or by counting the whole text. */
  method: 'arithmetic' | 'counted'
}

function encode(text: string, encoding: EncodingName): Uint32Array {
  return getEncoder(encoding).encode_ordinary(text)
}

function concatEquals(whole: Uint32Array, left: Uint32Array, right: Uint32Array): boolean {
  if (whole.length !== left.length + right.length) return false
  for (let i = 0; i < left.length; i++) if (whole[i] !== left[i]) return false
  for (let i = 0; i < right.length; i++) if (whole[left.length + i] !== right[i]) return false
  return true
}

/** True when tokens(a + b) is tokens(a) followed by tokens(b). */
export function joinsCleanly(a: string, b: string, encoding: EncodingName): boolean {
  return concatEquals(encode(a + b, encoding), encode(a, encoding), encode(b, encoding))
}

export function repeatText(head: string, unit: string, times: number, tail: string, encoding: EncodingName): RepeatedText {
  const text = head + unit.repeat(times) + tail
  if (times < 3) return { text, tokens: countTokens(text, encoding), method: 'counted' }
  // A pre-token can look one character past its end (`\s+(?!\S)`), so each join is checked
  // with a whole unit on both sides.
  const clean =
    joinsCleanly(head + unit, unit, encoding) &&
    joinsCleanly(unit, unit + unit, encoding) &&
    joinsCleanly(unit, unit + tail, encoding)
  if (!clean) return { text, tokens: countTokens(text, encoding), method: 'counted' }
  const tokens = countTokens(head + unit, encoding) + (times - 2) * countTokens(unit, encoding) + countTokens(unit + tail, encoding)
  return { text, tokens, method: 'arithmetic' }
}
