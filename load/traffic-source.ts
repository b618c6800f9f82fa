// Where a run's traffic comes from: a traffic file, a preset generated on the fly (streamed,
// never held in memory), a fixed shape (`--shape`), or requests given in code. Also the pre-run token estimate.
import type { ChatMessage } from '../adapters/types.js'
import { generateTraffic } from './workload/generate.js'
import { describeShape, shapeRequests, type TrafficShape } from './workload/shape.js'
import { UserError } from '../core/errors.js'
import { capTurns, prefixMessages, turnCount, turnRequestId, warmChain } from './chain/history.js'
import { expandMessages, readTraffic } from './traffic.js'
import type { TrafficHeader, TrafficRequest } from '../core/traffic-types.js'

export interface Segment {
  index: number
  count: number
}

export type TrafficSourceOptions = (
  | { type: 'file'; path: string }
  | { type: 'preset'; preset: string; employees?: number; timeScale?: number; window?: string }
  | { type: 'requests'; requests: readonly TrafficRequest[]; source?: string }
  | { type: 'shape'; shape: TrafficShape }
) & {
  /** Only segment i/n by request index (`--segment`): the k-th request belongs to (k mod n) + 1. */
  segment?: Segment
  maxRequests?: number
  /**
   * Only the requests of the users in share i/n: those whose `userShareOf(userId, n)` is i.
   * Taken after `segment` and `maxRequests` (a worker thread's share of the run's traffic), so a
   * simulated user's requests, patience and quitting all stay in one share.
   */
  userShare?: Segment
  /** Caps every request's max and target output tokens (cost control, quick runs). */
  maxOutputTokens?: number
  /** Requests already recorded (`run --resume`): left out, after every other selection. */
  skipIds?: ReadonlySet<string>
}

export interface TrafficEstimate {
  requests: number
  inputTokens: number
  /** Target output tokens where known, else max output tokens. */
  outputTokens: number
  spanMs: number
  /** Earliest offset, ms (0 when there are none): where a resumed run's clock picks up. */
  firstOffsetMs: number
  /** Requests by second of offset (traffic time): index s counts offsets in [s, s+1) s. */
  perSecond: number[]
}

export interface TrafficSource {
  requests(): AsyncIterable<TrafficRequest>
  expand(request: TrafficRequest): ChatMessage[]
  estimate(): Promise<TrafficEstimate>
  describe(): { source: string; requests: number | null; seed: number | null; segment: string | null }
}

export async function openTraffic(options: TrafficSourceOptions, seed: number): Promise<TrafficSource> {
  let header: TrafficHeader | undefined
  let presetSeed: number | null = null
  let open: () => Promise<AsyncIterable<TrafficRequest>>
  let source: string
  if (options.type === 'file') {
    const first = await readTraffic(options.path, segmentOption(options.segment))
    header = first.header
    source = `${header.source} (${options.path})`
    let reused: AsyncIterable<TrafficRequest> | undefined = first.requests
    open = async () => {
      if (reused !== undefined) {
        const requests = reused
        reused = undefined
        return requests
      }
      return (await readTraffic(options.path, segmentOption(options.segment))).requests
    }
  } else if (options.type === 'preset') {
    const generateOptions: Parameters<typeof generateTraffic>[0] = { preset: options.preset, seed }
    if (options.employees !== undefined) generateOptions.employees = options.employees
    if (options.timeScale !== undefined) generateOptions.timeScale = options.timeScale
    if (options.window !== undefined) generateOptions.window = options.window
    const draft = generateTraffic(generateOptions).draftHeader
    source = draft.source
    presetSeed = draft.seed
    open = async () => segmentOf(generateTraffic(generateOptions).requests, options.segment)
  } else if (options.type === 'shape') {
    const { shape } = options
    source = describeShape(shape)
    presetSeed = seed
    open = async () =>
      segmentOf(
        (async function* () {
          yield* shapeRequests(shape, seed)
        })(),
        options.segment,
      )
  } else {
    const list = options.requests
    source = options.source ?? 'requests'
    open = async () =>
      segmentOf(
        (async function* () {
          yield* list
        })(),
        options.segment,
      )
  }
  if (options.userShare !== undefined) checkShare(options.userShare)
  const shaped = (requests: AsyncIterable<TrafficRequest>): AsyncIterable<TrafficRequest> =>
    skipDone(capOutput(userShareFilter(take(requests, options.maxRequests), options.userShare), options.maxOutputTokens), options.skipIds)
  const limited = async (): Promise<AsyncIterable<TrafficRequest>> => shaped(await open())
  // The estimate reads the traffic once more (streaming), so the first read is saved for the run.
  let estimatePass: Promise<TrafficEstimate> | undefined
  const estimate = async (): Promise<TrafficEstimate> => {
    const totals: TrafficEstimate = { requests: 0, inputTokens: 0, outputTokens: 0, spanMs: 0, firstOffsetMs: 0, perSecond: [] }
    // Expanding the first request of each task here warms the prompt builder's tables, so that
    // their one-time cost is paid before the run's clock starts, not on the first sends.
    const warmed = new Set<string>()
    const pass = options.type === 'file' ? (await readTraffic(options.path, segmentOption(options.segment))).requests : await open()
    for await (const request of shaped(pass)) {
      if (totals.requests === 0 || request.offsetMs < totals.firstOffsetMs) totals.firstOffsetMs = request.offsetMs
      totals.requests++
      const second = Math.floor(request.offsetMs / 1000)
      while (totals.perSecond.length <= second) totals.perSecond.push(0)
      totals.perSecond[second] = (totals.perSecond[second] as number) + 1
      totals.inputTokens += request.inputTokens
      totals.outputTokens += request.targetOutputTokens ?? request.maxOutputTokens
      for (const turn of request.turns ?? []) {
        totals.requests++
        totals.inputTokens += turn.inputTokens
        totals.outputTokens += turn.targetOutputTokens ?? turn.maxOutputTokens
      }
      totals.spanMs = Math.max(totals.spanMs, request.offsetMs)
      if (!warmed.has(request.task)) {
        warmed.add(request.task)
        const first = expandMessages(request)
        if (request.turns !== undefined) warmChain(request, first)
      }
      // Shared blocks are expanded here, once each, not on the first sends that name them.
      if (request.prefix !== undefined) prefixMessages(request.prefix)
    }
    return totals
  }
  let requestsIterable: AsyncIterable<TrafficRequest> | undefined
  return {
    requests() {
      // One pass, lazily opened.
      return {
        [Symbol.asyncIterator]: () => {
          let iterator: AsyncIterator<TrafficRequest> | undefined
          return {
            async next() {
              if (iterator === undefined) {
                requestsIterable ??= await limited()
                iterator = requestsIterable[Symbol.asyncIterator]()
              }
              return iterator.next()
            },
            async return() {
              await iterator?.return?.()
              return { done: true, value: undefined }
            },
          }
        },
      }
    },
    expand: expandMessages,
    estimate: () => (estimatePass ??= estimate()),
    describe: () => ({
      source,
      requests: header?.requestCount ?? (options.type === 'requests' ? options.requests.length : null),
      seed: header?.seed ?? presetSeed,
      segment: describeSegment(options),
    }),
  }
}

