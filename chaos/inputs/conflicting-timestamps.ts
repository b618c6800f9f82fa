// conflicting-timestamps: the same event recorded twice by two systems, at different instants and
// often in different time zones, so "when did it happen?" has two answers in one document.
import type { Random } from '../../core/random.js'
import { finishMutation, resolveMessages, updateLastUser } from './messages.js'
import { EVENTS, EVENT_SOURCES, randomDate } from './records.js'
import { appendBlock, pickDistinct, shuffle } from './text.js'
import type { InputMutator } from './types.js'

/** UTC offsets in minutes that enterprise systems commonly stamp. */
const OFFSETS_MINUTES = [0, 60, 120, -300, -240, -480, 330, 540, 600] as const

const pad2 = (value: number): string => String(value).padStart(2, '0')

/** ISO 8601 with an explicit offset (`Z` for UTC), at the wall-clock time of that offset. */
export function formatWithOffset(instantMs: number, offsetMinutes: number): string {
  const local = new Date(instantMs + offsetMinutes * 60_000).toISOString().slice(0, 19)
  if (offsetMinutes === 0) return `${local}Z`
  const sign = offsetMinutes > 0 ? '+' : '-'
  const absolute = Math.abs(offsetMinutes)
  return `${local}${sign}${pad2(Math.floor(absolute / 60))}:${pad2(absolute % 60)}`
}

interface EventRecord {
  eventId: string
  what: string
  source: string
  recorded: string
}

function conflictingPair(random: Random): EventRecord[] {
  const eventId = `EV-${String(10000 + random.int(90000))}`
  const what = random.pick(EVENTS)
  const [firstSource, secondSource] = pickDistinct(EVENT_SOURCES, 2, random) as [string, string]
  const instantMs = randomDate(random).getTime() + random.int(24 * 60) * 60_000
  // 5 minutes to 6 hours apart, either way: never the same instant.
  const gapMinutes = (5 + random.int(356)) * (random.chance(0.5) ? 1 : -1)
  const firstOffset = random.pick(OFFSETS_MINUTES)
  const secondOffset = random.chance(0.75) ? random.pick(OFFSETS_MINUTES) : firstOffset
  return [
    { eventId, what, source: firstSource, recorded: formatWithOffset(instantMs, firstOffset) },
    { eventId, what, source: secondSource, recorded: formatWithOffset(instantMs + gapMinutes * 60_000, secondOffset) },
  ]
}

export function createConflictingTimestampsMutator(): InputMutator {
  return {
    kind: 'conflicting-timestamps',
    description: 'two records of one event with different times and time zones',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      const pairs = 1 + random.int(3)
      const records: EventRecord[] = []
      for (let i = 0; i < pairs; i++) records.push(...conflictingPair(random))
      const lines = shuffle(records, random).map(
        (record) => `event=${record.eventId} | what=${record.what} | recorded=${record.recorded} | source=${record.source}`,
      )
      updateLastUser(messages, (content) => appendBlock(content, `Event log (merged from two systems):\n${lines.join('\n')}`))
      return finishMutation(request, 'conflicting-timestamps', messages, context)
    },
  }
}
