// typos: the misspellings of a tired clerk, in every user message: swapped, dropped and doubled
// letters, a neighbouring key hit instead, and the classic misspellings of common words.
import type { Random } from '../../core/random.js'
import { finishMutation, resolveMessages, updateUsers } from './messages.js'
import type { InputMutator } from './types.js'

/** Common English misspellings (right → wrong), as people type them. */
export const COMMON_MISSPELLINGS: Readonly<Record<string, string>> = {
  receive: 'recieve',
  received: 'recieved',
  separate: 'seperate',
  definitely: 'definately',
  occurred: 'occured',
  occurrence: 'occurence',
  accommodate: 'accomodate',
  address: 'adress',
  business: 'buisness',
  calendar: 'calender',
  committee: 'commitee',
  environment: 'enviroment',
  government: 'goverment',
  immediately: 'immediatly',
  necessary: 'neccessary',
  until: 'untill',
  which: 'wich',
  their: 'thier',
  believe: 'beleive',
  beginning: 'begining',
  different: 'diffrent',
  february: 'febuary',
  existence: 'existance',
  independent: 'independant',
  maintenance: 'maintainance',
  management: 'managment',
  payment: 'payement',
  report: 'reprot',
  schedule: 'schedual',
  tomorrow: 'tommorow',
  truly: 'truely',
  weird: 'wierd',
  quarterly: 'quaterly',
  invoice: 'invioce',
  customer: 'custmer',
  please: 'pls',
  attached: 'attatched',
  summary: 'summery',
  responsible: 'responsable',
  equipment: 'equiptment',
}

/** Letters next to each letter on a QWERTY keyboard. */
const QWERTY_NEIGHBOURS: Readonly<Record<string, string>> = {
  q: 'wa', w: 'qeas', e: 'wrsd', r: 'etdf', t: 'ryfg', y: 'tugh', u: 'yihj', i: 'uojk', o: 'ipkl', p: 'ol',
  a: 'qwsz', s: 'awedxz', d: 'serfcx', f: 'drtgvc', g: 'ftyhbv', h: 'gyujnb', j: 'huikmn', k: 'jiolm', l: 'kop',
  z: 'asx', x: 'zsdc', c: 'xdfv', v: 'cfgb', b: 'vghn', n: 'bhjm', m: 'njk',
}

type TypoOperation = 'swap' | 'drop' | 'double' | 'neighbour'

const OPERATIONS: readonly TypoOperation[] = ['swap', 'drop', 'double', 'neighbour']

const CLERK_NOTE = 'Please see the attached report and confirm the payment schedule before Friday.'

function matchCase(original: string, replacement: string): string {
  if (original === original.toUpperCase() && original !== original.toLowerCase()) return replacement.toUpperCase()
  const first = original[0] ?? ''
  if (first !== first.toLowerCase()) return replacement.charAt(0).toUpperCase() + replacement.slice(1)
  return replacement
}

function applyOperation(letters: string[], operation: TypoOperation, random: Random): string[] | undefined {
  const out = [...letters]
  // Keep the first letter: clerks rarely miss it, and the word stays recognisable.
  const position = 1 + random.int(letters.length - 1)
  switch (operation) {
    case 'swap': {
      const candidates: number[] = []
      for (let i = 1; i < letters.length - 1; i++) if (letters[i] !== letters[i + 1]) candidates.push(i)
      if (candidates.length === 0) return undefined
      const i = random.pick(candidates)
      out[i] = letters[i + 1] as string
      out[i + 1] = letters[i] as string
      return out
    }
    case 'drop':
      out.splice(position, 1)
      return out
    case 'double':
      out.splice(position, 0, letters[position] as string)
      return out
    case 'neighbour': {
      const candidates: number[] = []
      for (let i = 1; i < letters.length; i++) if (QWERTY_NEIGHBOURS[(letters[i] as string).toLowerCase()] !== undefined) candidates.push(i)
      if (candidates.length === 0) return undefined
      const i = random.pick(candidates)
      const letter = letters[i] as string
      const neighbours = QWERTY_NEIGHBOURS[letter.toLowerCase()] as string
      const hit = neighbours[random.int(neighbours.length)] as string
      out[i] = letter === letter.toLowerCase() ? hit : hit.toUpperCase()
      return out
    }
  }
}

/** One misspelling of `word` (at least three letters); always differs from it. */
export function misspell(word: string, random: Random): string {
  const known = COMMON_MISSPELLINGS[word.toLowerCase()]
  if (known !== undefined && random.chance(0.7)) return matchCase(word, known)
  const letters = [...word]
  for (const operation of [random.pick(OPERATIONS), 'double' as const]) {
    const result = applyOperation(letters, operation, random)
    if (result !== undefined && result.join('') !== word) return result.join('')
  }
  // Unreachable for words of three or more letters: doubling always changes them.
  return `${word}${letters[letters.length - 1] ?? ''}`
}

const WORD = /\p{L}{3,}/gu

/** Misspells about `share` of the words of three or more letters in `text` (at least one). */
export function addTypos(text: string, share: number, random: Random): string {
  const matches = [...text.matchAll(WORD)]
  if (matches.length === 0) return text
  const hits = new Set<number>()
  matches.forEach((_, index) => {
    if (random.chance(share)) hits.add(index)
  })
  if (hits.size === 0) hits.add(random.int(matches.length))
  let out = ''
  let last = 0
  matches.forEach((match, index) => {
    const start = match.index
    out += text.slice(last, start)
    out += hits.has(index) ? misspell(match[0], random) : match[0]
    last = start + match[0].length
  })
  return out + text.slice(last)
}

export function createTyposMutator(options: { typoWordShare?: number } = {}): InputMutator {
  const share = options.typoWordShare ?? 0.1
  return {
    kind: 'typos',
    description: 'misspellings in user messages: swapped, dropped, doubled letters, neighbouring keys, common misspellings',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      let typed = false
      updateUsers(messages, (content) => {
        const out = addTypos(content, share, random)
        if (out !== content) typed = true
        return out
      })
      // A prompt without a single word still gets the clerk's note, typos included.
      if (!typed) {
        const index = messages.findLastIndex((message) => message.role === 'user')
        const message = messages[index]
        if (message !== undefined) {
          const note = addTypos(CLERK_NOTE, share, random)
          messages[index] = { ...message, content: message.content.length === 0 ? note : `${message.content}\n${note}` }
        }
      }
      return finishMutation(request, 'typos', messages, context)
    },
  }
}
