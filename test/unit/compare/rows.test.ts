// Comparison rows from hand-made samples: values equal to hand-computed ground truth, winners
// where targets clearly differ, ties where they do not, and the notes a reader needs.
import { describe, expect, it } from 'vitest'
import {
  buildComparison,
  collectTargetData,
  DEFAULT_WORKFORCE,
  tokenizerFamily,
  type CompareInput,
  type CompareRow,
  type Comparison,
} from '../../../results/compare/index.js'
import type { Summary } from '../../../results/summary.js'
import type { Sample } from '../../../results/types.js'
import { tinySummary } from '../reports/summaries.js'

function summaryFor(label: string, pricedAs: string | null = 'gpt-4o-mini'): Summary {
  const summary = tinySummary()
  summary.name = label
  summary.target = { ...summary.target, label, model: pricedAs ?? 'my-model', pricedAs }
  return summary
}

interface OkOptions {
  id: string
  ttftMs: number
  e2eMs: number
  outputTokens?: number
  spendUsd?: number | null
  tags?: string[]
  handling?: string
}

function ok(options: OkOptions): Sample {
  const sample: Sample = {
    requestId: options.id,
    attempt: 1,
    userId: 'u1',
    task: 'chat',
    outcome: 'ok',
    scheduledAtMs: 0,
    ttftMs: options.ttftMs,
    e2eMs: options.e2eMs,
    outputTokens: options.outputTokens ?? 21,
    spendUsd: options.spendUsd === undefined ? 0.001 : options.spendUsd,
  }
  if (options.tags !== undefined) sample.tags = options.tags
  if (options.handling !== undefined) sample.handling = options.handling
  return sample
}

function failed(id: string, outcome: Sample['outcome'], extra: Partial<Sample> = {}): Sample {
  return { requestId: id, attempt: 1, userId: 'u1', task: 'chat', outcome, scheduledAtMs: 0, spendUsd: 0, ...extra }
}

/** `count` ok requests with TTFT = base + i·step and e2e = TTFT + 400 ms (20 tokens after the first: 50 tok/s). */
function okSeries(prefix: string, count: number, baseMs: number, stepMs: number, spendUsd = 0.001): Sample[] {
  return Array.from({ length: count }, (_, i) => ok({ id: `${prefix}${i}`, ttftMs: baseMs + i * stepMs, e2eMs: baseMs + i * stepMs + 400, spendUsd }))
}

function row(comparison: Comparison, id: string): CompareRow {
  const found = comparison.rows.find((r) => r.id === id)
  if (found === undefined) throw new Error(`no row ${id}`)
  return found
}

function input(label: string, samples: Sample[], pricedAs: string | null = 'gpt-4o-mini'): CompareInput {
  return { label, summary: summaryFor(label, pricedAs), data: collectTargetData(samples) }
}

describe('collecting per-request values', () => {
  it('books every attempt of a retried request once, by its final attempt', () => {
    const data = collectTargetData([
      failed('r1', 'http', { status: 429, willRetry: true, spendUsd: 0 }),
      failed('r1', 'reset', { attempt: 2, willRetry: true, spendUsd: 0.002 }),
      { ...ok({ id: 'r1', ttftMs: 100, e2eMs: 500, spendUsd: 0.003 }), attempt: 3 },
      failed('r2', 'http', { status: 429 }),
      failed('r3', 'dropped', { spendUsd: undefined }),
      failed('r4', 'abandoned', { spendUsd: 0.0005 }),
    ])
    expect(data.attempts).toBe(5)
    expect(data.rateLimited).toBe(2)
    expect(data.sent).toBe(3)
    expect(data.errors).toBe(1)
    expect(data.abandoned).toBe(1)
    expect(data.requestSpendUsd).toEqual([0.005, 0, 0.0005])
    expect(data.requestCompleted).toEqual([1, 0, 0])
    expect(data.ttftMs).toEqual([100])
    // 21 tokens: 20 after the first, in 400 ms.
    expect(data.outputTokensPerS).toEqual([50])
    expect(data.spendUnknown).toBe(false)
  })
})

