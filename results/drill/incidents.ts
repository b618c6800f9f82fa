// Incidents: per fault phase, when the band first saw it (detect) and when the endpoint was back inside it (recover).
import { judgeBucket, type Band, type BucketJudgement } from './band.js'
import type { DrillBucket } from './buckets.js'
import type { DrillPhase } from './phase-verdict.js'

export type RecoveryStatus = 'recovered' | 'not-recovered' | 'not-measurable'

export interface Incident {
  /** The fault phase. */
  phase: string
  fromMs: number
  toMs: number
  /**
   * From the fault's start to the end of the first bucket outside the band — when a monitor with
   * buckets this wide could first have seen it; null: never.
   */
  detectMs: number | null
  /** Which limits that bucket broke, e.g. `error rate 40.0 % > 1.0 %`. */
  detectReasons: string[]
  recovery: RecoveryStatus
  /** Start of the first of `recoverBuckets` healthy buckets, minus the phase end; null unless recovered. */
  recoverMs: number | null
  /** Where the search for recovery stopped: the next fault phase's start, or the end of the data. */
  windowEndMs: number
  note: string | null
}

function isIncident(phase: DrillPhase): boolean {
  return phase.faults.length > 0 && !phase.fading
}

export function findIncidents(phases: readonly DrillPhase[], buckets: readonly DrillBucket[], bucketMs: number, band: Omit<Band, 'noise'>): Incident[] {
  const sorted = [...phases].sort((a, b) => a.fromMs - b.fromMs)
  const judgements = buckets.map((bucket) => judgeBucket(bucket, band))
  const dataEndMs = buckets.length * bucketMs
  const incidents: Incident[] = []
  sorted.forEach((phase, index) => {
    if (!isIncident(phase)) return
    // Detect: the first judged bucket, centred in the phase, outside the band.
    let detectMs: number | null = null
    let detectReasons: string[] = []
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as DrillBucket
      const middle = bucket.t + bucketMs / 2
      if (middle < phase.fromMs || middle >= phase.toMs) continue
      const judgement = judgements[i] as BucketJudgement
      if (judgement.judged && !judgement.healthy) {
        detectMs = Math.max(0, bucket.t + bucketMs - phase.fromMs)
        detectReasons = judgement.reasons
        break
      }
    }
    // Recover: from the phase end, until the next fresh fault (calm and fading phases belong
    // to the recovery), the first run of `recoverBuckets` judged buckets inside the band.
    const next = sorted.slice(index + 1).find(isIncident)
    const windowEndMs = Math.min(next?.fromMs ?? Number.POSITIVE_INFINITY, dataEndMs)
    const incident: Incident = {
      phase: phase.name,
      fromMs: phase.fromMs,
      toMs: phase.toMs,
      detectMs,
      detectReasons,
      recovery: 'not-measurable',
      recoverMs: null,
      windowEndMs,
      note: null,
    }
    if (next !== undefined && next.fromMs - phase.toMs < bucketMs) {
      incident.note = `${next.name} began as ${phase.name} ended: no time in between to recover`
      incidents.push(incident)
      return
    }
    let runStart: number | undefined
    let runLength = 0
    let judgedInWindow = 0
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as DrillBucket
      if (bucket.t < phase.toMs || bucket.t + bucketMs > windowEndMs) continue
      const judgement = judgements[i] as BucketJudgement
      if (!judgement.judged) continue
      judgedInWindow++
      if (!judgement.healthy) {
        runStart = undefined
        runLength = 0
        continue
      }
      runStart ??= bucket.t
      runLength++
      if (runLength >= band.options.recoverBuckets) break
    }
    if (judgedInWindow === 0) {
      incident.note = 'no bucket with enough requests after the fault ended'
    } else if (runStart !== undefined) {
      incident.recovery = 'recovered'
      incident.recoverMs = runStart - phase.toMs
      if (runLength < band.options.recoverBuckets) {
        incident.note = `only ${runLength} judged bucket${runLength === 1 ? '' : 's'} inside the band before the ${next === undefined ? 'data ended' : `${next.name} began`}`
      }
    } else {
      incident.recovery = 'not-recovered'
      incident.note = next === undefined ? 'still outside the band when the drill ended' : `still outside the band when ${next.name} began`
    }
    incidents.push(incident)
  })
  return incidents
}
