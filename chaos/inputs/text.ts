// Text helpers for the mutators: code-point-safe insertion and the byte-level misreadings
// (UTF-8 or UTF-16 bytes decoded as Latin-1 or Windows-1252) behind mojibake and BOM garbage.
import type { Random } from '../../core/random.js'

/**
 * Windows-1252 bytes 0x80–0x9F. The five bytes CP1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90,
 * 0x9D) map to the C1 control of the same value, as the WHATWG Encoding Standard decodes them.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178'

export type SingleByteCharset = 'latin1' | 'cp1252'

/** Decodes bytes one per character, as a tool that assumes a single-byte charset would. */
export function decodeSingleByte(bytes: Uint8Array, charset: SingleByteCharset): string {
  let out = ''
  for (const byte of bytes) {
    out += charset === 'cp1252' && byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80] : String.fromCharCode(byte)
  }
  return out
}

/** UTF-8 text misread as a single-byte charset: "é" becomes "Ã©". */
export function utf8AsSingleByte(text: string, charset: SingleByteCharset): string {
  return decodeSingleByte(new TextEncoder().encode(text), charset)
}

/** UTF-16 bytes (little or big endian) of `text`, without a BOM. */
export function utf16Bytes(text: string, endian: 'le' | 'be'): Uint8Array {
  const bytes = new Uint8Array(text.length * 2)
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    const high = unit >>> 8
    const low = unit & 0xff
    bytes[2 * i] = endian === 'le' ? low : high
    bytes[2 * i + 1] = endian === 'le' ? high : low
  }
  return bytes
}

/** Offsets (UTF-16 indices) between code points, so an insertion never splits a surrogate pair. */
export function codePointOffsets(text: string): number[] {
  const offsets = [0]
  let offset = 0
  for (const char of text) {
    offset += char.length
    offsets.push(offset)
  }
  return offsets
}

/** Offsets where a word starts or the text ends: after whitespace, at 0, at the end. */
export function wordOffsets(text: string): number[] {
  const offsets = [0]
  for (let i = 1; i < text.length; i++) if (/\s/u.test(text[i - 1] as string) && !/\s/u.test(text[i] as string)) offsets.push(i)
  if (text.length > 0) offsets.push(text.length)
  return offsets
}

/** Inserts each piece at a random code-point (or, with `at: 'word'`, word) boundary of `text`. */
export function insertAtRandom(text: string, pieces: readonly string[], random: Random, at: 'code-point' | 'word' = 'code-point'): string {
  const offsets = at === 'word' ? wordOffsets(text) : codePointOffsets(text)
  const placed = pieces.map((piece) => ({ piece, at: offsets[random.int(offsets.length)] as number }))
  // Insert from the end so earlier offsets stay valid; ties keep draw order.
  placed.sort((a, b) => b.at - a.at)
  let out = text
  for (const { piece, at } of placed) out = out.slice(0, at) + piece + out.slice(at)
  return out
}

/** Random k distinct items of `items` (k capped by the list), in the list's order. */
export function pickDistinct<T>(items: readonly T[], count: number, random: Random): T[] {
  const indices = items.map((_, index) => index)
  const chosen: number[] = []
  for (let i = 0; i < Math.min(count, items.length); i++) {
    const j = i + random.int(indices.length - i)
    const swap = indices[i] as number
    indices[i] = indices[j] as number
    indices[j] = swap
    chosen.push(indices[i] as number)
  }
  return chosen.sort((a, b) => a - b).map((index) => items[index] as T)
}

/** Shuffled copy (Fisher–Yates). */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1)
    const swap = out[i] as T
    out[i] = out[j] as T
    out[j] = swap
  }
  return out
}

/** Appends a block to a message with a blank line between, or sets it when the message is empty. */
export function appendBlock(content: string, block: string): string {
  return content.trim().length === 0 ? block : `${content.replace(/\s+$/u, '')}\n\n${block}`
}
