// Durations written by people: `1500ms`, `10s`, `2m`, `1h`.

/** `1500ms`, `10s`, `2m`, `1h`, or a bare number of ms. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (match === null) return undefined
  const value = Number(match[1])
  const unit = match[2] ?? 'ms'
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000
  return value * factor
}
