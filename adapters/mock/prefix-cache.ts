// The mock's prefix cache: chain-hashed prompt blocks per model, bounded in tokens, LRU eviction.
//
//   key(block i) = sha1(key(block i-1), identity, parts)  → a block hits only if all before it match
//   match: the longest run of leading keys present      insert: add or refresh, evict least recent
//
// A request's blocks are refreshed last-to-first, so its first block is the most recent: eviction
// takes a prefix's tail before its head (as vLLM frees blocks), and what stays is still a prefix.
import { createHash } from 'node:crypto'
import type { PromptBlock } from './protocol.js'

/** A block as the cache stores it: its chain key and its size (input tokens). */
export interface CacheBlock {
  key: string
  tokens: number
}

export interface PrefixCache {
  /** Blocks and tokens of the longest run of leading `blocks` already cached. */
  match(model: string, blocks: readonly CacheBlock[]): { blocks: number; tokens: number }
  /** Adds `blocks` (or refreshes them), then evicts the least recent until within capacity. */
  insert(model: string, blocks: readonly CacheBlock[]): void
}

/** Models with a cache of their own; past this the least recently used model's cache is dropped. */
const MAX_MODELS = 64

/** Chain keys of `blocks`, each paired with its token count. */
export function chainBlocks(blocks: readonly PromptBlock[], tokens: readonly number[]): CacheBlock[] {
  const chain: CacheBlock[] = []
  let previous = ''
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i] as PromptBlock
    // Lengths before each field: no two different blocks hash the same bytes.
    const hash = createHash('sha1').update(previous).update(`${block.identity.length}:${block.identity}`)
    for (const part of block.parts) hash.update(`${part.length}:`).update(part)
    previous = hash.digest('base64')
    chain.push({ key: previous, tokens: tokens[i] ?? 0 })
  }
  return chain
}

export function createPrefixCache(capacityTokens: number): PrefixCache {
  const models = new Map<string, { blocks: Map<string, number>; tokens: number }>()
  const storeOf = (model: string): { blocks: Map<string, number>; tokens: number } => {
    let store = models.get(model)
    if (store !== undefined) {
      models.delete(model)
    } else {
      store = { blocks: new Map(), tokens: 0 }
      const oldest = models.size >= MAX_MODELS ? models.keys().next().value : undefined
      if (oldest !== undefined) models.delete(oldest)
    }
    models.set(model, store)
    return store
  }
  return {
    match(model, blocks) {
      const store = models.get(model)
      let count = 0
      let tokens = 0
      while (store !== undefined && count < blocks.length) {
        const size = store.blocks.get((blocks[count] as CacheBlock).key)
        if (size === undefined) break
        tokens += size
        count++
      }
      return { blocks: count, tokens }
    },
    insert(model, blocks) {
      const store = storeOf(model)
      // Map order is recency order (oldest first): re-set each block, the last one first.
      for (let i = blocks.length - 1; i >= 0; i--) {
        const { key, tokens } = blocks[i] as CacheBlock
        const had = store.blocks.get(key)
        if (had !== undefined) {
          store.blocks.delete(key)
          store.tokens -= had
        }
        store.blocks.set(key, tokens)
        store.tokens += tokens
      }
      for (const [key, tokens] of store.blocks) {
        if (store.tokens <= capacityTokens) break
        store.blocks.delete(key)
        store.tokens -= tokens
      }
    },
  }
}
