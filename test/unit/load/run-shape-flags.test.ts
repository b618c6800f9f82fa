// `run --rate ... --input-tokens ...` builds the same run options as the matching --shape;
// --concurrency is the closed schedule; conflicts are one line; a closed-loop traffic file's
// header gives the run its schedule unless schedule flags are given.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { applyFileSchedule } from '../../../bin/file-schedule.js'
import { buildRunOptions, type RunFlags } from '../../../bin/run-options.js'
import { createTrafficWriter } from '../../../load/traffic-writer.js'
import { shapeRequests } from '../../../load/workload/shape.js'
import { shapeFromFlags } from '../../../load/workload/shape-flags.js'
import { shapeHeader } from '../../../load/workload/shape-header.js'

function flags(extra: Partial<RunFlags>): RunFlags {
  return { target: 'mock:instant', stream: true, report: false, ...extra }
}

function messageOf(action: () => unknown): string {
  try {
    action()
  } catch (error) {
    return (error as Error).message
  }
  return 'no error'
}

describe('run shape flags', () => {
  it('give the same traffic and schedule as the matching --shape', () => {
    const byFlags = buildRunOptions(flags({ rate: '50', duration: '10s', inputTokens: '512', outputTokens: '128' }))
    const byShape = buildRunOptions(flags({ shape: 'rate=50,input=512,output=128,duration=10s' }))
    expect(byFlags.traffic).toEqual(byShape.traffic)
    expect(byFlags.schedule).toEqual(byShape.schedule)
    expect(byFlags.schedule).toEqual({ type: 'open', timeScale: 1 })
  })

  it('run --concurrency C as the closed schedule with C users', () => {
    const options = buildRunOptions(flags({ concurrency: '4', requests: '20', inputTokens: '64', outputTokens: '8', thinkTime: '100' }))
    expect(options.schedule).toEqual({ type: 'closed', users: 4, thinkTimeMs: 100 })
    expect(options.traffic).toMatchObject({ type: 'shape', shape: { concurrency: 4, requests: 20 } })
  })

  it.each<[Partial<RunFlags>, RegExp]>([
    [{ traffic: 'a.jsonl', rate: '5' }, /^--traffic and --rate both given: .*drop --traffic or the shape flags$/],
    [{ preset: 'peak-hour', rate: '5', duration: '1s' }, /^--preset and --rate, --duration both given/],
    [{ shape: 'rate=1,input=64,output=8,requests=1', inputTokens: '64' }, /^--shape and --input-tokens both given/],
    [{ rate: '5', concurrency: '2', requests: '4', inputTokens: '64', outputTokens: '8' }, /^--rate and --concurrency both given/],
    [{ rate: '5', inputTokens: '64', outputTokens: '8' }, /^--rate needs --duration D or --requests N/],
    [{ rate: '5', duration: '1s', inputTokens: '64', outputTokens: '8', users: '3' }, /^--rate and --users both given: .*give --concurrency C instead of --rate$/],
    [{ concurrency: '2', requests: '4', inputTokens: '64', outputTokens: '8', users: '3' }, /^--concurrency and --users both given/],
  ])('rejects %o in one line', (extra, pattern) => {
    const message = messageOf(() => buildRunOptions(flags(extra)))
    expect(message).toMatch(pattern)
    expect(message.split('\n')).toHaveLength(1)
  })
})

describe('a closed-loop traffic file', () => {
  async function closedFile(): Promise<string> {
    const path = join(mkdtempSync(join(tmpdir(), 'gauntlet-closed-')), 'closed.jsonl')
    const shape = shapeFromFlags({ concurrency: '3', requests: '6', inputTokens: '32', outputTokens: '4' })
    const writer = createTrafficWriter(path, shapeHeader(shape, 1, undefined))
    for (const request of shapeRequests(shape, 1)) await writer.write(request)
    await writer.close()
    return path
  }

  it('runs with the schedule its header asks for when no schedule flag is given', async () => {
    const path = await closedFile()
    const options = buildRunOptions(flags({ traffic: path }))
    const line = await applyFileSchedule(options, flags({ traffic: path }))
    expect(options.schedule).toEqual({ type: 'closed', users: 3, thinkTimeMs: 0 })
    expect(line).toBe(`${path} asks for --users 3 (its header); running it so (give --users N to change)`)
  })

  it('leaves the schedule flags given alone, and says so', async () => {
    const path = await closedFile()
    const given = flags({ traffic: path, users: '1' })
    const options = buildRunOptions(given)
    expect(await applyFileSchedule(options, given)).toMatch(/asks for --users 3; running with the schedule flags given instead$/)
    expect(options.schedule).toEqual({ type: 'closed', users: 1, thinkTimeMs: 0 })
  })
})
