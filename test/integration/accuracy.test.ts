// Answer accuracy end to end: traffic built from a folder of messy files by the CLI, run against
// the mock's naive oracle through the CLI, and summary.json's accuracy checked against a hand
// computation from what we know the naive reader gets wrong in each fixture.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countMessageTokens } from '../../chaos/inputs/messages.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { readTraffic } from '../../load/traffic.js'
import { runCli } from '../helpers/cli.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/messy-files/', import.meta.url))

/**
 * What the naive reader (split on '\n' and ',') gets wrong, by hand from the fixtures:
 * source -> key value asked about -> columns answered wrong ('*': every column, the key is not found).
 */
const WRONG: Record<string, Record<string, string[]>> = {
  // Row 1 and 4: a quoted comma in `city` shifts city, notes, joined. Row 2: the newline inside
  // `notes` cuts the row, so notes is '"two' and joined is missing. Row 5: the quotes of `"said ""hi"""` stay.
  'files/quoted-multiline.csv': { '1': ['city', 'notes', 'joined'], '2': ['notes', 'joined'], '4': ['city', 'notes', 'joined'], '5': ['notes'] },
  // Latin-1 was decoded by our reader: the oracle sees clean UTF-8 and is always right.
  'files/latin1.csv': {},
  'files/pair/clean.csv': {},
  // A1: "1,234.50" is quoted, so price and updated shift. A2: a typo. A3: mojibake (its
  // "31 December 2023" is rescued by date normalisation). A4 is "A-4" in the dirty file: not found.
  'files/pair/dirty.csv': { A1: ['price', 'updated'], A2: ['product'], A3: ['product'], A4: ['*'] },
}
/** Row counts the naive reader gets wrong: the embedded newline in quoted-multiline.csv adds a line. */
const COUNT_WRONG = new Set(['files/quoted-multiline.csv'])

interface HandScore {
  correct: boolean
  hedged: boolean
}

function handScore(request: TrafficRequest): HandScore {
  const source = request.source as string
  const content = request.messages?.[1]?.content ?? ''
  const lookup = /What is the "(.+?)" of the row whose "(.+?)" is "(.*?)"\?/u.exec(content)
  if (lookup === null) return { correct: !COUNT_WRONG.has(source), hedged: false }
  const wrong = WRONG[source]?.[lookup[3] as string] ?? []
  if (wrong.includes('*')) return { correct: false, hedged: true }
  return { correct: !wrong.includes(lookup[1] as string), hedged: false }
}

let folder: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gauntlet-accuracy-'))
  await cp(join(FIXTURES, 'quoted-multiline.csv'), join(folder, 'files', 'quoted-multiline.csv'))
  await cp(join(FIXTURES, 'latin1.csv'), join(folder, 'files', 'latin1.csv'))
  await cp(join(FIXTURES, 'pair'), join(folder, 'files', 'pair'), { recursive: true })
})

afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('accuracy against the oracle mock', () => {
  it('summary.json accuracy equals the hand computation', async () => {
    const traffic = join(folder, 'traffic.jsonl')
    const built = await runCli(['traffic', 'from-files', join(folder, 'files'), '--out', traffic, '--questions-per-file', '4', '--seed', '3'])
    expect(built.stderr).toBe('')
    expect(built.code).toBe(0)
    expect(built.stdout).toContain('16 requests (12 clean, 4 dirty) from 3 table(s)')

    const file = await readTraffic(traffic)
    const requests: TrafficRequest[] = []
    for await (const request of file.requests) requests.push(request)
    expect(requests).toHaveLength(16)
    for (const request of requests) {
      expect(request.inputTokens).toBe(countMessageTokens(request.messages ?? [], 'o200k_base'))
      expect(request.expected?.questionId).toBe(request.id.replace(/-(clean|dirty)$/u, ''))
    }

    const out = join(folder, 'run')
    const run = await runCli(['run', '--traffic', traffic, '--mock', 'oracle', '--out', out, '--seed', '1'])
    expect(run.code).toBe(0)
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'))
    const accuracy = summary.accuracy

    // The hand computation.
    const scores = new Map(requests.map((request) => [request.id, handScore(request)]))
    const tally = (filter: (request: TrafficRequest) => boolean) => {
      const chosen = requests.filter(filter)
      const correct = chosen.filter((request) => scores.get(request.id)?.correct).length
      const hedged = chosen.filter((request) => scores.get(request.id)?.hedged).length
      return { questions: chosen.length, answered: chosen.length, correct, hedged, accuracy: Math.round((correct / chosen.length) * 1e6) / 1e6 }
    }
    const clean = tally((request) => request.variant === 'clean')
    const overall = tally(() => true)
    expect(accuracy.overall).toEqual(overall)
    expect(accuracy.clean).toEqual(clean)
    expect(accuracy.dirty).toMatchObject(tally((request) => request.variant === 'dirty'))
    for (const source of Object.keys(WRONG)) {
      expect(accuracy.by_source[source]).toMatchObject(tally((request) => request.source === source))
    }
    // Every pair question is right on the clean file, so the paired drop is 1 − dirty accuracy.
    const dirty = tally((request) => request.variant === 'dirty')
    expect(accuracy.by_kind['dirty-table']).toMatchObject({ ...dirty, clean_accuracy: 1 })
    expect(accuracy.by_kind['dirty-table'].drop).toBeCloseTo(1 - dirty.accuracy, 6)
    const wrong = overall.answered - overall.correct
    const confident = wrong - overall.hedged
    expect(accuracy.confident_wrong).toBe(confident)
    expect(accuracy.confident_wrong_share).toBeCloseTo(confident / wrong, 6)
    expect(accuracy.spend_usd).toBeCloseTo(summary.spend.usd, 9)
    expect(accuracy.spend_per_correct_usd).toBeCloseTo(summary.spend.usd / overall.correct, 9)

    // The records say why, per answer.
    const records = (await readFile(join(out, 'records.jsonl'), 'utf8')).trim().split('\n').slice(1).map((line) => JSON.parse(line))
    for (const record of records) {
      const expected = scores.get(record.requestId) as HandScore
      expect({ id: record.requestId, correct: record.correct, hedged: record.hedged }).toEqual({ id: record.requestId, ...expected })
    }
    const notFound = records.find((record) => record.hedged === true)
    expect(notFound?.answerText).toBe('I cannot find that row in the table')
  }, 120_000)
})
