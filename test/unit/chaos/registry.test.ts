// The fault registry: built-ins, user faults with their own schema, spec validation and faults files.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { afterEach, describe, expect, it } from 'vitest'
import { createFault, faultTypes, isFaultType, loadFaultsFile, parseFaultSpec, parseFaultSpecs, registerFault, unregisterFault } from '../../../chaos/registry.js'

afterEach(() => {
  unregisterFault('add-header')
})

describe('registry', () => {
  it('knows the built-in fault types', () => {
    expect(faultTypes()).toEqual(['bandwidth', 'blackhole', 'first-token-delay', 'latency', 'malformed-sse', 'reset', 'slicer', 'slow-tokens', 'stall', 'status', 'truncate'])
  })

  it('takes a user fault with its own schema, validated like the built-ins', async () => {
    registerFault(
      'add-header',
      (params) => ({
        type: 'add-header',
        async onRequest() {
          return { status: 200, headers: { [params.name]: params.value } }
        },
      }),
      z.strictObject({ name: z.string(), value: z.string().default('1') }),
    )
    expect(isFaultType('add-header')).toBe(true)
    const spec = parseFaultSpec({ type: 'add-header', params: { name: 'x-a' } }, 'config')
    expect(spec).toEqual({ type: 'add-header', name: 'add-header', toxicity: 1, params: { name: 'x-a', value: '1' } })
    expect(await createFault(spec).onRequest?.({} as never)).toEqual({ status: 200, headers: { 'x-a': '1' } })
    expect(() => parseFaultSpec({ type: 'add-header', params: { nme: 'x' } }, 'config')).toThrow(/params.nme: unknown key/)
  })

  it('refuses a type name that is not kebab-case', () => {
    expect(() => registerFault('My Fault', () => ({ type: 'x' }))).toThrow(/kebab-case/)
  })

  it('validates lists: not an array, duplicate names, bad names', () => {
    expect(() => parseFaultSpecs({ type: 'latency' }, 'f.json')).toThrow(/f.json: faults: expected an array of fault specs, received an object/)
    expect(() => parseFaultSpecs([{ type: 'latency' }, { type: 'latency' }], 'f.json')).toThrow(/faults\[1\].name: duplicate fault name "latency"/)
    expect(() => parseFaultSpecs([{ type: 'latency', name: 'a,b' }], 'f.json')).toThrow(/faults\[0\].name/)
    expect(parseFaultSpecs([{ type: 'latency' }, { type: 'latency', name: 'second' }], 'f.json').map((spec) => spec.name)).toEqual(['latency', 'second'])
  })
})

describe('faults files', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
    dir = undefined
  })

  it('reads the shipped example and both shapes (array, {faults})', async () => {
    const example = await loadFaultsFile('chaos/examples/faults.json')
    expect(example.map((spec) => spec.name)).toEqual(['latency', 'rate-limit', 'broken-json'])
    dir = await mkdtemp(join(tmpdir(), 'gauntlet-faults-'))
    const arrayFile = join(dir, 'a.json')
    await writeFile(arrayFile, JSON.stringify([{ type: 'truncate' }]))
    expect(await loadFaultsFile(arrayFile)).toEqual([{ type: 'truncate', name: 'truncate', toxicity: 1, params: {} }])
    const extraKey = join(dir, 'b.json')
    await writeFile(extraKey, JSON.stringify({ faults: [], toxics: [] }))
    await expect(loadFaultsFile(extraKey)).rejects.toMatchObject({ code: 'CHAOS_INVALID', message: expect.stringContaining('toxics: unknown key') })
    const unknown = join(dir, 'c.json')
    await writeFile(unknown, JSON.stringify([{ type: 'slow_tokens' }]))
    await expect(loadFaultsFile(unknown)).rejects.toMatchObject({ code: 'CHAOS_UNKNOWN_FAULT' })
  })
})
