// Distinct users per time bucket in one bit per user: a series numbers each user id once
// (UserIndex) and a bucket keeps a bit set of those numbers (UserBits), so 10,000 users cost a
// bucket 1.25 kB instead of a 320 kB Set of strings (measured: 120 open buckets held ~38 MB).
export class UserIndex {
  private readonly numbers = new Map<string, number>()

  /** The user's number, given on first sight (0, 1, 2, …). */
  numberOf(userId: string): number {
    let n = this.numbers.get(userId)
    if (n === undefined) {
      n = this.numbers.size
      this.numbers.set(userId, n)
    }
    return n
  }
}

export class UserBits {
  private words: Uint32Array
  /** Bits set so far: the bucket's distinct users. */
  size = 0

  constructor(words = 0) {
    this.words = new Uint32Array(words)
  }

  add(n: number): void {
    const word = n >>> 5
    if (word >= this.words.length) {
      const grown = new Uint32Array(Math.max(word + 1, this.words.length * 2, 8))
      grown.set(this.words)
      this.words = grown
    }
    const bit = 1 << (n & 31)
    const current = this.words[word] as number
    if ((current & bit) === 0) {
      this.words[word] = current | bit
      this.size++
    }
  }

  /** Users of either set (a new set). */
  union(other: UserBits): UserBits {
    const [long, short] = this.words.length >= other.words.length ? [this.words, other.words] : [other.words, this.words]
    const merged = new UserBits(long.length)
    merged.words.set(long)
    for (let i = 0; i < short.length; i++) merged.words[i] = (merged.words[i] as number) | (short[i] as number)
    let size = 0
    for (let i = 0; i < merged.words.length; i++) size += popcount(merged.words[i] as number)
    merged.size = size
    return merged
  }
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}
