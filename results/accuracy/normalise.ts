// Puts an answer and its ground truth in one canonical form before they are compared: trimmed,
// Unicode NFC, case-folded, numbers without thousands separators, dates in ISO form.

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']

function monthNumber(name: string): number | undefined {
  const lower = name.toLowerCase().replace(/\.$/, '')
  if (lower.length < 3) return undefined
  const index = MONTHS.findIndex((month) => month.startsWith(lower))
  return index < 0 ? undefined : index + 1
}

function fullYear(text: string): number {
  const year = Number(text)
  return text.length <= 2 ? 2000 + year : year
}

function isoOf(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day))
  // Not a calendar date (2024-02-31): no ISO form, compare it as text.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/**
 * A date written in a common format as `YYYY-MM-DD`, else undefined. Slashed dates are read
 * month first (US) unless the first part cannot be a month; dotted ones day first (European).
 */
export function normaliseDate(text: string): string | undefined {
  const value = text.trim()
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value)
  if (match !== null) return isoOf(Number(match[1]), Number(match[2]), Number(match[3]))
  match = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(value)
  if (match !== null) {
    const first = Number(match[1])
    const second = Number(match[2])
    const year = fullYear(match[3] as string)
    return first > 12 ? isoOf(year, second, first) : isoOf(year, first, second)
  }
  match = /^(\d{1,2})[.-](\d{1,2})[.-](\d{4})$/.exec(value)
  if (match !== null) return isoOf(Number(match[3]), Number(match[2]), Number(match[1]))
  match = /^(\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]+\.?)[ -,]*(\d{4})$/.exec(value)
  if (match !== null) {
    const month = monthNumber(match[2] as string)
    return month === undefined ? undefined : isoOf(Number(match[3]), month, Number(match[1]))
  }
  match = /^([A-Za-z]+\.?) (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/.exec(value)
  if (match !== null) {
    const month = monthNumber(match[1] as string)
    return month === undefined ? undefined : isoOf(Number(match[3]), month, Number(match[2]))
  }
  return undefined
}

/** A plain number (`1,234.50`, `-3`, `.5`, `1e3`) as its shortest decimal form (`1234.5`), else undefined. */
export function normaliseNumber(text: string): string | undefined {
  const value = text.trim().replace(/^[$€£]\s*/u, '')
  if (!/^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(value) || !/\d/.test(value)) return undefined
  const number = Number(value.replace(/,/g, ''))
  return Number.isFinite(number) ? String(number) : undefined
}

/** Text compared as text: NFC, trimmed, inner whitespace collapsed, case-folded. */
export function normaliseText(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase()
}

/** The canonical form of a value: its ISO date, else its number, else its normalised text. */
export function canonicalValue(text: string): string {
  const plain = normaliseText(text)
  return normaliseDate(plain) ?? normaliseNumber(plain) ?? plain
}

/**
 * The answer part of a reply: the first non-empty line, without an `Answer:` prefix, wrapping
 * quotes or backticks, or a final full stop after a word.
 */
export function extractAnswer(reply: string): string {
  const line = reply.split(/\r\n|\r|\n/u).find((part) => part.trim() !== '') ?? ''
  let value = line.trim().replace(/^(?:final\s+)?answer\s*[:=-]\s*/iu, '')
  for (;;) {
    const unwrapped = /^(["'`“‘*])(.*)(["'`”’*])$/su.exec(value)
    if (unwrapped === null || unwrapped[2] === undefined) break
    value = unwrapped[2].trim()
  }
  if (/[^\d]\.$/u.test(value)) value = value.slice(0, -1)
  return value.trim()
}
