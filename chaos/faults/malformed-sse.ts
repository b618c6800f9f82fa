// malformed-sse: damages the SSE stream the way broken servers, proxies and middleboxes do.
// Variants (one per fault; add several faults for several):
//   broken-json      the target event's first data line loses the second half of its JSON
//   garbage-bytes    a line of random bytes (never CR/LF, so framing survives) as its own event,
//                    just before the target event
//   split-utf8       the target event is written in two writes `split_pause_ms` apart, split inside
//                    its first multi-byte UTF-8 character (mid-event when it has none): the bytes
//                    are all valid overall, only a client that decodes per chunk breaks
//   duplicate-event  the target event is sent twice
//   drop-usage       the usage is removed: OpenAI's usage chunk is dropped (or `usage` deleted from
//                    a chunk that also has choices); Anthropic's `usage` is deleted from
//                    message_start and message_delta
// The target event is the first one that carries content, or event number `at_event` (0-based).
import { z } from 'zod'
import { classifyFrame, frameJson, sseFrames, type SseFrame } from '../sse-frames.js'
import type { CreateFault } from '../types.js'

export const MALFORMED_SSE_VARIANTS = ['broken-json', 'garbage-bytes', 'split-utf8', 'duplicate-event', 'drop-usage'] as const

export type MalformedSseVariant = (typeof MALFORMED_SSE_VARIANTS)[number]

export const malformedSseParams = z.strictObject({
  variant: z.enum(MALFORMED_SSE_VARIANTS),
  /** 0-based index of the event to damage; default the first content event. */
  at_event: z.number().int().min(0).optional(),
  /** garbage-bytes: how many random bytes. */
  garbage_bytes: z.number().int().min(1).max(65_536).default(16),
  /** split-utf8: gap between the two writes, so they reach the client as two reads. */
  split_pause_ms: z.number().min(0).default(20),
})

export type MalformedSseParams = z.output<typeof malformedSseParams>

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The event with its first data line's JSON cut in half (line ends and other lines kept). */
export function breakJson(frame: SseFrame): Uint8Array {
  const text = decoder.decode(frame.raw)
  const match = /^data:( ?)([^\r\n]*)/m.exec(text)
  if (match === null) return frame.raw
  const value = match[2] ?? ''
  let cut = Math.floor(value.length / 2)
  // Never leave half a surrogate pair: the damage is to the JSON, not to the encoding.
  const code = value.charCodeAt(cut)
  if (code >= 0xdc00 && code <= 0xdfff) cut -= 1
  const start = match.index + 'data:'.length + (match[1] ?? '').length
  return encoder.encode(text.slice(0, start) + value.slice(0, cut) + text.slice(start + value.length))
}

/** Where to split the event's bytes: after the lead byte of its first multi-byte character, or mid-event. */
export function utf8SplitPoint(raw: Uint8Array): number {
  for (let i = 0; i < raw.length; i++) {
    if ((raw[i] as number) >= 0xc0) return i + 1
  }
  return Math.max(1, Math.floor(raw.length / 2))
}

/** The event without its usage, or undefined to drop it. */
export function dropUsage(frame: SseFrame): Uint8Array | undefined {
  const json = frameJson(frame)
  if (json === undefined) return frame.raw
  if (json['type'] === 'message_delta' && 'usage' in json) {
    delete json['usage']
    return replaceData(frame, json)
  }
  if (json['type'] === 'message_start') {
    const message = json['message']
    if (typeof message === 'object' && message !== null && 'usage' in message) {
      delete (message as Record<string, unknown>)['usage']
      return replaceData(frame, json)
    }
    return frame.raw
  }
  if (!('usage' in json) || json['usage'] === null) return frame.raw
  const choices = json['choices']
  if (!Array.isArray(choices) || choices.length === 0) return undefined
  delete json['usage']
  return replaceData(frame, json)
}

function replaceData(frame: SseFrame, json: Record<string, unknown>): Uint8Array {
  const text = decoder.decode(frame.raw)
  let replaced = false
  // Keep the event's other lines and its line endings; rewrite the data line(s) as one.
  const lines = text.match(/[^\r\n]*(?:\r\n|\r|\n|$)/g) ?? []
  let out = ''
  for (const line of lines) {
    if (line.length === 0) continue
    if (/^data:/.test(line)) {
      if (replaced) continue
      replaced = true
      const ending = /(\r\n|\r|\n)$/.exec(line)?.[1] ?? ''
      out += `data: ${JSON.stringify(json)}${ending}`
      continue
    }
    out += line
  }
  return encoder.encode(out)
}

/** `count` random bytes without CR or LF, then a blank line: an event of pure noise. */
export function garbageFrame(count: number, next: () => number): Uint8Array {
  const bytes = new Uint8Array(count + 2)
  for (let i = 0; i < count; i++) {
    let value = Math.floor(next() * 254)
    // 254 values: skip LF (10) and CR (13) so the noise cannot end a line or an event.
    if (value >= 10) value += 1
    if (value >= 13) value += 1
    bytes[i] = value
  }
  bytes[count] = 0x0a
  bytes[count + 1] = 0x0a
  return bytes
}

export const createMalformedSseFault: CreateFault<MalformedSseParams> = (params) => ({
  type: 'malformed-sse',
  async *pipe(body, context) {
    if (context.response?.eventStream !== true) {
      yield* body
      return
    }
    let index = 0
    let hit = false
    for await (const frame of sseFrames(body)) {
      const position = index
      index += 1
      if (context.interrupted) {
        yield frame.raw
        continue
      }
      if (params.variant === 'drop-usage') {
        const kept = dropUsage(frame)
        if (kept !== undefined) yield kept
        continue
      }
      const isTarget = !hit && (params.at_event === undefined ? classifyFrame(frame) === 'content' : position === params.at_event)
      if (!isTarget) {
        yield frame.raw
        continue
      }
      hit = true
      switch (params.variant) {
        case 'broken-json':
          yield breakJson(frame)
          break
        case 'garbage-bytes':
          yield garbageFrame(params.garbage_bytes, () => context.random.next())
          yield frame.raw
          break
        case 'split-utf8': {
          const split = utf8SplitPoint(frame.raw)
          yield frame.raw.subarray(0, split)
          await context.sleep(params.split_pause_ms)
          yield frame.raw.subarray(split)
          break
        }
        case 'duplicate-event':
          yield frame.raw
          yield frame.raw
          break
      }
    }
  },
})
