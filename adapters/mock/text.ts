// Deterministic output text built from pieces that are each exactly one token, so a stream of N
// chunks is N tokens and the joined text re-counts to N (o200k_base and cl100k_base alike).
import { createHash } from 'node:crypto'
import { createRandom } from '../../core/random.js'

// Every entry (with its leading space) was checked to be a single token in o200k_base and
// cl100k_base; test/unit/mock/text.test.ts re-checks them and the joined text.
const WORDS = (
  'the of and to in is that for it as with was on be by at this are from or have an they which one you had ' +
  'not but what all were when we there can your their said each she do how if will up other about out many ' +
  'then them these so some her would make like him into time has look two more write go see number no way ' +
  'could people my than first water been call who oil its now find long down day did get come made may part ' +
  'over new sound take only little work know place year live me back give most very after thing our just name ' +
  'good sentence man think say great where help through much before line right too mean old any same tell boy ' +
  'follow came want show also around form three small set put end does another well large must big even such ' +
  'because turn here why ask went men read need land different home us move try kind hand picture again change ' +
  'off play spell air away animal house point page letter mother answer found study still learn should world ' +
  'high every near add food between own below country plant last school father keep tree never start city earth ' +
  'eye light thought head under story saw left few while along might close something seem next hard open example ' +
  'begin life always those both paper together got group often run important until children side feet car mile ' +
  'night walk white sea began grow took river four carry state once book hear stop without second later miss idea ' +
  'enough eat face watch far really almost let above girl sometimes mountain cut young talk soon list song being ' +
  'leave family data report system model service request response latency token user market customer revenue ' +
  'quarter team project plan budget review policy process value result analysis growth risk cost price support ' +
  'quality product design update issue release network server client cloud storage memory record table query ' +
  'schedule meeting office manager employee contract invoice payment account balance total summary forecast ' +
  'region sales target metric signal error status level rate range detail section figure chart source'
).split(' ')

const STARTERS = ['The', 'This', 'We', 'It', 'In', 'Our', 'They', 'For', 'Each', 'Most', 'Some', 'When', 'After', 'That', 'These', 'Then', 'Also', 'However']

/** Every piece the generator can emit; index order is stable (texts depend on it). */
export const MOCK_PIECES: readonly string[] = [
  '.',
  ',',
  ...STARTERS,
  ...STARTERS.map((word) => ` ${word}`),
  ...WORDS.map((word) => ` ${word}`),
]

/** `JSON.stringify` of each piece, precomputed: the stream hot path only concatenates. */
export const MOCK_PIECES_JSON: readonly string[] = MOCK_PIECES.map((piece) => JSON.stringify(piece))

const PERIOD = 0
const COMMA = 1
const STARTER_BARE = 2
const STARTER_SPACED = STARTER_BARE + STARTERS.length
const WORD_FIRST = STARTER_SPACED + STARTERS.length

/**
 * The request key that seeds the text: a digest of the model and every counted text part, so the
 * same request gets the same text (streaming or not, whatever its max_tokens).
 */
export function mockTextKey(model: string, texts: readonly string[]): string {
  const hash = createHash('sha1')
  hash.update(model)
  for (const text of texts) {
    hash.update('\u0000')
    hash.update(text)
  }
  return hash.digest('base64')
}

/**
 * `count` piece indices into MOCK_PIECES: sentences of 6–16 words with the odd comma. When
 * `endsNaturally`, the last piece is a full stop (a `stop` finish); a cut answer (`length`) just ends.
 */
export function generateMockPieces(seed: number, key: string, count: number, endsNaturally: boolean): Uint16Array {
  const pieces = new Uint16Array(count)
  const random = createRandom(seed).fork(key)
  let sentenceLeft = 0
  for (let i = 0; i < count; i++) {
    if (endsNaturally && i === count - 1 && i > 0) {
      pieces[i] = PERIOD
      break
    }
    if (sentenceLeft === 0) {
      // A new sentence: a capitalised starter (no leading space at the very start).
      pieces[i] = (i === 0 ? STARTER_BARE : STARTER_SPACED) + random.int(STARTERS.length)
      sentenceLeft = 6 + random.int(11)
      continue
    }
    sentenceLeft--
    // Two punctuation pieces in a row could merge into one token (".." or ",."), so the piece
    // before a natural final full stop is always a word.
    const beforeFinal = endsNaturally && i === count - 2
    if (sentenceLeft === 0 && !beforeFinal) {
      pieces[i] = PERIOD
    } else if (sentenceLeft > 2 && !beforeFinal && random.chance(0.06) && pieces[i - 1] !== COMMA) {
      pieces[i] = COMMA
    } else {
      pieces[i] = WORD_FIRST + random.int(WORDS.length)
    }
  }
  return pieces
}

/** The text a request gets: the joined pieces. */
export function mockText(seed: number, key: string, count: number, endsNaturally: boolean): string {
  let text = ''
  for (const index of generateMockPieces(seed, key, count, endsNaturally)) text += MOCK_PIECES[index]
  return text
}
