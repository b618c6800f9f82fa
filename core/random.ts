// Seeded PRNG: the only source of randomness in the tool, so a seed reproduces a run.

/**
 * A deterministic random stream (sfc32 seeded through splitmix32). `fork(label)` derives an
 * independent child stream, so adding draws in one component never shifts another's.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number
  /** Integer in [0, n). */
  int(n: number): number
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number
  /** Standard normal (Box–Muller). */
  normal(): number
  /** Lognormal with the given median and log-space sigma. */
  lognormal(median: number, sigma: number): number
  /** Exponential with the given mean. */
  exponential(mean: number): number
  /** Gamma(shape, scale), Marsaglia–Tsang. Mean = shape × scale. */
  gamma(shape: number, scale: number): number
  /** True with probability p. */
  chance(p: number): boolean
  pick<T>(items: readonly T[]): T
  /** Index drawn by the given non-negative weights. */
  weighted(weights: readonly number[]): number
  /** An independent stream derived from this one's seed and a label. */
  fork(label: string | number): Random
  readonly seed: number
}

function hashString(text: string, seed: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x85ebca6b) >>> 0
    h = ((h << 13) | (h >>> 19)) >>> 0
  }
  return splitmix(h)
}

function splitmix(value: number): number {
  let z = (value + 0x9e3779b9) >>> 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
  return (z ^ (z >>> 16)) >>> 0
}

export function createRandom(seed: number | string = 1): Random {
  const numericSeed = typeof seed === 'string' ? hashString(seed, 0) : seed >>> 0
  let a = splitmix(numericSeed)
  let b = splitmix(a)
  let c = splitmix(b)
  let d = 1
  const next = (): number => {
    // sfc32
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = ((c << 21) | (c >>> 11)) >>> 0
    c = (c + t) >>> 0
    return t / 4294967296
  }
  for (let i = 0; i < 12; i++) next()
  let spareNormal: number | undefined
  const normal = (): number => {
    if (spareNormal !== undefined) {
      const value = spareNormal
      spareNormal = undefined
      return value
    }
    let u = 0
    while (u === 0) u = next()
    const v = next()
    const radius = Math.sqrt(-2 * Math.log(u))
    spareNormal = radius * Math.sin(2 * Math.PI * v)
    return radius * Math.cos(2 * Math.PI * v)
  }
  const gamma = (shape: number, scale: number): number => {
    if (shape <= 0 || scale <= 0) return 0
    if (shape < 1) {
      const u = next() || Number.MIN_VALUE
      return gamma(shape + 1, scale) * Math.pow(u, 1 / shape)
    }
    const dd = shape - 1 / 3
    const cc = 1 / Math.sqrt(9 * dd)
    for (;;) {
      let x: number
      let v: number
      do {
        x = normal()
        v = 1 + cc * x
      } while (v <= 0)
      v = v * v * v
      const u = next()
      if (u < 1 - 0.0331 * x * x * x * x) return dd * v * scale
      if (Math.log(u || Number.MIN_VALUE) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v * scale
    }
  }
  const random: Random = {
    seed: numericSeed,
    next,
    int: (n) => Math.floor(next() * n),
    uniform: (min, max) => min + (max - min) * next(),
    normal,
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
    exponential: (mean) => -mean * Math.log(1 - next()),
    gamma,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick() from an empty list')
      return items[Math.floor(next() * items.length)] as T
    },
    weighted: (weights) => {
      let total = 0
      for (const w of weights) total += w
      let target = next() * total
      for (let i = 0; i < weights.length; i++) {
        target -= weights[i] as number
        if (target < 0) return i
      }
      return weights.length - 1
    },
    fork: (label) => createRandom(hashString(String(label), numericSeed)),
  }
  return random
}
