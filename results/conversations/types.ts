// The summary's `conversations` and `caching` sections: multi-turn and agent traffic, and what
// the prompt cache saved. Pure types.
import type { GroupStats, LatencyStats, Usd } from '../summary.js'

/** One turn number across every conversation: the growth of input and spend turn by turn. */
export interface TurnStats extends GroupStats {
  turn: number
  /** Mean input tokens per attempt of this turn that reported tokens (history included). */
  input_tokens_mean: number | null
  /** Mean of those read from the prompt cache. */
  cached_input_tokens_mean: number | null
  /** Mean spend per attempt of this turn. */
  spend_usd_mean: Usd | null
}

export interface ChainStats {
  /** Lines with turns (conversations or agent tasks). */
  count: number
  /** Every turn answered. */
  completed: number
  /** A turn ended without an answer, so the later turns were not sent (lost demand). */
  ended_early: number
  /** Turns actually sent per chain. */
  turns_sent_mean: number
  spend_usd: Usd
  spend_per_chain_usd: Usd | null
  /** First scheduled send to the last answer, completed chains only: the user's whole wait (agents) or session (chats). */
  duration_ms: LatencyStats
}

export interface ConversationSummary {
  /** Chats: a user and an assistant turn by turn, with think time between. */
  conversations?: ChainStats
  /** Agent tasks: several model calls for one answer; the user's patience covers the chain. */
  agent_tasks?: ChainStats
  by_turn: TurnStats[]
}

export interface CachingSummary {
  input_tokens: number
  cached_input_tokens: number
  cache_write_tokens: number
  /** cached ÷ input. */
  cached_share: number
  spend_usd: Usd
  /** What the same attempts would have cost with every input token at the plain input price. */
  uncached_spend_usd: Usd
  saving_usd: Usd
  /** saving ÷ uncached spend; null when unpriced or nothing was spent. */
  saving_share: number | null
}
