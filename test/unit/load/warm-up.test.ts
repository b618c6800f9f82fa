// The pre-run warm-up goes through an adapter of the run's own kind to a loopback server of its
// own (never the endpoint, never the run's key), completes its attempts in the vendor's format,
// streamed and not, and leaves nothing open behind it (no server, no sockets keeping the process alive).
import { describe, expect, it } from 'vitest'
import { createAdapterFromTarget } from '../../../adapters/registry.js'
import type { TargetSpec } from '../../../adapters/target-spec.js'
import { tokenizerLoads } from '../../../core/tokens.js'
import { warmEngine } from '../../../load/warm-up.js'

const openHandles = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap' || kind === 'TCPSocketWrap').length

// Base URLs nobody listens on: a warm-up that touched them would fail its attempts.
const TARGETS: TargetSpec[] = [
  { kind: 'endpoint', adapter: 'openai-compatible', model: 'llama3', baseUrl: 'http://127.0.0.1:9/v1', label: 'openai-compatible:llama3' },
  { kind: 'endpoint', adapter: 'anthropic', model: 'claude-sonnet-4-5', baseUrl: 'http://127.0.0.1:9', label: 'anthropic:claude-sonnet-4-5' },
  { kind: 'endpoint', adapter: 'azure', model: 'gpt4o', baseUrl: 'http://127.0.0.1:9', label: 'azure:gpt4o' },
]

describe('warmEngine', () => {
  for (const target of TARGETS) {
    for (const stream of [true, false]) {
      it(`${target.adapter}, ${stream ? 'streamed' : 'JSON'}: every attempt answered by its own server, nothing left open`, async () => {
        const handlesBefore = openHandles()
        const loadsBefore = tokenizerLoads().length
        const adapter = createAdapterFromTarget(target, { apiKey: 'test', requireKey: false })
        const result = await warmEngine({ target, adapter, stream, encoding: 'o200k_base', attempts: 24, parallel: 3 })
        expect(result.completed).toBe(24)
        // Every warm answer carries usage, so the warm-up never loads the tokenizer (~85 MB).
        expect(tokenizerLoads().length).toBe(loadsBefore)
        expect(result.ms).toBeLessThan(5_000)
        // Closed sockets are released on the next turns.
        await new Promise((resolve) => setTimeout(resolve, 50))
        expect(openHandles()).toBeLessThanOrEqual(handlesBefore)
      })
    }
  }
})
