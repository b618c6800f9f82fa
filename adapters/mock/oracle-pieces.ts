// An oracle answer -> one stream piece per token, so the usage the mock reports (one output token
// per piece) is the answer's exact token count. A token that ends inside a multi-byte character
// gives an empty piece; its bytes go out with the next piece.
import { getEncoder, type EncodingName } from '../../core/tokens.js'

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

export function answerPieces(answer: string, encoding: EncodingName): string[] {
  if (answer === '') return []
  const encoder = getEncoder(encoding)
  const pieces: string[] = []
  let pending: number[] = []
  for (const token of encoder.encode_ordinary(answer)) {
    pending.push(...encoder.decode(new Uint32Array([token])))
    try {
      pieces.push(strictUtf8.decode(new Uint8Array(pending)))
      pending = []
    } catch {
      pieces.push('')
    }
  }
  return pieces
}