function describeSegment(options: TrafficSourceOptions): string | null {
  const parts: string[] = []
  if (options.segment !== undefined) parts.push(`${options.segment.index}/${options.segment.count}`)
  if (options.userShare !== undefined) parts.push(`users ${options.userShare.index}/${options.userShare.count}`)
  return parts.length === 0 ? null : parts.join(' ')
}

function segmentOption(segment: Segment | undefined): { segment?: Segment } {
  return segment === undefined ? {} : { segment }
}

/** Same rule as traffic files: the k-th request (0-based) belongs to segment (k mod n) + 1. */
function segmentOf(requests: AsyncIterable<TrafficRequest>, segment: Segment | undefined): AsyncIterable<TrafficRequest> {
  return segment === undefined ? requests : segmentGenerator(requests, segment)
}

async function* segmentGenerator(requests: AsyncIterable<TrafficRequest>, segment: Segment): AsyncIterable<TrafficRequest> {
  let k = 0
  for await (const request of requests) {
    if (k % segment.count === segment.index - 1) yield request
    k++
  }
}

/**
 * Which share (1-based, of `count`) a user belongs to: FNV-1a (32-bit) of the user id, mod count.
 * Stable across runs, machines and Node versions; the same id always lands in the same share.
 */
export function userShareOf(userId: string, count: number): number {
  return (userHash(userId) % count) + 1
}

function userShareFilter(requests: AsyncIterable<TrafficRequest>, share: Segment | undefined): AsyncIterable<TrafficRequest> {
  return share === undefined ? requests : userShareGenerator(requests, share)
}

function userHash(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

async function* userShareGenerator(requests: AsyncIterable<TrafficRequest>, share: Segment): AsyncIterable<TrafficRequest> {
  for await (const request of requests) {
    if (userShareOf(request.userId, share.count) === share.index) yield request
  }
}

function checkShare(share: Segment): void {
  if (!Number.isSafeInteger(share.index) || !Number.isSafeInteger(share.count) || share.count < 1 || share.index < 1 || share.index > share.count) {
    throw new UserError('USAGE_INVALID', `user share ${share.index}/${share.count} must be i/n with 1 ≤ i ≤ n; e.g. 2/4`)
  }
}

function take(requests: AsyncIterable<TrafficRequest>, limit: number | undefined): AsyncIterable<TrafficRequest> {
  return limit === undefined ? requests : takeGenerator(requests, limit)
}

async function* takeGenerator(requests: AsyncIterable<TrafficRequest>, limit: number): AsyncIterable<TrafficRequest> {
  let n = 0
  for await (const request of requests) {
    if (n++ >= limit) return
    yield request
  }
}

function capOutput(requests: AsyncIterable<TrafficRequest>, cap: number | undefined): AsyncIterable<TrafficRequest> {
  return cap === undefined ? requests : capGenerator(requests, cap)
}

async function* capGenerator(requests: AsyncIterable<TrafficRequest>, cap: number): AsyncIterable<TrafficRequest> {
  for await (const request of requests) {
    const capped: TrafficRequest = { ...request, maxOutputTokens: Math.min(request.maxOutputTokens, cap) }
    if (request.targetOutputTokens !== undefined) capped.targetOutputTokens = Math.min(request.targetOutputTokens, cap)
    if (request.turns !== undefined) capped.turns = capTurns(request, cap)
    yield capped
  }
}

/** No extra generator layer unless there is something to skip (the send path stays short). */
function skipDone(requests: AsyncIterable<TrafficRequest>, done: ReadonlySet<string> | undefined): AsyncIterable<TrafficRequest> {
  if (done === undefined || done.size === 0) return requests
  return (async function* () {
    for await (const request of requests) {
      // A chain is done once its last turn is recorded (a chain that ended early records every turn).
      if (!done.has(request.turns === undefined ? request.id : turnRequestId(request.id, turnCount(request)))) yield request
    }
  })()
}
