// Mock profiles: the built-ins are valid, unknown names and bad custom profiles are one-line user errors.
import { describe, expect, it } from 'vitest'
import { UserError } from '../../../core/errors.js'
import { getMockProfile, MOCK_PROFILES, resolveMockProfile } from '../../../adapters/mock/profiles.js'

describe('mock profiles', () => {
  it('ships the named profiles, each valid', () => {
    expect(Object.keys(MOCK_PROFILES)).toEqual(expect.arrayContaining(['instant', 'fast', 'typical-cloud', 'overloaded', 'exact']))
    for (const [name, profile] of Object.entries(MOCK_PROFILES)) {
      expect(profile.name).toBe(name)
      expect(resolveMockProfile({ ...profile })).toEqual(profile)
      expect(profile.models).toContain(`mock-${name}`)
    }
    expect(getMockProfile('exact').exact).toEqual({ ttftMs: 200, itlMs: 20 })
  })

  it('rejects an unknown name, listing the known ones', () => {
    expect(() => getMockProfile('nope')).toThrow(UserError)
    expect(() => getMockProfile('nope')).toThrow(/unknown profile "nope"; expected one of instant, fast, typical-cloud, overloaded, exact/)
    expect(() => getMockProfile('toString')).toThrow(UserError)
  })

  it('collects every problem of a custom profile and rejects unknown keys', () => {
    const bad = { ...getMockProfile('fast'), capacity: 0, timing: { ...getMockProfile('fast').timing, decodeBaseMs: -1 }, surprise: true }
    try {
      resolveMockProfile(bad as never)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(UserError)
      expect((error as UserError).code).toBe('CONFIG_INVALID')
      const message = (error as UserError).message
      expect(message).toMatch(/capacity/)
      expect(message).toMatch(/timing\.decodeBaseMs/)
      expect(message).toMatch(/surprise/)
    }
  })
})
