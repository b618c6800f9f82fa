// `--threshold` -> k6: the same expressions `gauntlet run` takes, on the k6 scripts' metrics,
// and refused where k6 would evaluate them on no data.
import { describe, expect, it } from 'vitest'
import { translateThresholds } from '../../../load/k6/thresholds.js'

describe('translateThresholds', () => {
  const cases: Array<[string, boolean, string, string]> = [
    ['ttft_ms.p95<2000', true, 'llm_ttft', 'p(95)<2000'],
    ['p99(e2e_ms) < 15000', false, 'llm_e2e', 'p(99)<15000'],
    ['e2e_ms.p50<=800', false, 'llm_e2e', 'med<=800'],
    ['e2e_service_ms.max<30000', false, 'llm_e2e_service', 'max<30000'],
    ['ttft_service_ms.p90<1000', true, 'llm_ttft_service', 'p(90)<1000'],
    ['schedule_lag_ms.p99<250', false, 'llm_schedule_lag', 'p(99)<250'],
    ['tpot_ms.mean<50', true, 'llm_tpot', 'avg<50'],
    ['error_rate<0.01', false, 'llm_errors', 'rate<0.01'],
    ['abandon_rate<0.05', false, 'llm_abandoned', 'rate<0.05'],
    ['spend_usd<=12.5', false, 'llm_spend_usd', 'count<=12.5'],
  ]
  for (const [text, stream, metric, expression] of cases) {
    it(`${text} (stream=${stream}) -> ${metric}: ${expression}`, () => {
      expect(translateThresholds([text], { stream })).toEqual([{ text: text.trim(), metric, expression }])
    })
  }

  const refused: Array<[string, boolean, RegExp]> = [
    ['ttft_ms.p95<2000', false, /never measures ttft_ms/],
    ['tpot_ms.p95<80', false, /never measures tpot_ms/],
    ['itl_ms.p99<100', true, /inter-token latency/],
    ['goodput_rps>5', true, /k6 has no metric for goodput_rps/],
    ['ttft.p95<2000', true, /unknown metric/],
  ]
  for (const [text, stream, message] of refused) {
    it(`refuses ${text} (stream=${stream}) with THRESHOLD_INVALID`, () => {
      expect(() => translateThresholds([text], { stream })).toThrow(message)
      expect(() => translateThresholds([text], { stream })).toThrow(expect.objectContaining({ code: 'THRESHOLD_INVALID' }))
    })
  }
})
