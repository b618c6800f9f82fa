// Bytes of a text file -> a string: a BOM decides (UTF-8, UTF-16 LE/BE), else strict UTF-8,
// else Latin-1 (Windows-1252, as spreadsheets exported on Windows are).

export interface DecodedText {
  text: string
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'latin-1'
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: strictUtf8.decode(bytes.subarray(3)), encoding: 'utf-8-bom' }
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' }
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8' }
  } catch {
    // Not UTF-8: the other encoding office files commonly come in. Every byte sequence is valid
    // Windows-1252, so this cannot fail (it can only guess wrong for other code pages).
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'latin-1' }
  }
}

/** True when the bytes look binary (NUL bytes outside UTF-16), so no text reader should try them. */
export function looksBinary(bytes: Uint8Array): boolean {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return false
  const length = Math.min(bytes.length, 8192)
  for (let i = 0; i < length; i++) if (bytes[i] === 0) return true
  return false
}
