// Fixed-shape traffic: the one-line spec, the arrivals it gives and exact prompt sizes.
import { describe, expect, it } from 'vitest'
import { countMessageTokens } from '../../../chaos/inputs/messages.js'
import { expandMessages } from '../../../load/traffic.js'
import { parseShape, shapeRequests } from '../../../load/workload/shape.js'

describe('--shape', () => {
  it('parses rate, sizes and a duration or a request count', () => {
    expect(parseShape('rate=50,input=512,output=128,duration=60s')).toEqual({ ratePerSecond: 50, durationMs: 60_000, inputTokens: 512, outputTokens: 128, arrivals: 'constant' })
    expect(parseShape('rate=20, input=100, output=10, requests=40, arrivals=poisson, users=8')).toMatchObject({ durationMs: 2_000, arrivals: 'poisson', users: 8 })
  })

  it('rejects a bad spec in one line naming the key and the fix', () => {
    expect(() => parseShape('rate=50,input=512')).toThrow(/output missing; e\.g\. --shape/)
    expect(() => parseShape('rate=0,input=512,output=1,duration=1s')).toThrow(/rate=0: expected a number > 0/)
    expect(() => parseShape('rate=5,input=512,output=1')).toThrow(/give duration=TIME or requests=N/)
    expect(() => parseShape('rate=5,input=512,output=1,duration=1s,requests=3')).toThrow(/one of them/)
    expect(() => parseShape('rate=5,input=4,output=1,duration=1s')).toThrow(/input=4: prompts are at least 16 tokens/)
    expect(() => parseShape('rate=5,colour=red')).toThrow(/'colour=red': expected key=value with a key of/)
    expect(() => parseShape('rate=5,input=64,output=1,duration=1s,arrivals=bursty')).toThrow(/expected constant or poisson/)
  })

  it('spaces constant arrivals exactly and sizes every prompt to the input tokens', () => {
    const requests = [...shapeRequests(parseShape('rate=50,input=300,output=64,duration=1s'), 7)]
    expect(requests).toHaveLength(50)
    expect(requests.map((r) => r.offsetMs).slice(0, 3)).toEqual([0, 20, 40])
    for (const request of requests.slice(0, 5)) {
      expect(request).toMatchObject({ inputTokens: 300, maxOutputTokens: 64, targetOutputTokens: 64, task: 'fixed-shape' })
      expect(countMessageTokens(expandMessages(request), 'o200k_base')).toBe(300)
    }
  })

  it('gives seeded Poisson arrivals near the rate, the same for the same seed', () => {
    const shape = parseShape('rate=100,input=32,output=8,duration=20s,arrivals=poisson,users=10')
    const a = [...shapeRequests(shape, 3)]
    const b = [...shapeRequests(shape, 3)]
    expect(a.map((r) => r.offsetMs)).toEqual(b.map((r) => r.offsetMs))
    expect(a.length).toBeGreaterThan(1_800)
    expect(a.length).toBeLessThan(2_200)
    expect(new Set(a.map((r) => r.userId)).size).toBe(10)
  })
})