describe('comparison rows', () => {
  const fast = [...okSeries('f', 60, 100, 1), failed('fe', 'http', { status: 500 })]
  const slow = [
    ...okSeries('s', 50, 900, 10),
    ...Array.from({ length: 10 }, (_, i) => failed(`s429-${i}`, 'http', { status: 429 })),
    ...Array.from({ length: 5 }, (_, i) => failed(`sa-${i}`, 'abandoned', { spendUsd: 0.0004 })),
  ]
  const comparison = buildComparison([input('fast', fast), input('slow', slow)], { seed: 7 })

  it('computes every value from the requests', () => {
    // TTFT fast: 100..159 ms; nearest-rank p50 of 60 values is the 30th: 129; p95 the 57th: 156.
    expect(row(comparison, 'ttft_ms.p50').values).toEqual([129, 900 + 24 * 10])
    expect(row(comparison, 'ttft_ms.p95').values[0]).toBe(156)
    expect(row(comparison, 'e2e_ms.p99').values[0]).toBe(159 + 400)
    expect(row(comparison, 'output_tokens_per_s.p50').values).toEqual([50, 50])
    // Spend per 1k: fast 60 × $0.001 + one $0 error over 61 requests.
    expect(row(comparison, 'spend_per_1k_requests_usd').values[0]).toBeCloseTo((0.06 / 61) * 1000, 12)
    expect(row(comparison, 'spend_per_1k_answers_usd').values[0]).toBeCloseTo((0.06 / 60) * 1000, 12)
    expect(row(comparison, 'spend_per_1k_answers_usd').values[1]).toBeCloseTo(((0.05 + 5 * 0.0004) / 50) * 1000, 12)
    const month = row(comparison, 'spend_per_month_usd')
    expect(comparison.workforce.requestsPerMonth).toBe(10_000 * 0.75 * 30 * 21)
    expect(month.values[0]).toBeCloseTo((0.06 / 61) * 4_725_000, 6)
    expect(row(comparison, 'error_rate').values).toEqual([1 / 61, 10 / 65])
    expect(row(comparison, 'rate_limited_rate').values).toEqual([0, 10 / 65])
    expect(row(comparison, 'abandon_rate').values).toEqual([0, 5 / 65])
    expect(row(comparison, 'ttft_ms.p50').counts).toEqual([60, 50])
  })

  it('names the clearly better target the winner, with the interval of the difference', () => {
    for (const id of ['ttft_ms.p50', 'ttft_ms.p95', 'ttft_ms.p99', 'e2e_ms.p50', 'e2e_ms.p95', 'e2e_ms.p99', 'error_rate', 'rate_limited_rate']) {
      expect(row(comparison, id).verdict, id).toEqual({ kind: 'winner', target: 'fast' })
    }
    const p50 = row(comparison, 'ttft_ms.p50')
    expect(p50.differences).toHaveLength(1)
    const difference = p50.differences[0]
    expect(difference).toMatchObject({ target: 'fast', against: 'slow', difference: 129 - 1140 })
    expect(difference?.high).toBeLessThan(0)
    expect(difference?.low).toBeLessThanOrEqual(difference?.difference as number)
    expect(comparison.wins['fast']).toBeGreaterThanOrEqual(8)
  })

  it('ties what is equal within noise', () => {
    // Both stream at exactly 50 tokens/s: the interval of the difference is [0, 0].
    expect(row(comparison, 'output_tokens_per_s.p50').verdict).toEqual({ kind: 'tie', targets: ['fast', 'slow'] })
    const same = buildComparison([input('a', okSeries('a', 40, 200, 3)), input('b', okSeries('b', 40, 200, 3))], { seed: 1 })
    for (const r of same.rows) expect(r.verdict.kind, r.id).toBe('tie')
    expect(same.ties).toBe(same.rows.length)
  })

  it('is reproducible for a seed', () => {
    const again = buildComparison([input('fast', fast), input('slow', slow)], { seed: 7 })
    expect(again).toEqual(comparison)
  })

  it('with three targets, ties the best with those within noise and leaves the clearly worse out', () => {
    const three = buildComparison(
      [input('a', okSeries('a', 60, 100, 2)), input('b', okSeries('b', 60, 101, 2)), input('c', okSeries('c', 60, 600, 2))],
      { seed: 3 },
    )
    const ttft = row(three, 'ttft_ms.p50')
    expect(ttft.verdict).toEqual({ kind: 'tie', targets: ['a', 'b'] })
    expect(ttft.differences.map((d) => d.against)).toEqual(['b', 'c'])
    expect(ttft.differences[1]?.high).toBeLessThan(0)
  })

  it('gives no verdict without enough values, and none on spend for an unpriced model', () => {
    const few = buildComparison([input('a', okSeries('a', 4, 100, 1)), input('b', okSeries('b', 40, 900, 1))], { seed: 1 })
    const ttft = row(few, 'ttft_ms.p50')
    expect(ttft.verdict.kind).toBe('none')
    expect(ttft.verdict.kind === 'none' && ttft.verdict.reason).toMatch(/a: 4 values, fewer than 5/)
    const unpriced = okSeries('u', 30, 100, 1).map((sample) => ({ ...sample, spendUsd: null }))
    const mixed = buildComparison([input('priced', okSeries('p', 30, 100, 1)), input('unpriced', unpriced, null)], { seed: 1 })
    const spend = row(mixed, 'spend_per_1k_requests_usd')
    expect(spend.values[1]).toBeNull()
    expect(spend.verdict.kind).toBe('none')
    expect(mixed.notes.join('\n')).toMatch(/unpriced: the model has no price/)
  })

  it('notes different tokenizers and gives tokens per second no verdict then', () => {
    const mixed = buildComparison(
      [input('gpt', okSeries('g', 30, 100, 1), 'openai/gpt-4o-mini'), input('claude', okSeries('c', 30, 100, 1).map((s) => ({ ...s, e2eMs: (s.e2eMs as number) + 400 })), 'claude-sonnet-4-5')],
      { seed: 1 },
    )
    expect(mixed.targets.map((t) => t.tokenizer)).toEqual(['openai o200k_base', 'anthropic'])
    expect(row(mixed, 'output_tokens_per_s.p50').verdict).toMatchObject({ kind: 'none', reason: expect.stringMatching(/different tokenizers/) })
    expect(mixed.notes[0]).toMatch(/compare spend and time, not raw token counts/)
    expect(tokenizerFamily('gpt-4-0613')).toBe('openai cl100k_base')
    expect(tokenizerFamily('groq/llama-3.3-70b-versatile')).toBe('meta llama')
  })

  it('projects monthly spend for the given workforce', () => {
    const workforce = { employees: 500, adoption: 0.5, queriesPerDay: 10, workingDaysPerMonth: 20 }
    const custom = buildComparison([input('a', okSeries('a', 20, 100, 1, 0.002)), input('b', okSeries('b', 20, 100, 1, 0.004))], { seed: 1, workforce })
    expect(custom.workforce).toEqual({ ...workforce, requestsPerMonth: 50_000 })
    const month = row(custom, 'spend_per_month_usd')
    expect(month.values[0]).toBeCloseTo(100, 9)
    expect(month.values[1]).toBeCloseTo(200, 9)
    expect(month.verdict).toEqual({ kind: 'winner', target: 'a' })
    expect(month.differences[0]).toMatchObject({ difference: expect.closeTo(-100, 9), low: expect.closeTo(-100, 9), high: expect.closeTo(-100, 9) })
    expect(DEFAULT_WORKFORCE).toEqual({ employees: 10_000, adoption: 0.75, queriesPerDay: 30, workingDaysPerMonth: 21 })
  })

  it('compares messy-input handling by kind: the share rejected cleanly with a 4xx', () => {
    const tagged = (prefix: string, handlings: string[]): Sample[] =>
      handlings.map((handling, i) =>
        handling === 'answered'
          ? ok({ id: `${prefix}${i}`, ttftMs: 100, e2eMs: 500, tags: ['malformed:oversize'], handling })
          : failed(`${prefix}${i}`, handling === 'timeout' ? 'timeout' : 'http', { status: handling === 'clean-4xx' ? 413 : handling === 'rate-limited' ? 429 : 500, tags: ['malformed:oversize'], handling }),
      )
    const strict = tagged('s', [...Array<string>(9).fill('clean-4xx'), '5xx', 'rate-limited'])
    const lax = tagged('l', [...Array<string>(8).fill('answered'), 'timeout', '5xx'])
    const result = buildComparison([input('strict', strict), input('lax', lax)], { seed: 2 })
    const malformed = row(result, 'malformed.oversize')
    expect(malformed.values).toEqual([0.9, 0])
    expect(malformed.counts).toEqual([10, 10])
    expect(malformed.verdict).toEqual({ kind: 'winner', target: 'strict' })
    expect(malformed.details?.[0]).toBe('4xx 9, 5xx 1, hang or gave up 0, answered 0, broken 0 of 10 (+1 rate-limited or not sent, left out)')
    expect(malformed.details?.[1]).toBe('4xx 0, 5xx 1, hang or gave up 1, answered 8, broken 0 of 10')
  })
  it('compares answer accuracy per target: clean, dirty and confident wrong, from the scored samples', () => {
    const answers = (prefix: string, variant: 'clean' | 'dirty', marks: ('right' | 'wrong' | 'hedged')[]): Sample[] =>
      marks.map((mark, i) => {
        const sample = ok({ id: `${prefix}${variant}${i}`, ttftMs: 100, e2eMs: 300 })
        sample.variant = variant
        sample.correct = mark === 'right'
        if (mark === 'hedged') sample.hedged = true
        return sample
      })
    const careful = [...answers('c', 'clean', ['right', 'right', 'right', 'right']), ...answers('c', 'dirty', ['right', 'right', 'hedged', 'hedged'])]
    const bold = [...answers('b', 'clean', ['right', 'right', 'right', 'wrong']), ...answers('b', 'dirty', ['right', 'wrong', 'wrong', 'wrong'])]
    const result = buildComparison([input('careful', careful), input('bold', bold)], { seed: 3 })
    expect(row(result, 'accuracy.clean').values).toEqual([1, 0.75])
    expect(row(result, 'accuracy.dirty').values).toEqual([0.5, 0.25])
    // careful: 2 wrong, both hedged; bold: 4 wrong, none hedged.
    expect(row(result, 'accuracy.confident_wrong').values).toEqual([0, 1])
    expect(row(result, 'accuracy.confident_wrong').counts).toEqual([2, 4])
    expect(result.rows.filter((r) => r.section === 'accuracy')).toHaveLength(3)
  })

  it('has no accuracy rows when no request carried an expected answer', () => {
    const result = buildComparison([input('a', okSeries('a', 5, 100, 1)), input('b', okSeries('b', 5, 100, 1))], { seed: 1 })
    expect(result.rows.some((r) => r.section === 'accuracy')).toBe(false)
  })
})
