// bom: byte-order marks where they do not belong: a UTF-8 BOM kept as U+FEFF or misread as "ï»¿",
// and a UTF-16 file (BOM "ÿþ"/"þÿ", a NUL beside every ASCII letter) read as 8-bit text.
import { finishMutation, resolveMessages, updateLastUser } from './messages.js'
import { decodeSingleByte, utf16Bytes, utf8AsSingleByte } from './text.js'
import type { InputMutator } from './types.js'

export type BomVariant = 'utf8-bom' | 'utf8-bom-as-cp1252' | 'utf16le-as-cp1252' | 'utf16be-as-cp1252'

export const BOM_VARIANTS: readonly BomVariant[] = ['utf8-bom', 'utf8-bom-as-cp1252', 'utf16le-as-cp1252', 'utf16be-as-cp1252']

/** `text` as a file with a BOM would arrive through the given misreading. */
export function withBom(text: string, variant: BomVariant): string {
  switch (variant) {
    case 'utf8-bom':
      return `\ufeff${text}`
    case 'utf8-bom-as-cp1252':
      return `${utf8AsSingleByte('\ufeff', 'cp1252')}${text}`
    case 'utf16le-as-cp1252':
      return decodeSingleByte(utf16Bytes(`\ufeff${text}`, 'le'), 'cp1252')
    case 'utf16be-as-cp1252':
      return decodeSingleByte(utf16Bytes(`\ufeff${text}`, 'be'), 'cp1252')
  }
}

export function createBomMutator(): InputMutator {
  return {
    kind: 'bom',
    description: 'a UTF-8 BOM (kept as U+FEFF or misread as "ï»¿"), or UTF-16 text with its BOM read as 8-bit',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      const variant = random.pick(BOM_VARIANTS)
      updateLastUser(messages, (content) => withBom(content, variant))
      return finishMutation(request, 'bom', messages, context)
    },
  }
}
