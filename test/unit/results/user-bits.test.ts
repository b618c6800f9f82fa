import { describe, expect, it } from 'vitest'
import { UserBits, UserIndex } from '../../../results/accumulate/user-bits.js'

describe('UserBits: distinct users per bucket, one bit each', () => {
  it('counts each user once, however often and in whatever order they come', () => {
    const index = new UserIndex()
    const bits = new UserBits()
    const ids = ['u7', 'u1', 'u7', 'u10000', 'u1', 'u3']
    for (const id of ids) bits.add(index.numberOf(id))
    expect(bits.size).toBe(new Set(ids).size)
    expect(index.numberOf('u7')).toBe(0)
    expect(index.numberOf('u3')).toBe(3)
  })

  it('unions two buckets to the distinct users of both, as a Set of strings would', () => {
    const index = new UserIndex()
    const a = new UserBits()
    const b = new UserBits()
    const left = Array.from({ length: 3_000 }, (_, i) => `u${i * 3}`)
    const right = Array.from({ length: 5_000 }, (_, i) => `u${i * 2}`)
    for (const id of left) a.add(index.numberOf(id))
    for (const id of right) b.add(index.numberOf(id))
    const truth = new Set([...left, ...right]).size
    expect(a.union(b).size).toBe(truth)
    expect(b.union(a).size).toBe(truth)
    expect(a.union(new UserBits()).size).toBe(left.length)
    // The halves are untouched.
    expect([a.size, b.size]).toEqual([left.length, right.length])
  })

  it('counts bit 31 of a word (the sign bit of the 32-bit word) like any other', () => {
    const bits = new UserBits()
    for (const n of [31, 63, 0, 32]) bits.add(n)
    expect(bits.size).toBe(4)
    expect(bits.union(new UserBits()).size).toBe(4)
  })
})
