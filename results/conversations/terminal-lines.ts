// The terminal report's conversation and caching blocks: input and spend by turn, per chain, and
// what the prompt cache saved.
import { formatDuration, formatPercent } from '../../core/format.js'
import { formatCount, formatNumber, formatUsd } from '../reports/format.js'
import type { CachingSummary, ChainStats, ConversationSummary } from './types.js'

/** At most this many turn rows; the rest are summed up in one line. */
const MAX_TURN_ROWS = 8

function chainLine(label: string, chains: ChainStats): string {
  return (
    `  ${label.padEnd(14)} ${formatCount(chains.count)}: ${formatCount(chains.completed)} completed, ${formatCount(chains.ended_early)} ended early; ` +
    `${formatNumber(chains.turns_sent_mean, 1)} calls each; ${formatUsd(chains.spend_per_chain_usd, 6)} each; duration p50 ${formatDuration(chains.duration_ms.p50)}, p95 ${formatDuration(chains.duration_ms.p95)}`
  )
}

export function conversationLines(summary: ConversationSummary): string[] {
  const lines = ['', 'conversations and agent tasks (each turn re-sends the history):']
  if (summary.conversations !== undefined) lines.push(chainLine('conversations', summary.conversations))
  if (summary.agent_tasks !== undefined) lines.push(chainLine('agent tasks', summary.agent_tasks))
  lines.push('  turn  requests  input mean  cached mean  spend mean  TTFT p95  abandoned')
  for (const turn of summary.by_turn.slice(0, MAX_TURN_ROWS)) {
    lines.push(
      `  ${String(turn.turn).padStart(4)}  ${formatCount(turn.requests).padStart(8)}  ${formatNumber(turn.input_tokens_mean).padStart(10)}  ${formatNumber(turn.cached_input_tokens_mean).padStart(11)}  ` +
        `${(turn.spend_usd_mean === null ? '–' : formatUsd(turn.spend_usd_mean, 6)).padStart(10)}  ${formatDuration(turn.ttft_ms.p95).padStart(8)}  ${formatPercent(turn.abandon_rate).padStart(9)}`,
    )
  }
  const rest = summary.by_turn.slice(MAX_TURN_ROWS)
  if (rest.length > 0) lines.push(`  … ${rest.length} more turn numbers (up to ${rest.at(-1)?.turn}) in summary.json`)
  return lines
}

export function cachingLine(caching: CachingSummary): string {
  const saving = caching.saving_usd === 'unknown' ? 'unknown' : `${formatUsd(caching.saving_usd, 4)} (${formatPercent(caching.saving_share)})`
  return (
    `caching     ${formatPercent(caching.cached_share)} of input read from the prompt cache (${formatCount(caching.cached_input_tokens)} tokens, ${formatCount(caching.cache_write_tokens)} written); ` +
    `spend ${formatUsd(caching.spend_usd, 4)} against ${formatUsd(caching.uncached_spend_usd, 4)} uncached: saved ${saving}`
  )
}
