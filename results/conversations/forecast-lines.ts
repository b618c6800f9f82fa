// The forecast's conversation and caching part as terminal lines (computed in forecast.ts): calls
// and spend per chain, input and spend by turn (the first 8), and the months at the cache saving.
import type { ConversationForecast } from './forecast.js'

/** The block's lines, ending with a blank one; `usd` formats money as the rest of the forecast does. */
export function conversationForecastLines(forecast: ConversationForecast, usd: (value: number | null) => string): string[] {
  const lines = ['Conversations and caching (from the run)']
  if (forecast.turnsPerChain !== null) lines.push(`  ${forecast.turnsPerChain} calls per conversation or agent task, ${usd(forecast.spendPerChainUsd)} each; every turn re-sends the history:`)
  for (const turn of forecast.byTurn.slice(0, 8)) {
    lines.push(`    turn ${String(turn.turn).padStart(2)}: ${turn.inputTokensMean === null ? '–' : Math.round(turn.inputTokensMean).toLocaleString('en-US')} input tokens, ${usd(turn.spendUsdMean)} per call`)
  }
  if (forecast.cacheSavingShare !== null) {
    const months = Object.entries(forecast.perMonthWithCacheUsd).map(([label, month]) => `${label} ${usd(month)}/month`).join(', ')
    lines.push(`  the prompt cache saved ${(forecast.cacheSavingShare * 100).toFixed(1)} % of the run's spend; at that saving: ${months} (the figures above price input uncached)`)
  }
  lines.push('')
  return lines
}
