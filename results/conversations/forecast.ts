// The forecast's conversation and caching part, computed from the run's summary: what one
// conversation costs, how input and spend grow by turn, and the monthly spend at the cache saving
// the run saw. The per-task profile prices every completed request (every turn) at its mean
// tokens, uncached. forecast-lines.ts renders it as terminal lines.
import { round } from '../../core/format.js'
import type { Summary } from '../summary.js'

export interface ConversationForecast {
  /** Mean model calls per conversation or agent task in the run (turns sent). */
  turnsPerChain: number | null
  /** The run's spend per chain (conversations and agent tasks together). */
  spendPerChainUsd: number | null
  byTurn: { turn: number; inputTokensMean: number | null; spendUsdMean: number | null }[]
  /** The share of spend the prompt cache saved in the run; null without cache tokens. */
  cacheSavingShare: number | null
  /** Per scenario label: the monthly spend if the run's cache saving holds (the forecast's own figure is uncached). */
  perMonthWithCacheUsd: Record<string, number | null>
}

/** Undefined when the run had neither chains nor cache tokens. */
export function conversationForecast(summary: Partial<Summary>, perMonthUsd: Record<string, number | null>): ConversationForecast | undefined {
  const conversations = summary.conversations
  const caching = summary.caching
  if (conversations === undefined && caching === undefined) return undefined
  const chains = [conversations?.conversations, conversations?.agent_tasks].filter((chain) => chain !== undefined)
  const count = chains.reduce((sum, chain) => sum + chain.count, 0)
  const turns = chains.reduce((sum, chain) => sum + chain.turns_sent_mean * chain.count, 0)
  const spendKnown = chains.every((chain) => chain.spend_usd !== 'unknown')
  const spend = chains.reduce((sum, chain) => sum + (chain.spend_usd === 'unknown' ? 0 : chain.spend_usd), 0)
  const saving = caching?.saving_share ?? null
  const withCache: Record<string, number | null> = {}
  for (const [label, month] of Object.entries(perMonthUsd)) withCache[label] = month === null || saving === null ? null : round(month * (1 - saving), 2)
  return {
    turnsPerChain: count === 0 ? null : round(turns / count, 3),
    spendPerChainUsd: count === 0 || !spendKnown ? null : round(spend / count, 9),
    byTurn: (conversations?.by_turn ?? []).map((turn) => ({
      turn: turn.turn,
      inputTokensMean: turn.input_tokens_mean,
      spendUsdMean: turn.spend_usd_mean === 'unknown' ? null : turn.spend_usd_mean,
    })),
    cacheSavingShare: saving,
    perMonthWithCacheUsd: withCache,
  }
}
