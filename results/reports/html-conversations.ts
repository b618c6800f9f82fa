// The report's conversations section: input tokens, cache reads and spend by turn number (the
// cost geometry of chats), the chains' completion and spend, and what the prompt cache saved.
import { formatDuration, formatPercent } from '../../core/format.js'
import type { Summary } from '../summary.js'
import { formatNumber, formatUsd } from './format.js'
import { cell, section, tableHtml } from './html-tables.js'

function chainSentence(label: string, chains: NonNullable<NonNullable<Summary['conversations']>['conversations']>): string {
  return (
    `${formatNumber(chains.count)} ${label}: ${formatNumber(chains.completed)} completed, ${formatNumber(chains.ended_early)} ended early, ` +
    `${formatNumber(chains.turns_sent_mean, 1)} calls each, ${formatUsd(chains.spend_per_chain_usd, 6)} each, duration p50 ${formatDuration(chains.duration_ms.p50)} and p95 ${formatDuration(chains.duration_ms.p95)}.`
  )
}

export function renderConversationsSection(summary: Summary): string {
  const conversations = summary.conversations
  const caching = summary.caching
  if (conversations === undefined && caching === undefined) return ''
  const parts: string[] = []
  if (conversations !== undefined) {
    if (conversations.conversations !== undefined) parts.push(chainSentence('conversations', conversations.conversations))
    if (conversations.agent_tasks !== undefined) parts.push(chainSentence('agent tasks (patience over the whole chain)', conversations.agent_tasks))
  }
  if (caching !== undefined) {
    parts.push(
      `${formatPercent(caching.cached_share)} of input tokens were read from the prompt cache (${formatNumber(caching.cached_input_tokens)}; ${formatNumber(caching.cache_write_tokens)} written). ` +
        `Spend ${formatUsd(caching.spend_usd, 4)}; the same tokens uncached ${formatUsd(caching.uncached_spend_usd, 4)}: caching saved ${formatUsd(caching.saving_usd, 4)} (${formatPercent(caching.saving_share)}).`,
    )
  }
  const rows = (conversations?.by_turn ?? []).map(
    (turn) =>
      `<tr><th scope="row">${turn.turn}</th>${cell(formatNumber(turn.requests), 'num')}${cell(formatNumber(turn.input_tokens_mean), 'num')}${cell(formatNumber(turn.cached_input_tokens_mean), 'num')}` +
      `${cell(turn.spend_usd_mean === null ? '–' : formatUsd(turn.spend_usd_mean, 6), 'num')}${cell(formatDuration(turn.ttft_ms.p95), 'num')}${cell(formatPercent(turn.abandon_rate), 'num')}</tr>`,
  )
  const table =
    rows.length === 0
      ? ''
      : tableHtml('By turn: every turn re-sends the history, so input grows turn by turn', ['turn', 'requests', 'input tokens (mean)', 'cached (mean)', 'spend (mean)', 'TTFT p95', 'abandoned'], rows, {
          numeric: (index) => index >= 1,
        })
  return section('conversations', 'Conversations and caching', table, parts.join(' '))
}
