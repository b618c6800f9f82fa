// Keeps every Sample in memory: for tests and the library API.
import type { Sample, Sink } from '../types.js'

export function createMemorySink(): Sink & { readonly samples: Sample[] } {
  const samples: Sample[] = []
  return { name: 'memory', samples, record: (sample) => void samples.push(sample) }
}
