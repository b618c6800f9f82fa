// The user-hash split of a run's traffic over worker threads: deterministic, disjoint, complete,
// one user in one share, applied after --segment and --max-requests.
import { describe, expect, it } from 'vitest'
import type { TrafficRequest } from '../../../core/traffic-types.js'
import { openTraffic, userShareOf, type TrafficSourceOptions } from '../../../load/traffic-source.js'

function requests(count: number, users: number): TrafficRequest[] {
  return Array.from({ length: count }, (_, k) => ({
    id: `r${String(k).padStart(4, '0')}`,
    offsetMs: k * 10,
    userId: `u${String((k * 7) % users).padStart(5, '0')}`,
    task: 'chat',
    messages: [{ role: 'user' as const, content: 'hi' }],
    inputTokens: 5,
    maxOutputTokens: 16,
  }))
}

async function ids(options: TrafficSourceOptions): Promise<TrafficRequest[]> {
  const out: TrafficRequest[] = []
  for await (const request of (await openTraffic(options, 1)).requests()) out.push(request)
  return out
}

describe('user share i/n of the traffic', () => {
  const all = requests(600, 97)

  it('is stable: FNV-1a of the user id, mod n (pinned values)', () => {
    // Pinned so that a run split today splits the same way on any machine and Node version.
    // FNV-1a 32-bit reference vectors: 'a' -> 0xe40c292c, 'foobar' -> 0xbf9cf968.
    expect(userShareOf('a', 1_000_000)).toBe((0xe40c292c % 1_000_000) + 1)
    expect(userShareOf('foobar', 1_000_000)).toBe((0xbf9cf968 % 1_000_000) + 1)
  })

  it.each([1, 2, 3, 5])('with n = %i: disjoint, complete, each user in exactly one share, deterministic', async (n) => {
    const shares: TrafficRequest[][] = []
    for (let index = 1; index <= n; index++) shares.push(await ids({ type: 'requests', requests: all, userShare: { index, count: n } }))
    const seen = shares.flat().map((request) => request.id)
    expect(new Set(seen).size).toBe(seen.length)
    expect([...seen].sort()).toEqual(all.map((request) => request.id))
    const shareOfUser = new Map<string, number>()
    shares.forEach((share, index) => {
      // Order within a share is the traffic's order (sorted by offset).
      expect(share.map((request) => request.offsetMs)).toEqual([...share.map((request) => request.offsetMs)].sort((a, b) => a - b))
      for (const request of share) {
        expect(shareOfUser.get(request.userId) ?? index).toBe(index)
        shareOfUser.set(request.userId, index)
      }
    })
    const again = await ids({ type: 'requests', requests: all, userShare: { index: 1, count: n } })
    expect(again.map((request) => request.id)).toEqual(shares[0]?.map((request) => request.id))
    if (n > 1) for (const share of shares) expect(share.length).toBeGreaterThan(0)
  })

  it('splits what --segment and --max-requests leave, and the estimate counts the share', async () => {
    const base: TrafficSourceOptions = { type: 'requests', requests: all, segment: { index: 2, count: 3 }, maxRequests: 50 }
    const whole = await ids(base)
    expect(whole).toHaveLength(50)
    const parts = [await ids({ ...base, userShare: { index: 1, count: 2 } }), await ids({ ...base, userShare: { index: 2, count: 2 } })]
    expect(parts.flat().map((request) => request.id).sort()).toEqual(whole.map((request) => request.id).sort())
    const source = await openTraffic({ ...base, userShare: { index: 1, count: 2 } }, 1)
    const estimate = await source.estimate()
    expect(estimate.requests).toBe(parts[0]?.length)
    expect(estimate.perSecond.reduce((a, b) => a + b, 0)).toBe(estimate.requests)
    expect(source.describe().segment).toBe('2/3 users 1/2')
  })

  it('rejects a share outside 1..n', async () => {
    await expect(openTraffic({ type: 'requests', requests: all, userShare: { index: 3, count: 2 } }, 1)).rejects.toMatchObject({ code: 'USAGE_INVALID' })
  })
})
