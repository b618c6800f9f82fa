// Samples -> the summary's `conversations` section: turns of the same line, by turn number and
// per chain (conversation or agent task). Pure, no I/O.
import { round } from '../../core/format.js'
import { createLatencyHistogram } from '../histogram.js'
import { addAttempt, addFinal, addSpend, groupStats, latencyStats, newGroup, usd, type Group, type SpendTotal } from '../accumulate/group.js'
import { ERROR_OUTCOMES, outcomeKey, UNSENT_OUTCOMES } from '../outcomes.js'
import type { Sample } from '../types.js'
import type { ChainStats, ConversationSummary, TurnStats } from './types.js'

interface TurnTally {
  group: Group
  withTokens: number
  cached: number
}

interface ChainTally {
  agent: boolean
  startMs: number
  endMs: number
  sentTurns: number
  okTurns: number
  failed: boolean
}

export interface ConversationAccumulator {
  add(sample: Sample): void
  /** Undefined when no sample belonged to a chain. */
  conversations(): ConversationSummary | undefined
}

function chainStats(chains: readonly ChainTally[], spend: SpendTotal): ChainStats | undefined {
  if (chains.length === 0) return undefined
  const duration = createLatencyHistogram()
  let completed = 0
  let endedEarly = 0
  let turns = 0
  for (const chain of chains) {
    turns += chain.sentTurns
    if (chain.failed) endedEarly++
    else if (chain.okTurns > 0) {
      completed++
      duration.record(chain.endMs - chain.startMs)
    }
  }
  const total = usd(spend)
  return {
    count: chains.length,
    completed,
    ended_early: endedEarly,
    turns_sent_mean: round(turns / chains.length, 3),
    spend_usd: total,
    spend_per_chain_usd: total === 'unknown' ? 'unknown' : round(total / chains.length, 9),
    duration_ms: latencyStats(duration),
  }
}

export function createConversationAccumulator(): ConversationAccumulator {
  const turns = new Map<number, TurnTally>()
  const chains = new Map<string, ChainTally>()
  const chatSpend: SpendTotal = { usd: 0, unknown: false }
  const agentSpend: SpendTotal = { usd: 0, unknown: false }
  const addTurn = (sample: Sample, turn: number, conversationId: string): void => {
    let tally = turns.get(turn)
    if (tally === undefined) turns.set(turn, (tally = { group: newGroup(), withTokens: 0, cached: 0 }))
    const unsent = UNSENT_OUTCOMES.has(sample.outcome)
    addAttempt(tally.group, sample, unsent)
    if (sample.inputTokens !== undefined) {
      tally.withTokens++
      tally.cached += sample.cachedInputTokens ?? 0
    }
    let chain = chains.get(conversationId)
    if (chain === undefined) {
      chain = { agent: sample.agent === true, startMs: sample.scheduledAtMs, endMs: sample.scheduledAtMs, sentTurns: 0, okTurns: 0, failed: false }
      chains.set(conversationId, chain)
    }
    addSpend(chain.agent ? agentSpend : chatSpend, sample.spendUsd)
    if (sample.willRetry === true) return
    addFinal(tally.group, sample, outcomeKey(sample), !unsent, ERROR_OUTCOMES.has(sample.outcome))
    if (turn === 1) chain.startMs = sample.scheduledAtMs
    if (!unsent) chain.sentTurns++
    if (sample.outcome === 'ok') {
      chain.okTurns++
      chain.endMs = Math.max(chain.endMs, sample.endAtMs ?? sample.scheduledAtMs)
    } else if (sample.outcome !== 'interrupted') chain.failed = true
  }

  return {
    add(sample) {
      if (sample.turn !== undefined && sample.conversationId !== undefined) addTurn(sample, sample.turn, sample.conversationId)
    },
    conversations() {
      if (chains.size === 0) return undefined
      const all = [...chains.values()]
      const byTurn: TurnStats[] = [...turns]
        .sort(([a], [b]) => a - b)
        .map(([turn, tally]) => {
          const stats = groupStats(tally.group)
          const spendTotal = usd(tally.group.spend)
          return {
            turn,
            ...stats,
            input_tokens_mean: tally.withTokens === 0 ? null : round(tally.group.inputTokens / tally.withTokens, 3),
            cached_input_tokens_mean: tally.withTokens === 0 ? null : round(tally.cached / tally.withTokens, 3),
            spend_usd_mean: tally.withTokens === 0 ? null : spendTotal === 'unknown' ? 'unknown' : round(spendTotal / tally.withTokens, 9),
          }
        })
      const summary: ConversationSummary = { by_turn: byTurn }
      const chats = chainStats(all.filter((chain) => !chain.agent), chatSpend)
      const agents = chainStats(all.filter((chain) => chain.agent), agentSpend)
      if (chats !== undefined) summary.conversations = chats
      if (agents !== undefined) summary.agent_tasks = agents
      return summary
    },
  }
}
