// The recorder fans every Sample out to every Sink in order; a sink that throws is switched off
// with one problem line while the others keep every sample; start/stop failures are reported.
import { describe, expect, it } from 'vitest'
import { createRecorder } from '../../../results/recorder.js'
import { createMemorySink } from '../../../results/sinks/memory.js'
import type { RunInfo, Sample, Sink } from '../../../results/types.js'

const RUN: RunInfo = { runId: 'run-1', name: 'test', startedAt: '2025-01-01T00:00:00.000Z', config: {} }

const sample = (i: number): Sample => ({ requestId: `r${i}`, attempt: 1, userId: 'u', task: 'chat', outcome: 'ok', scheduledAtMs: i })

/** A sink that logs every call it gets into `log`, as `name:call[:requestId]`. */
function loggingSink(name: string, log: string[], fail: { start?: boolean; recordAt?: number; stop?: boolean } = {}): Sink {
  let records = 0
  return {
    name,
    async start(run) {
      log.push(`${name}:start:${run.runId}`)
      if (fail.start === true) throw new Error(`${name} cannot open its file`)
    },
    record(s) {
      records++
      if (fail.recordAt === records) throw new Error(`${name} disk full`)
      log.push(`${name}:record:${s.requestId}`)
    },
    async stop() {
      log.push(`${name}:stop`)
      if (fail.stop === true) throw new Error(`${name} flush failed`)
    },
  }
}

describe('recorder', () => {
  it('hands each sample to every sink in sink order, and starts and stops them in order', async () => {
    const log: string[] = []
    const recorder = createRecorder([loggingSink('a', log), loggingSink('b', log)])
    await recorder.start(RUN)
    recorder.record(sample(1))
    recorder.record(sample(2))
    await recorder.stop()
    expect(log).toEqual(['a:start:run-1', 'b:start:run-1', 'a:record:r1', 'b:record:r1', 'a:record:r2', 'b:record:r2', 'a:stop', 'b:stop'])
    expect(recorder.problems).toEqual([])
  })

  it('passes the same Sample object on (sinks must not need copies)', () => {
    const first = createMemorySink()
    const second = createMemorySink()
    const recorder = createRecorder([first, second])
    const one = sample(1)
    recorder.record(one)
    expect(first.samples[0]).toBe(one)
    expect(second.samples[0]).toBe(one)
  })

  it('switches a throwing sink off once, with one problem line, while the others keep every sample', async () => {
    const log: string[] = []
    const before = createMemorySink()
    const after = createMemorySink()
    const recorder = createRecorder([before, loggingSink('flaky', log, { recordAt: 3 }), after])
    await recorder.start(RUN)
    for (let i = 1; i <= 10; i++) expect(() => recorder.record(sample(i))).not.toThrow()
    await recorder.stop()
    const ids = Array.from({ length: 10 }, (_, i) => `r${i + 1}`)
    expect(before.samples.map((s) => s.requestId)).toEqual(ids)
    expect(after.samples.map((s) => s.requestId)).toEqual(ids)
    // Samples 1–2 reached it; 3 threw; nothing after.
    expect(log.filter((entry) => entry.includes(':record:'))).toEqual(['flaky:record:r1', 'flaky:record:r2'])
    expect(recorder.problems).toEqual(["sink 'flaky' failed and was switched off: flaky disk full"])
  })

  it('reports a sink whose start fails, switches it off and keeps the others recording', async () => {
    const log: string[] = []
    const memory = createMemorySink()
    const recorder = createRecorder([loggingSink('broken', log, { start: true }), memory])
    await expect(recorder.start(RUN)).resolves.toBeUndefined()
    recorder.record(sample(1))
    expect(memory.samples).toHaveLength(1)
    expect(log).not.toContain('broken:record:r1')
    expect(recorder.problems).toEqual(["sink 'broken' failed and was switched off: broken cannot open its file"])
  })

  it('reports a sink whose stop fails and still stops the others', async () => {
    const log: string[] = []
    const recorder = createRecorder([loggingSink('a', log, { stop: true }), loggingSink('b', log)])
    await recorder.start(RUN)
    await expect(recorder.stop()).resolves.toBeUndefined()
    expect(log).toContain('b:stop')
    expect(recorder.problems).toEqual(["sink 'a' failed and was switched off: a flush failed"])
  })

  it('still stops a sink switched off in record() but reports it once', async () => {
    // The jsonl sink rethrows its write error from stop(): one broken disk is still one line.
    const log: string[] = []
    const recorder = createRecorder([loggingSink('jsonl', log, { recordAt: 1, stop: true }), createMemorySink()])
    await recorder.start(RUN)
    recorder.record(sample(1))
    await recorder.stop()
    expect(recorder.problems).toHaveLength(1)
  })

  it('reports a non-Error throw by its string form', () => {
    const recorder = createRecorder([
      {
        name: 'odd',
        record: () => {
          throw 'nope'
        },
      },
    ])
    recorder.record(sample(1))
    recorder.record(sample(2))
    expect(recorder.problems).toEqual(["sink 'odd' failed and was switched off: nope"])
  })

  it('works with sinks that have no start or stop', async () => {
    const memory = createMemorySink()
    const recorder = createRecorder([memory])
    await recorder.start(RUN)
    recorder.record(sample(1))
    await recorder.stop()
    expect(memory.samples).toHaveLength(1)
  })
})
