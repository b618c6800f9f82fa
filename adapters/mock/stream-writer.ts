// Writes an admitted chat answer as the scheduler releases its tokens: SSE frames, or a JSON body.
// The tokens of one release leave in one socket write; a non-streaming body is sent at the end.
//
//   onStart ─► headers + first frames │ onToken ─► frame, one flush per microtask │ onEnd ─► tail / JSON
//   onReject ─► 429 / 529             │ client gone ─► cancel the sequence
import type { MockContext, MockExchange } from './context.js'
import { rejectQueueFull, type AdmittedChat } from './gates.js'
import { sendJson } from './reply.js'
import type { SequenceCallbacks } from './scheduler.js'
import { generateMockPieces, MOCK_PIECES, MOCK_PIECES_JSON, mockTextKey } from './text.js'

/** Submits `chat` to the scheduler and answers it from the callbacks; all synchronous, no awaits. */
export function writeAnswer(context: MockContext, exchange: MockExchange, chat: AdmittedChat): void {
  const { profile, counters } = context
  // Locals, not property reads: the token callbacks below run once per token.
  const { response, codec, requestId, arrivedAtMs } = exchange
  const { parsed, inputTokens, outputTokens, finish, rateHeaders, scripted } = chat
  const answerId = codec.answerId(chat.index)
  const framer = codec.framer({
    id: answerId,
    model: parsed.model,
    created: Math.floor(Date.now() / 1000),
    inputTokens,
    cachedInputTokens: chat.cachedInputTokens,
    cacheWriteInputTokens: chat.cacheWriteInputTokens,
    includeUsage: parsed.includeUsage,
  })
  // Oracle answers stream their own pieces (one per token); other answers the generated text.
  const oracle = chat.answerPieces
  const pieces = oracle === undefined ? generateMockPieces(context.seed, mockTextKey(parsed.model, chat.texts), outputTokens, finish === 'stop') : new Uint16Array(0)
  const stream = parsed.stream
  const resetAfterTokens = scripted?.resetAfterTokens
  const omitTerminator = scripted?.omitTerminator === true
  const extraHeaders = scripted?.headers ?? {}
  const baseHeaders = { [codec.requestIdHeader]: requestId, 'x-gauntlet-profile': profile.name, ...rateHeaders, ...extraHeaders }

  let pending = ''
  let flushQueued = false
  let streamOpen = false
  let ended = false
  const flush = (): void => {
    flushQueued = false
    if (pending.length === 0 || response.destroyed) return
    response.write(pending)
    pending = ''
  }
  // Tokens released together (one step, or a whole instant answer) leave in one write.
  const queueFlush = (): void => {
    if (flushQueued) return
    flushQueued = true
    queueMicrotask(flush)
  }
  const closeStream = (): void => {
    if (!streamOpen) return
    streamOpen = false
    counters.openStreams--
  }

  counters.inputTokens += inputTokens
  counters.cachedInputTokens += chat.cachedInputTokens
  counters.cacheWriteInputTokens += chat.cacheWriteInputTokens
  const handle = context.scheduler.submit({
    inputTokens,
    prefillTokens: chat.prefillTokens,
    outputTokens,
    timing: chat.timing,
    arrivedAtMs,
    callbacks: guardCallbacks(() => {
      counters.errors++
      response.destroy()
    }, {
      onStart(queueMs) {
        if (!stream || response.destroyed) return
        response.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-gauntlet-queue-ms': queueMs.toFixed(1),
          ...baseHeaders,
        })
        streamOpen = true
        counters.openStreams++
        if (counters.openStreams > counters.peakConcurrentStreams) counters.peakConcurrentStreams = counters.openStreams
        pending += framer.start()
        queueFlush()
      },
      onToken(tokenIndex) {
        counters.outputTokens++
        if (stream) {
          counters.tokensStreamed++
          pending += framer.token(oracle === undefined ? (MOCK_PIECES_JSON[pieces[tokenIndex] as number] as string) : JSON.stringify(oracle[tokenIndex] ?? ''))
          queueFlush()
        }
        if (resetAfterTokens !== undefined && tokenIndex + 1 >= resetAfterTokens) {
          ended = true
          closeStream()
          const socket = response.socket
          if (stream && pending.length > 0 && !response.destroyed) {
            response.write(pending, () => socket?.resetAndDestroy())
            pending = ''
          } else {
            socket?.resetAndDestroy()
          }
          // Stop this sequence (instant answers call back inside submit(), before the handle exists).
          return false
        }
        return true
      },
      onEnd() {
        ended = true
        counters.completed++
        if (stream) {
          closeStream()
          if (response.destroyed) return
          const tail = pending + framer.end(finish, outputTokens, omitTerminator)
          pending = ''
          response.end(tail)
        } else {
          let answer = ''
          if (oracle !== undefined) answer = oracle.slice(0, outputTokens).join('')
          for (const piece of pieces) answer += MOCK_PIECES[piece]
          sendJson(response, 200, framer.body(answer, finish, outputTokens), baseHeaders)
        }
      },
      onReject() {
        ended = true
        rejectQueueFull(context, exchange, rateHeaders)
      },
    }),
  })
  response.on('close', () => {
    if (ended) return
    ended = true
    counters.cancelled++
    closeStream()
    handle.cancel()
  })
}

/**
 * Scheduler callbacks run from timers: a throw there would crash the process. A bug in one answer
 * instead breaks that answer (`onBug`) and stops its sequence.
 */
function guardCallbacks(onBug: () => void, callbacks: SequenceCallbacks): SequenceCallbacks {
  const guard =
    <A extends unknown[], R>(callback: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return callback(...args)
      } catch {
        onBug()
        return fallback
      }
    }
  return {
    onStart: guard(callbacks.onStart, undefined),
    onToken: guard(callbacks.onToken, false),
    onEnd: guard(callbacks.onEnd, undefined),
    onReject: guard(callbacks.onReject, undefined),
  }
}
