// The price table's shape: TypeScript types and the zod schema that validates users' tables (ours
// is checked by test/unit/pricing/build-prices.test.ts, so a plain run never loads zod).
import type { z } from 'zod'
import { lazySchema } from '../../core/zod.js'

export const PRICE_TABLE_SCHEMA_VERSION = 1

/** The schemas, built at their first use (zod loads then). */
export const priceSchemas = lazySchema((z) => {
  const usdPerMTok = z.number().finite().nonnegative()
  const tokenCount = z.number().int().positive()
  const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')

  /**
   * Prices that replace the base ones for a whole request once its input (cached input included)
   * passes `aboveInputTokens` — how Anthropic, Google and OpenAI bill long prompts.
   */
  const longContextPriceSchema = z.strictObject({
    aboveInputTokens: tokenCount,
    inputUsdPerMTok: usdPerMTok,
    cachedInputUsdPerMTok: usdPerMTok.optional(),
    cacheWriteUsdPerMTok: usdPerMTok.optional(),
    outputUsdPerMTok: usdPerMTok,
  })

  /** One model's list prices, in USD per million tokens. */
  const modelPriceSchema = z.strictObject({
    /** Who bills it: openai, anthropic, google, mistral, deepseek, groq, together, fireworks, bedrock, … */
    provider: z.string().min(1).optional(),
    inputUsdPerMTok: usdPerMTok,
    /** Cache reads (prompt-cache hits). Absent: cached input is billed as plain input. */
    cachedInputUsdPerMTok: usdPerMTok.optional(),
    /** Cache writes (Anthropic-style explicit caching). Absent: billed as plain input. */
    cacheWriteUsdPerMTok: usdPerMTok.optional(),
    outputUsdPerMTok: usdPerMTok,
    /** Only when reasoning tokens are billed differently from other output tokens. */
    reasoningUsdPerMTok: usdPerMTok.optional(),
    /** The most input tokens one request may carry. */
    contextWindowTokens: tokenCount.optional(),
    maxOutputTokens: tokenCount.optional(),
    longContext: longContextPriceSchema.optional(),
    /** Other API model ids that bill at this price (exact, case-insensitive). */
    aliases: z.array(z.string().min(1)).optional(),
    /** Where the numbers come from: `litellm`, `genai-prices`, or a user's own label. */
    sources: z.array(z.string().min(1)).optional(),
    asOf: isoDate.optional(),
    /** Tiered or time-conditional prices, conflicts between sources, and what was chosen. */
    notes: z.array(z.string()).optional(),
  })

  const priceSourceSchema = z.strictObject({
    name: z.string().min(1),
    title: z.string().optional(),
    url: z.string().optional(),
    path: z.string().optional(),
    commit: z.string().optional(),
    sha256: z.string().optional(),
    asOf: isoDate.optional(),
    license: z.string().optional(),
  })

  /**
   * A whole table. Ours sets every top-level field; a user's table may set only `models` and/or
   * `aliases` (it is merged over ours).
   */
  const priceTableSchema = z.strictObject({
    schemaVersion: z.literal(PRICE_TABLE_SCHEMA_VERSION).optional(),
    asOf: isoDate.optional(),
    currency: z.literal('USD').optional(),
    sources: z.array(priceSourceSchema).optional(),
    models: z.record(z.string().min(1), modelPriceSchema).optional(),
    /**
     * Explicit name → table key, e.g. an Azure deployment: `{ "azure/prod-chat": "gpt-4o-mini" }`.
     * Azure deployment names are resolved only through this map.
     */
    aliases: z.record(z.string().min(1), z.string().min(1)).optional(),
  })

  return { longContextPriceSchema, modelPriceSchema, priceSourceSchema, priceTableSchema }
})

type Schemas = ReturnType<typeof priceSchemas>

export type LongContextPrice = z.infer<Schemas['longContextPriceSchema']>
export type ModelPrice = z.infer<Schemas['modelPriceSchema']>
export type PriceSource = z.infer<Schemas['priceSourceSchema']>
export type PriceTableInput = z.infer<Schemas['priceTableSchema']>

/** A loaded, merged table: every top-level field present. */
export interface PriceTable {
  schemaVersion: number
  asOf: string
  currency: 'USD'
  sources: PriceSource[]
  models: Record<string, ModelPrice>
  aliases: Record<string, string>
}
