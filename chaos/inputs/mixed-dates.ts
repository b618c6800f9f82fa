// mixed-dates: one document writes its dates five ways (2024-03-05, 05/03/2024, 3/5/24,
// "5 March 2024", epoch seconds, ...), with day and month both ≤ 12 so the slashes are ambiguous.
import type { Random } from '../../core/random.js'
import { finishMutation, resolveMessages, updateLastUser } from './messages.js'
import { ORDER_COLUMNS, randomOrder } from './records.js'
import { appendBlock, shuffle } from './text.js'
import type { InputMutator } from './types.js'

export type DateFormat = 'iso' | 'dmy-slash' | 'mdy-short' | 'long-dmy' | 'epoch-seconds' | 'long-mdy' | 'dmy-dot'

/** The five formats every document gets at least once; the rest are extra noise. */
export const REQUIRED_DATE_FORMATS: readonly DateFormat[] = ['iso', 'dmy-slash', 'mdy-short', 'long-dmy', 'epoch-seconds']
const EXTRA_DATE_FORMATS: readonly DateFormat[] = ['long-mdy', 'dmy-dot']

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const

const pad2 = (value: number): string => String(value).padStart(2, '0')

/** `date` (UTC midnight) written in `format`. */
export function formatDate(date: Date, format: DateFormat): string {
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth() + 1
  const day = date.getUTCDate()
  const monthName = MONTHS[month - 1] as string
  switch (format) {
    case 'iso':
      return `${year}-${pad2(month)}-${pad2(day)}`
    case 'dmy-slash':
      return `${pad2(day)}/${pad2(month)}/${year}`
    case 'mdy-short':
      return `${month}/${day}/${pad2(year % 100)}`
    case 'long-dmy':
      return `${day} ${monthName} ${year}`
    case 'epoch-seconds':
      return String(Math.floor(date.getTime() / 1000))
    case 'long-mdy':
      return `${monthName} ${day}, ${year}`
    case 'dmy-dot':
      return `${pad2(day)}.${pad2(month)}.${year}`
  }
}

/** A UTC date in 2023–2025 whose day and month are both 1–12 and differ (ambiguous d/m order). */
function ambiguousDate(random: Random): Date {
  const month = random.int(12)
  let day = 1 + random.int(12)
  if (day === month + 1) day = (day % 12) + 1
  return new Date(Date.UTC(2023 + random.int(3), month, day))
}

const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/gu

export function createMixedDatesMutator(): InputMutator {
  return {
    kind: 'mixed-dates',
    description: 'one document mixes date formats: 2024-03-05, 05/03/2024, 3/5/24, "5 March 2024", epoch seconds',
    mutate(request, random, context) {
      const messages = resolveMessages(request, context)
      const rows = 6 + random.int(5)
      const formats = [...shuffle(REQUIRED_DATE_FORMATS, random)]
      while (formats.length < rows) formats.push(random.pick([...REQUIRED_DATE_FORMATS, ...EXTRA_DATE_FORMATS]))
      const lines = [ORDER_COLUMNS.join(' | ')]
      for (const format of formats) {
        const order = randomOrder(random)
        order.order_date = formatDate(ambiguousDate(random), format)
        lines.push(ORDER_COLUMNS.map((column) => order[column]).join(' | '))
      }
      updateLastUser(messages, (content) => {
        // Dates already in the prompt are rewritten too, each in a random format.
        const rewritten = content.replace(ISO_DATE, (whole, year: string, month: string, day: string) => {
          const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
          // Not a real calendar date (2024-02-31): leave it, rather than roll it into March.
          const real = date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day)
          return real ? formatDate(date, random.pick(REQUIRED_DATE_FORMATS)) : whole
        })
        return appendBlock(rewritten, `Order log (merged from the branch spreadsheets):\n${lines.join('\n')}`)
      })
      return finishMutation(request, 'mixed-dates', messages, context)
    },
  }
}
