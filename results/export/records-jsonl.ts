// The records as plain JSON lines: one Sample per line, without the run's header line.
import type { Sample } from '../types.js'

export function recordsJsonl(samples: readonly Sample[]): string {
  return samples.map((sample) => `${JSON.stringify(sample)}\n`).join('')
}
