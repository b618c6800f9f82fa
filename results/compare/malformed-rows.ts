// Messy-input rows: per malformed-input kind, the share rejected cleanly with a 4xx, and how the rest was handled.
import type { RowContext } from './decide.js'
import { rateRow } from './rate-rows.js'
import type { CompareRow } from './types.js'

const HANDLING_GROUPS: [string, string[]][] = [
  ['4xx', ['clean-4xx']],
  ['5xx', ['5xx']],
  ['hang or gave up', ['timeout', 'abandoned']],
  ['answered', ['answered', 'answered-invalid']],
  ['broken', ['reset', 'broken-stream', 'other']],
]

/** Handling that says nothing about the input: rate limits and requests never sent. */
const HANDLING_IGNORED = new Set(['rate-limited', 'not-sent'])

function malformedCounts(counts: Record<string, number> | undefined): { clean: number; trials: number; detail: string } {
  if (counts === undefined) return { clean: 0, trials: 0, detail: 'not sent' }
  let trials = 0
  for (const [handling, count] of Object.entries(counts)) if (!HANDLING_IGNORED.has(handling)) trials += count
  const parts = HANDLING_GROUPS.map(([name, keys]) => {
    const count = keys.reduce((sum, key) => sum + (counts[key] ?? 0), 0)
    const invalid = name === 'answered' && (counts['answered-invalid'] ?? 0) > 0 ? ` (${counts['answered-invalid']} invalid)` : ''
    return `${name} ${count}${invalid}`
  })
  const unknown = Object.keys(counts).filter((key) => !HANDLING_IGNORED.has(key) && !HANDLING_GROUPS.some(([, keys]) => keys.includes(key)))
  const otherCount = unknown.reduce((sum, key) => sum + (counts[key] ?? 0), 0)
  if (otherCount > 0) parts.push(`other ${otherCount}`)
  const ignored = (counts['rate-limited'] ?? 0) + (counts['not-sent'] ?? 0)
  return {
    clean: counts['clean-4xx'] ?? 0,
    trials,
    detail: `${parts.join(', ')} of ${trials}${ignored > 0 ? ` (+${ignored} rate-limited or not sent, left out)` : ''}`,
  }
}

/** One row per malformed-input kind any target saw. */
export function malformedRows(ctx: RowContext): CompareRow[] {
  const kinds = [...new Set(ctx.data.flatMap((d) => Object.keys(d.malformed)))].sort()
  return kinds.map((kind) => {
    const counts = ctx.data.map((d) => malformedCounts(d.malformed[kind]))
    return rateRow(
      ctx,
      {
        id: `malformed.${kind}`,
        section: 'messy-input',
        label: `messy input: ${kind}`,
        definition: `Share of requests with '${kind}' input rejected cleanly with a 4xx, rather than a 5xx, a hang, a broken stream or an answer; rate limits and unsent requests left out.`,
        better: 'higher',
        details: counts.map((c) => c.detail),
      },
      counts.map((c) => ({ events: c.clean, trials: c.trials })),
    )
  })
}
