// Watches the client during a run: event-loop delay, CPU, the pacer's own cost and tokenizer
// loads, for the summary's `client` section (judged in results/client-health.ts).
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { tokenizerLoads } from '../core/tokens.js'
import type { ClientHealthFigures } from '../results/client-health.js'
import { pacerStats } from './schedules/pacer.js'

export interface SelfCheck {
  /** Stops watching; the figures cover start() to stop(). */
  stop(extra: { workers?: number; scheduleLagP99Ms: number | null }): ClientHealthFigures
}

/** 10 ms sampling: a timer a hundred times a second, negligible next to any load. */
const RESOLUTION_MS = 10

export function startSelfCheck(): SelfCheck {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  histogram.enable()
  const startedAtMs = performance.now()
  const cpuStart = process.cpuUsage()
  const pacerStart = pacerStats()
  const loadsBefore = tokenizerLoads().length
  return {
    stop(extra) {
      histogram.disable()
      const wallMs = Math.max(1, performance.now() - startedAtMs)
      const cpu = process.cpuUsage(cpuStart)
      const pacer = pacerStats()
      // The histogram holds each sampling interval whole: the delay is what exceeds the resolution.
      const ms = (ns: number): number | null =>
        histogram.count === 0 || !Number.isFinite(ns) ? null : Math.round(Math.max(0, ns / 1e6 - RESOLUTION_MS) * 100) / 100
      return {
        eventLoopDelayP50Ms: ms(histogram.percentile(50)),
        eventLoopDelayP99Ms: ms(histogram.percentile(99)),
        eventLoopDelayMaxMs: ms(histogram.max),
        cpuCores: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 1000,
        watchedMs: Math.round(wallMs),
        workers: extra.workers ?? 1,
        pacer: {
          waits: pacer.waits - pacerStart.waits,
          wakeups: pacer.wakeups - pacerStart.wakeups,
          yieldMs: Math.round((pacer.yieldMs - pacerStart.yieldMs) * 10) / 10,
        },
        tokenizerLoads: tokenizerLoads()
          .slice(loadsBefore)
          .map((load) => ({ atMs: Math.round(load.atMs - startedAtMs), durationMs: Math.round(load.durationMs) })),
        scheduleLagP99Ms: extra.scheduleLagP99Ms,
      }
    },
  }
}
