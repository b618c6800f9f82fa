// Threshold expressions: parse (valid and each kind of invalid), evaluate, table, and k6 translation.
import { describe, expect, it } from 'vitest'
import { UserError } from '../../../core/errors.js'
import {
  allThresholdsPass,
  evaluateThresholds,
  formatThresholdTable,
  parseThreshold,
  parseThresholds,
  thresholdsToK6,
  thresholdToK6,
  type Threshold,
} from '../../../results/thresholds.js'

function parseError(text: string, source?: string): UserError {
  try {
    parseThreshold(text, source)
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`)
}

describe('parseThreshold', () => {
  const valid: [string, Omit<Threshold, 'text'>][] = [
    ['ttft_ms.p95<2000', { metric: 'ttft_ms', stat: 'p95', op: '<', value: 2000 }],
    ['e2e_ms.p99 < 15000', { metric: 'e2e_ms', stat: 'p99', op: '<', value: 15000 }],
    ['  itl_ms.max<=250 ', { metric: 'itl_ms', stat: 'max', op: '<=', value: 250 }],
    ['tpot_ms.mean>=1.5', { metric: 'tpot_ms', stat: 'mean', op: '>=', value: 1.5 }],
    ['schedule_lag_ms.p999<50', { metric: 'schedule_lag_ms', stat: 'p999', op: '<', value: 50 }],
    ['ttft_service_ms.min>0', { metric: 'ttft_service_ms', stat: 'min', op: '>', value: 0 }],
    ['e2e_service_ms.p50==100', { metric: 'e2e_service_ms', stat: 'p50', op: '==', value: 100 }],
    ['TTFT_MS.P90<3000', { metric: 'ttft_ms', stat: 'p90', op: '<', value: 3000 }],
    ['abandon_rate<0.05', { metric: 'abandon_rate', op: '<', value: 0.05 }],
    ['error_rate < .01', { metric: 'error_rate', op: '<', value: 0.01 }],
    ['drop_rate==0', { metric: 'drop_rate', op: '==', value: 0 }],
    ['spend_usd<50', { metric: 'spend_usd', op: '<', value: 50 }],
    ['spend_per_1k_usd<=2.5', { metric: 'spend_per_1k_usd', op: '<=', value: 2.5 }],
    ['goodput_rps>=10', { metric: 'goodput_rps', op: '>=', value: 10 }],
    ['throughput_rps>1e1', { metric: 'throughput_rps', op: '>', value: 10 }],
    ['output_tokens_per_s>500', { metric: 'output_tokens_per_s', op: '>', value: 500 }],
    ['retry_amplification<1.2', { metric: 'retry_amplification', op: '<', value: 1.2 }],
    ['users_quit==0', { metric: 'users_quit', op: '==', value: 0 }],
    // k6-style spellings
    ['p99(e2e_ms) < 15000', { metric: 'e2e_ms', stat: 'p99', op: '<', value: 15000 }],
    ['ttft_ms.avg<800', { metric: 'ttft_ms', stat: 'mean', op: '<', value: 800 }],
    ['ttft_ms.med<800', { metric: 'ttft_ms', stat: 'p50', op: '<', value: 800 }],
    ['ttft_ms.p(95)<2000', { metric: 'ttft_ms', stat: 'p95', op: '<', value: 2000 }],
    ['e2e_ms.p(99.9)<30000', { metric: 'e2e_ms', stat: 'p999', op: '<', value: 30000 }],
  ]
  it.each(valid)('parses %j', (text, expected) => {
    expect(parseThreshold(text)).toEqual({ ...expected, text: text.trim() })
  })

  const invalid: [text: string, message: RegExp][] = [
    ['', /the threshold is empty/],
    ['   ', /the threshold is empty/],
    ['ttft_ms<2000', /ttft_ms is a latency metric and needs a statistic; fix: write e\.g\. ttft_ms\.p95<2000/],
    ['ttfb_ms.p95<2000', /unknown metric "ttfb_ms" \(did you mean ttft_ms\?\).*error_rate/],
    ['latency<5', /unknown metric "latency"; fix: use one of the latency metrics/],
    ['error_rate.p95<0.1', /error_rate is a single number and takes no statistic \(got "\.p95"\)/],
    ['ttft_ms.p96<2000', /unknown statistic "p96" \(did you mean p90\?\)/],
    ['ttft_ms.p95=2000', /unknown operator "="/],
    ['ttft_ms.p95!=2000', /unknown operator "!="/],
    ['ttft_ms.p95=>2000', /unknown operator "=>"/],
    ['ttft_ms.p95', /expected an operator after ttft_ms\.p95, got nothing/],
    ['ttft_ms.p95 ~ 2000', /expected an operator after ttft_ms\.p95, got "~ 2000"/],
    ['ttft_ms.p95<', /expected a number after "<", got nothing/],
    ['ttft_ms.p95<2s', /expected a number after "<", got "2s"/],
    ['error_rate<1%', /expected a number after "<", got "1%"/],
    ['spend_usd<1e999', /out of range/],
    ['<2000', /does not start with a metric name/],
  ]
  it.each(invalid)('refuses %j with THRESHOLD_INVALID', (text, message) => {
    const error = parseError(text)
    expect(error.code).toBe('THRESHOLD_INVALID')
    expect(error.message).toMatch(/^--threshold "/)
    expect(error.message).toContain('; fix: ')
    expect(error.message).toMatch(message)
  })

  it('names the source it was given', () => {
    expect(parseError('nope<1', 'gauntlet.config.ts thresholds[2]').message).toMatch(/^gauntlet\.config\.ts thresholds\[2\] "nope<1": /)
  })

  it('reports every bad threshold at once', () => {
    expect(parseThresholds(['ttft_ms.p95<2000', 'error_rate<0.01'])).toHaveLength(2)
    let caught: unknown
    try {
      parseThresholds(['ttft_ms<1', 'error_rate<0.01', 'nope<1'])
    } catch (error) {
      caught = error
    }
    expect((caught as UserError).code).toBe('THRESHOLD_INVALID')
    expect((caught as UserError).message).toMatch(/ttft_ms<1.*\|.*nope<1/)
  })
})

describe('evaluateThresholds', () => {
  const metrics: Record<string, number | null> = {
    'ttft_ms.p95': 1800,
    'e2e_ms.p99': 16_000,
    'itl_ms.max': 250,
    error_rate: 0.02,
    abandon_rate: 0.05,
    users_quit: 0,
    spend_usd: null,
  }
  const lookup = (metric: string, stat?: string): number | null | undefined => metrics[stat === undefined ? metric : `${metric}.${stat}`]

  it('passes and fails by comparing the run value, and fails a metric without a value', () => {
    const thresholds = parseThresholds([
      'ttft_ms.p95<2000',
      'e2e_ms.p99<15000',
      'itl_ms.max<=250',
      'error_rate<0.01',
      'abandon_rate<=0.05',
      'users_quit==0',
      'spend_usd<50',
      'goodput_rps>1',
    ])
    const results = evaluateThresholds(thresholds, lookup)
    expect(results).toEqual([
      { text: 'ttft_ms.p95<2000', actual: 1800, pass: true },
      { text: 'e2e_ms.p99<15000', actual: 16_000, pass: false },
      { text: 'itl_ms.max<=250', actual: 250, pass: true },
      { text: 'error_rate<0.01', actual: 0.02, pass: false },
      { text: 'abandon_rate<=0.05', actual: 0.05, pass: true },
      { text: 'users_quit==0', actual: 0, pass: true },
      { text: 'spend_usd<50', actual: null, pass: false, reason: expect.stringMatching(/spend is unknown/) },
      { text: 'goodput_rps>1', actual: null, pass: false, reason: 'goodput_rps has no value in this run' },
    ])
    expect(allThresholdsPass(results)).toBe(false)
    expect(allThresholdsPass(results.filter((result) => result.pass))).toBe(true)
  })

  it('each operator at its boundary', () => {
    const at = (op: string): boolean => evaluateThresholds([parseThreshold(`error_rate${op}0.05`)], () => 0.05)[0]?.pass as boolean
    expect([at('<'), at('<='), at('>'), at('>='), at('==')]).toEqual([false, true, false, true, true])
  })

  it('treats NaN as no value and asks the lookup with metric and statistic', () => {
    const asked: [string, string | undefined][] = []
    const results = evaluateThresholds(parseThresholds(['ttft_ms.p99<1', 'error_rate<1']), (metric, stat) => {
      asked.push([metric, stat])
      return Number.NaN
    })
    expect(asked).toEqual([
      ['ttft_ms', 'p99'],
      ['error_rate', undefined],
    ])
    expect(results.map((result) => [result.pass, result.reason])).toEqual([
      [false, 'no ttft_ms samples in this run'],
      [false, 'error_rate has no value in this run'],
    ])
  })
})

describe('formatThresholdTable', () => {
  it('lines up status, threshold, actual and reason', () => {
    const text = formatThresholdTable([
      { text: 'ttft_ms.p95<2000', actual: 1234.56789, pass: true },
      { text: 'error_rate<0.01', actual: 0.0234567, pass: false },
      { text: 'spend_usd<50', actual: null, pass: false, reason: 'spend is unknown' },
    ])
    expect(text.split('\n')).toEqual([
      'status  threshold         actual',
      'PASS    ttft_ms.p95<2000  1234.57',
      'FAIL    error_rate<0.01   0.02346',
      'FAIL    spend_usd<50      n/a      spend is unknown',
      '2 of 3 thresholds failed',
    ])
    expect(formatThresholdTable([{ text: 'users_quit==0', actual: 0, pass: true }])).toMatch(/all 1 thresholds passed$/)
    expect(formatThresholdTable([])).toBe('no thresholds')
  })
})

describe('thresholdToK6', () => {
  const cases: [string, { metric: string; expression: string } | undefined][] = [
    ['ttft_ms.p95<2000', { metric: 'llm_ttft', expression: 'p(95)<2000' }],
    ['ttft_service_ms.p99<3000', { metric: 'llm_ttft', expression: 'p(99)<3000' }],
    ['e2e_ms.p999<=20000', { metric: 'llm_e2e', expression: 'p(99.9)<=20000' }],
    ['e2e_ms.p50<5000', { metric: 'llm_e2e', expression: 'med<5000' }],
    ['itl_ms.max<500', { metric: 'llm_itl', expression: 'max<500' }],
    ['tpot_ms.mean<40', { metric: 'llm_tpot', expression: 'avg<40' }],
    ['tpot_ms.min>1', { metric: 'llm_tpot', expression: 'min>1' }],
    ['ttft_ms.p90>=100', { metric: 'llm_ttft', expression: 'p(90)>=100' }],
    ['error_rate<0.01', { metric: 'llm_errors', expression: 'rate<0.01' }],
    ['abandon_rate<0.05', { metric: 'llm_abandoned', expression: 'rate<0.05' }],
    ['spend_usd<50', { metric: 'llm_spend_usd', expression: 'count<50' }],
    ['schedule_lag_ms.p99<10', undefined],
    ['drop_rate<0.01', undefined],
    ['goodput_rps>5', undefined],
    ['throughput_rps>5', undefined],
    ['spend_per_1k_usd<1', undefined],
    ['output_tokens_per_s>100', undefined],
    ['retry_amplification<1.1', undefined],
    ['users_quit==0', undefined],
  ]
  it.each(cases)('%s -> %j', (text, expected) => {
    expect(thresholdToK6(parseThreshold(text))).toEqual(expected)
  })

  it('groups by k6 metric for options.thresholds and lists what k6 cannot check', () => {
    const { thresholds, unsupported } = thresholdsToK6(parseThresholds(['ttft_ms.p95<2000', 'ttft_ms.p99<4000', 'error_rate<0.01', 'goodput_rps>1']))
    expect(thresholds).toEqual({ llm_ttft: ['p(95)<2000', 'p(99)<4000'], llm_errors: ['rate<0.01'] })
    expect(unsupported.map((threshold) => threshold.text)).toEqual(['goodput_rps>1'])
  })
})
