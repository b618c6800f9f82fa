// The Markdown table: figures, peers, ratios and verdicts as a reader sees them.
import { describe, expect, it } from 'vitest'
import { formatSpread, renderMarkdown, type BenchResults, type SectionResult } from '../../../bench/lib/report.js'
import { spread } from '../../../bench/lib/stats.js'

const machine = { node: 'v20.0.0', platform: 'linux-x64', cpuModel: 'Test CPU', cores: 2, memoryGb: 8, loadAverage: 1.5 }

function section(id: string, overrides: Partial<SectionResult> = {}): SectionResult {
  return {
    id,
    title: `Title ${id}`,
    ranAt: '2025-01-02T03:04:05.000Z',
    durationS: 12.4,
    machine,
    rounds: 3,
    goal: 'a goal',
    verdict: 'met',
    rows: [
      {
        measure: 'requests/s',
        unit: 'req/s',
        digits: 0,
        ours: spread([10_500, 9_800, 10_100]),
        peers: [{ name: 'autocannon', value: spread([10_000, 9_000, 11_000]) }],
        ratio: 1.01,
        goal: '≥ 1.0×',
        met: true,
      },
    ],
    notes: ['a note | with a pipe'],
    commands: [`make bench BENCH=${id}`],
    ...overrides,
  }
}

describe('formatSpread', () => {
  it('prints the median with the range, one round alone', () => {
    expect(formatSpread(spread([3, 1, 2]), 1)).toBe('2.0 (1.0–3.0)')
    expect(formatSpread(spread([1234.5]), 0)).toBe('1,235')
    expect(formatSpread(null, 0)).toBe('–')
    expect(formatSpread(spread([Number.NaN]), 0)).toBe('–')
  })
})

describe('renderMarkdown', () => {
  it('lists sections in the given order with their verdicts and rows', () => {
    const results: BenchResults = { schemaVersion: 1, updatedAt: '2025-01-02T03:05:00.000Z', sections: { b: section('b', { verdict: 'missed' }), a: section('a') } }
    const text = renderMarkdown(results, [
      { id: 'a', title: 'Title a' },
      { id: 'b', title: 'Title b' },
      { id: 'c', title: 'not run' },
    ])
    expect(text.indexOf('## 1. Title a')).toBeLessThan(text.indexOf('## 2. Title b'))
    expect(text).not.toContain('not run')
    expect(text).toContain('| 2 | Title b | a goal | missed |')
    expect(text).toContain('| requests/s | req/s | 10,100 (9,800–10,500) | autocannon: 10,000 (9,000–11,000) | 1.01× | ≥ 1.0× | met |')
    expect(text).toContain('- a note | with a pipe')
    expect(text).toContain('make bench BENCH=a')
    expect(text).toContain('2 × Test CPU')
  })
})
