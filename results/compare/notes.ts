// What a reader of the comparison must know: mixed tokenizers, lossy targets, estimated tokens, unpriced models, partial runs.
import type { TargetData } from './collector.js'
import type { ComparisonTarget } from './types.js'

export function comparisonNotes(targets: ComparisonTarget[], data: TargetData[], mixedTokenizers: boolean): string[] {
  const notes: string[] = []
  if (mixedTokenizers) {
    notes.push(
      `The targets count tokens with different tokenizers (${targets.map((t) => `${t.label}: ${t.tokenizer}`).join('; ')}): the same text is a different number of tokens for each, so compare spend and time, not raw token counts or tokens per second.`,
    )
  }
  targets.forEach((target, index) => {
    const d = data[index] as TargetData
    const lost = d.sent === 0 ? 0 : (d.errors + d.abandoned) / d.sent
    if (lost >= 0.05) {
      notes.push(
        `${target.label}: ${(lost * 100).toFixed(1)} % of sent requests failed or were abandoned. Its latency percentiles cover only the requests that completed, which flatters it, and a failed request costs little, so its spend per request understates what an answer costs: read its error and abandonment rates and its spend per completed answer beside them.`,
      )
    }
  })
  for (const target of targets) {
    if (target.tokensEstimatedShare > 0) {
      notes.push(`${target.label}: ${(target.tokensEstimatedShare * 100).toFixed(1)} % of attempts had no server-reported usage; their tokens (and spend) are tiktoken estimates.`)
    }
    if (target.pricedAs === null) notes.push(`${target.label}: the model has no price in the table, so its spend is unknown (pass --prices FILE).`)
    if (target.partial) notes.push(`${target.label}: partial run (interrupted); its figures cover what was recorded.`)
  }
  return notes
}
