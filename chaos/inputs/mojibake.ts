// mojibake: UTF-8 text read back as Latin-1 or Windows-1252 ("é" → "Ã©"), sometimes twice
// ("é" → "ÃƒÂ©"), as after an export/import round trip through a legacy tool.
import { finishMutation, resolveMessages, updateLastUser } from './messages.js'
import { utf8AsSingleByte, type SingleByteCharset } from './text.js'
import type { InputMutator } from './types.js'

/**
 * Lines with the accents, symbols and typographic quotes that real records carry, so ASCII-only
 * prompts get garbled too (pure ASCII survives a misread unchanged).
 */
const ACCENTED_LINES = [
  'Supplier: Müller & Söhne GmbH, Königstraße 12, 70173 Stuttgart — balance € 1.250,00',
  'Client: Société Générale de Négoce, 14 rue de l’Hôpital, Besançon – “urgent”',
  'Contact: José Núñez (Logística), Calle Añil 3, Málaga · tel. +34 952 000 000',
  'Vendor: Ørsted Façades ApS, Århus; invoice № 2024‑118, total 3 400 kr',
  'Note from Zoë Brontë: café order for 12 people, ½ vegetarian, budget £180 ±10 %',
  'Site: Łódź warehouse, kierownik Paweł Wiśniewski, stan: “zgodny”',
] as const

export function createMojibakeMutator(): InputMutator {
  return {
    kind: 'mojibake',
    description: 'UTF-8 read as Latin-1 or Windows-1252 ("é" becomes "Ã©"), sometimes twice',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      const charset: SingleByteCharset = random.chance(0.5) ? 'cp1252' : 'latin1'
      const passes = random.chance(0.25) ? 2 : 1
      const line = random.pick(ACCENTED_LINES)
      updateLastUser(messages, (content) => {
        let text = content.length === 0 ? line : `${content}\n${line}`
        for (let i = 0; i < passes; i++) text = utf8AsSingleByte(text, charset)
        return text
      })
      return finishMutation(request, 'mojibake', messages, context)
    },
  }
}
