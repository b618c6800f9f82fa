// The malformed-input seam: a mutator turns one clean traffic request into what production sends.
//
//   TrafficRequest ──► resolveMessages (expand a prompt spec) ──► mutator.mutate ──► TrafficRequest
//                                                                  + tag `malformed:<kind>`
//                                                                  + recounted `inputTokens`
import type { ChatMessage } from '../../core/messages.js'
import type { EncodingName } from '../../core/tokens.js'
import type { Random } from '../../core/random.js'
import type { TrafficRequest } from '../../core/traffic-types.js'

/** Expands a request that only carries a `prompt` spec into literal messages. */
export type ExpandMessages = (request: TrafficRequest) => ChatMessage[]

export interface MutationContext {
  /** tiktoken encoding of the traffic file (its header's `encoding`): `inputTokens` are recounted in it. */
  encoding: EncodingName
  /** Needed only for requests without literal `messages`. */
  expand?: ExpandMessages
}

/**
 * One kind of malformed input. `mutate` is pure and deterministic: the same request, random
 * stream and context give the same result. The result always holds literal `messages` (no
 * `prompt`), the tag `malformed:<kind>` and its own `inputTokens`.
 */
export interface InputMutator {
  readonly kind: string
  readonly description: string
  mutate(request: TrafficRequest, random: Random, context: MutationContext): TrafficRequest
}

/** Tunables of the mutators that have any; every field has a default. */
export interface InputMutatorOptions {
  /** context-overflow: the model's context window in tokens (default 128,000). */
  contextTokens?: number
  /** oversized-json: minimum UTF-8 size of the huge JSON body in bytes (default 11 MiB, over 10 MB). */
  oversizedBytes?: number
  /** oversized-json: nesting depth of the deeply nested variant (default 10,000). */
  nestingDepth?: number
  /** dirty-table: rows embedded per request (default 20). */
  dirtyTableRows?: number
  /** typos: share of words hit by a typo (default 0.1, at least one word). */
  typoWordShare?: number
}

export { MALFORMED_TAG_PREFIX } from '../../core/malformed-tags.js'
