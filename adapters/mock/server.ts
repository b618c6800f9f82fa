// The embedded mock LLM endpoint's HTTP listener and routing (`createMockServer`).
// Chat requests pass the gates (gates.ts); the admitted ones go to the stream writer.
//
//   request ─► route ─┬─ /v1/chat/completions, /v1/messages ─► gates.ts ─► stream-writer.ts ─► scheduler
//                     └─ /health, /v1/models[/{id}], 404, 405 ─► answered here
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { UserError } from '../../core/errors.js'
import { createRandom } from '../../core/random.js'
import { getEncoder } from '../../core/tokens.js'
import { anthropicCodec } from './anthropic.js'
import { createMockCounters, type MockContext, type MockExchange } from './context.js'
import { admitChat, readBody, rejectsKey } from './gates.js'
import { openaiCodec } from './openai.js'
import { createMockPrefixCache } from './prompt-cache.js'
import { resolveMockProfile } from './profiles.js'
import { createRateLimiter } from './rate-limit.js'
import { sendFailure, sendJson } from './reply.js'
import { createMockScheduler, systemMockTimer } from './scheduler.js'
import { writeAnswer } from './stream-writer.js'
import type { MockServer, MockServerOptions, MockStats } from './types.js'

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const profile = resolveMockProfile(options.profile ?? 'typical-cloud')
  const host = options.host ?? '127.0.0.1'
  const requestedPort = options.port ?? 0
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new UserError('CONFIG_INVALID', `mock: port must be an integer from 0 to 65535, got ${String(requestedPort)}; use 0 for a free port`)
  }
  const seed = options.seed ?? 1
  if (!Number.isInteger(seed)) {
    throw new UserError('CONFIG_INVALID', `mock: seed must be an integer, got ${String(seed)}`)
  }
  // Loading the WASM encoder takes ~1 s; pay it now rather than inside the first request's TTFT.
  getEncoder('o200k_base')
  const context: MockContext = {
    profile,
    seed,
    apiKeys: options.apiKeys !== undefined && options.apiKeys.length > 0 ? new Set(options.apiKeys) : undefined,
    modelSet: new Set(profile.models),
    script: options.script,
    scheduler: createMockScheduler({ profile, timer: systemMockTimer, random: createRandom(seed).fork('scheduler') }),
    limiter: profile.rateLimits === undefined ? undefined : createRateLimiter(profile.rateLimits),
    prefixCache: createMockPrefixCache(profile),
    counters: createMockCounters(),
    pendingTimers: new Set(),
  }
  const { counters, scheduler, pendingTimers } = context
  let requestCounter = 0
  const liveResponses = new Set<ServerResponse>()

  // One await (the body); from there to the scheduler everything runs in the same turn.
  const handleChat = async (exchange: MockExchange): Promise<void> => {
    const body = await readBody(exchange.request, profile.maxBodyBytes)
    const chat = admitChat(context, exchange, body)
    if (chat !== undefined) writeAnswer(context, exchange, chat)
  }

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const arrivedAtMs = performance.now()
    counters.requests++
    requestCounter++
    const requestId = `req_gauntlet${requestCounter.toString(36).padStart(10, '0')}`
    // A client that resets mid-write makes the response emit 'error'; that is the client's
    // outcome to record, not ours, and the 'close' handler already released the sequence.
    response.on('error', () => undefined)
    liveResponses.add(response)
    response.on('close', () => liveResponses.delete(response))
    const url = request.url ?? '/'
    const queryAt = url.indexOf('?')
    const path = queryAt === -1 ? url : url.slice(0, queryAt)
    const codec =
      path === '/v1/messages' || (path !== '/v1/chat/completions' && request.headers['anthropic-version'] !== undefined)
        ? anthropicCodec
        : openaiCodec
    const method = request.method ?? 'GET'
    const exchange: MockExchange = { request, response, codec, requestId, arrivedAtMs }

    if (path === '/v1/chat/completions' || path === '/v1/messages') {
      if (method !== 'POST') {
        request.resume()
        sendFailure(counters, exchange, { kind: 'method_not_allowed', message: `Method ${method} is not allowed on ${path}; use POST.` }, { allow: 'POST' })
        return
      }
      handleChat(exchange).catch((error: unknown) => {
        // A bug in the mock: answer 500, or break a stream already started rather than leave it hanging.
        if (response.headersSent) {
          counters.errors++
          response.destroy()
          return
        }
        sendFailure(counters, exchange, { kind: 'internal', message: `Mock internal error: ${error instanceof Error ? error.message : String(error)}` })
      })
      return
    }
    request.resume()
    if (method === 'GET' && path === '/health') {
      sendJson(response, 200, JSON.stringify({ status: 'ok', profile: profile.name }), {})
      return
    }
    if (method === 'GET' && path === '/v1/models') {
      if (rejectsKey(context, exchange)) return
      sendJson(response, 200, codec.modelList(profile.models), { [codec.requestIdHeader]: requestId })
      return
    }
    if (method === 'GET' && path.startsWith('/v1/models/')) {
      if (rejectsKey(context, exchange)) return
      const model = decodeURIComponent(path.slice('/v1/models/'.length))
      if (profile.strictModels && !context.modelSet.has(model)) {
        sendFailure(counters, exchange, { kind: 'model_not_found', param: 'model', message: `The model \`${model}\` does not exist.` })
        return
      }
      sendJson(response, 200, codec.modelInfo(model), { [codec.requestIdHeader]: requestId })
      return
    }
    sendFailure(counters, exchange, { kind: 'not_found', message: `Invalid URL (${method} ${path})` })
  }

  const server = createServer({ noDelay: true }, handle)
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL') {
        reject(
          new UserError(
            'CONFIG_INVALID',
            `mock: cannot listen on ${host}:${requestedPort} (${error.code}); choose another --port (0 picks a free one) or --host`,
            { cause: error },
          ),
        )
      } else {
        reject(error)
      }
    }
    server.once('error', onError)
    server.listen({ port: requestedPort, host, backlog: 4096 }, () => {
      server.off('error', onError)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  let closing: Promise<void> | undefined

  return {
    url: `http://${hostForUrl(host)}:${port}`,
    port,
    profile,
    stats(): MockStats {
      const schedulerStats = scheduler.stats()
      return {
        requests: counters.requests,
        chatRequests: counters.chatRequests,
        completed: counters.completed,
        activeSequences: schedulerStats.running + schedulerStats.timed,
        queued: schedulerStats.queued,
        rejected: counters.rejectedQueueFull + counters.rejectedRateLimit,
        rejectedQueueFull: counters.rejectedQueueFull,
        rejectedRateLimit: counters.rejectedRateLimit,
        errors: counters.errors,
        cancelled: counters.cancelled,
        inputTokens: counters.inputTokens,
        cachedInputTokens: counters.cachedInputTokens,
        cacheWriteInputTokens: counters.cacheWriteInputTokens,
        outputTokens: counters.outputTokens,
        tokensStreamed: counters.tokensStreamed,
        openStreams: counters.openStreams,
        peakConcurrentStreams: counters.peakConcurrentStreams,
        peakActiveSequences: schedulerStats.peakActive,
        peakQueued: schedulerStats.peakQueued,
      }
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        scheduler.close()
        for (const handle of pendingTimers) clearTimeout(handle)
        pendingTimers.clear()
        for (const response of liveResponses) response.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}
