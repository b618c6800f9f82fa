// `gauntlet mock`: the embedded mock LLM endpoint as a standalone server, until SIGINT/SIGTERM.
import type { Command } from 'commander'
import { createMockServer, type MockProfile, type MockServer } from '../../adapters/mock/index.js'
import { getMockProfile, MOCK_PROFILES } from '../../adapters/mock/profiles.js'
import { abortOnSignals, collect, parseNumberFlag } from '../cli-helpers.js'
import { EXIT_OK, type SetExitCode } from '../exit-codes.js'

export interface MockFlags {
  host?: string
  port?: string
  profile?: string
  seed?: string
  apiKey?: string[]
}

export interface MockRunOptions {
  /** Stops the server when aborted. */
  signal: AbortSignal
  /** stdout, one line per call (no newline). */
  log: (line: string) => void
  /** stderr, one line per call. */
  warn: (line: string) => void
  onListening?: (server: MockServer) => void
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i

/** True for addresses only this machine can reach (the mock binds to loopback unless told otherwise). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host)
}

/** One line describing a profile's timing and limits, for the start-up banner. */
export function describeMockProfile(profile: MockProfile): string {
  const timing =
    profile.exact !== undefined
      ? `exact TTFT ${profile.exact.ttftMs} ms, ITL ${profile.exact.itlMs} ms`
      : `capacity ${profile.capacity} sequences, queue ${profile.maxQueue}, overhead ${profile.timing.overheadMs} ms, ` +
        `step ${profile.timing.decodeBaseMs} ms + ${profile.timing.decodeMsPerSequence} ms/sequence`
  const limits =
    profile.rateLimits === undefined
      ? 'no rate limits'
      : `rate limits ${profile.rateLimits.requestsPerMinute ?? '∞'} req/min, ${profile.rateLimits.tokensPerMinute ?? '∞'} tokens/min per key`
  return `profile ${profile.name}: ${profile.description} (${timing}; ${limits}; priced as ${profile.priceAs})`
}

/** Validates the flags, starts the server, and resolves (after a clean close) once `signal` aborts. */
export async function runMock(flags: MockFlags, options: MockRunOptions): Promise<void> {
  const host = flags.host ?? '127.0.0.1'
  const port = flags.port === undefined ? 0 : parseNumberFlag('--port', flags.port, { integer: true, min: 0, max: 65_535 })
  const seed = flags.seed === undefined ? 1 : parseNumberFlag('--seed', flags.seed, { integer: true, min: 0 })
  const profile = getMockProfile(flags.profile ?? 'typical-cloud')
  if (!isLoopbackHost(host)) {
    options.warn(`gauntlet mock: warning: --host ${host} is not a loopback address; the mock is reachable from other machines`)
  }
  const server = await createMockServer({
    host,
    port,
    profile,
    seed,
    ...(flags.apiKey === undefined ? {} : { apiKeys: flags.apiKey }),
  })
  try {
    options.log(`listening on ${server.url}`)
    options.log(describeMockProfile(server.profile))
    options.log(
      `OpenAI: POST ${server.url}/v1/chat/completions · Anthropic: POST ${server.url}/v1/messages · ` +
        `${flags.apiKey === undefined ? 'no API key needed' : `${flags.apiKey.length} API key(s) accepted`}`,
    )
    options.onListening?.(server)
    if (!options.signal.aborted) {
      await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve(), { once: true }))
    }
  } finally {
    const stats = server.stats()
    await server.close()
    options.log(
      `stopped: ${stats.requests} requests, ${stats.completed} answered, ${stats.rejected} rejected (429/529), ` +
        `${stats.errors} errors, ${stats.tokensStreamed} tokens streamed, peak ${stats.peakConcurrentStreams} concurrent streams`,
    )
  }
}

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('mock')
    .description('Run the embedded mock LLM endpoint (OpenAI Chat Completions and Anthropic Messages) until Ctrl-C')
    .option('--host <address>', 'interface to bind (loopback unless you mean otherwise)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', '0')
    .option('--profile <name>', `serving profile: ${Object.keys(MOCK_PROFILES).join(', ')}`, 'typical-cloud')
    .option('--seed <n>', 'seed for the answers’ text and timing jitter', '1')
    .option('--api-key <key>', 'accept only this key (repeatable); without it any or no key is accepted', collect)
    .action(async (flags: MockFlags) => {
      const signals = abortOnSignals()
      try {
        await runMock(flags, {
          signal: signals.signal,
          log: (line) => process.stdout.write(`${line}\n`),
          warn: (line) => process.stderr.write(`${line}\n`),
        })
        setExitCode(EXIT_OK)
      } finally {
        signals.dispose()
      }
    })
}
