// The profile's numbers against a hand-made ground truth.
import { describe, expect, it } from 'vitest'
import type { TrafficRequest } from '../../../core/traffic-types.js'
import { formatProfile, profileTraffic } from '../../../load/workload/profile.js'

function request(i: number, offsetMs: number, task: string, inputTokens: number, output: number, user: number): TrafficRequest {
  return { id: `r${i}`, offsetMs, userId: `u${String(user).padStart(5, '0')}`, task, prompt: { task, tokens: inputTokens, seed: i }, inputTokens, maxOutputTokens: Math.max(output, 1), targetOutputTokens: output }
}

describe('profileTraffic', () => {
  it('counts, rates, percentiles and zone shares', async () => {
    const requests: TrafficRequest[] = []
    // 100 chat requests with input 1..100 in minute 0 (users 0-9), 30 email requests in minute 2 (users 10-19).
    for (let i = 0; i < 100; i++) requests.push(request(i, i * 100, 'chat', i + 1, 2 * (i + 1), i % 10))
    for (let i = 0; i < 30; i++) requests.push(request(100 + i, 120_000 + i, 'write-email', 500, 50, 10 + (i % 10)))
    requests.push(request(130, 179_999, 'write-email', 5_000_000_000, 50, 19))
    const zones = [
      { label: 'UTC+00:00', firstUser: 0, lastUser: 9 },
      { label: 'UTC+01:00', firstUser: 10, lastUser: 19 },
    ]
    const profile = await profileTraffic(requests, { zones, durationMs: 180_000 })
    expect(profile.requests).toBe(131)
    expect(profile.users).toBe(20)
    expect(profile.spanMs).toBe(179_999)
    expect(profile.meanPerMinute).toBeCloseTo(131 / 3, 10)
    expect(profile.peakPerMinute).toBe(100)
    expect(profile.peakMinute).toBe(0)
    const chat = profile.tasks.find((task) => task.task === 'chat')
    expect(chat).toMatchObject({ requests: 100, input: { p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 }, output: { p50: 100, p90: 180, p99: 198, max: 200 } })
    const email = profile.tasks.find((task) => task.task === 'write-email')
    expect(email?.input.max).toBe(5_000_000_000)
    expect(email?.input.p50).toBe(500)
    expect(profile.inputTokens).toBe(5050 + 30 * 500 + 5_000_000_000)
    expect(profile.timeZones).toEqual([
      { label: 'UTC+00:00', requests: 100, share: 100 / 131 },
      { label: 'UTC+01:00', requests: 31, share: 31 / 131 },
    ])
    const text = formatProfile(profile)
    expect(text).toMatch(/131 requests from 20 users over 3\.0 min/)
    expect(text).toMatch(/mean 43\.7, peak 100 \(minute 0\)/)
    expect(text).toMatch(/chat +76\.3% +50 \/ 90 \/ 99 +100 \/ 180 \/ 198/)
    expect(text).toMatch(/time zones: UTC\+00:00 76\.3%, UTC\+01:00 23\.7%/)
  })
})
