// The task mix: what employees ask for, and how many tokens go in and come out per task.
//
// Token counts are lognormal (median, log-space sigma), rounded and clamped to [min, max]:
//   tokens = clamp(round(median · e^(sigma · Z)), min, max),  Z ~ N(0, 1)
// so the q-quantile is clamp(round(median · e^(sigma · Φ⁻¹(q)))) and tests can check it.
import type { Random } from '../../core/random.js'

export interface TokenDistribution {
  median: number
  sigma: number
  min: number
  max: number
}

export interface TaskProfile {
  /** Relative share of requests. */
  weight: number
  input: TokenDistribution
  output: TokenDistribution
  /** The application's max-tokens setting for this task (raised to the target when lower). */
  maxOutputTokens: number
  /** Blocks shared across requests of this task (what a prompt cache can reuse). */
  prefix?: PrefixProfile
  /** Chats: several turns per arrival, each re-sending the history (load/chain/). */
  conversation?: ConversationProfile
  /** Agent tasks: several model calls per arrival (tool call → tool result → … → answer). */
  agent?: AgentProfile
}

export interface PrefixProfile {
  /** Tokens of the task's system prompt (0: none). */
  systemTokens: number
  /** Distinct system prompts (e.g. one per department app); each request uses one. */
  systemVariants: number
  /** Tokens per retrieved document (0: none). */
  documentTokens: number
  /** Distinct documents in the knowledge base. */
  documents: number
  /** Documents per request, drawn without repeats. */
  documentsPerRequest: number
}

export interface ConversationProfile {
  /** Turns per conversation, the first included (clamped to ≥ 1). */
  turns: TokenDistribution
  /** Reading and typing between an answer and the next question, ms. */
  thinkMs: TokenDistribution
  /** Tokens of each follow-up question. */
  followUp: TokenDistribution
}

export interface AgentProfile {
  /** Model calls per task, the first included (clamped to ≥ 2). */
  calls: TokenDistribution
  /** Tool run time between a call and the next, ms. */
  toolMs: TokenDistribution
  /** Tokens of each tool result. */
  toolResult: TokenDistribution
  /** Tokens of each intermediate call's answer (its tool-call arguments). */
  callOutput: TokenDistribution
}

export type TaskMix = Record<string, TaskProfile>

/**
 * Default enterprise mix. Sizes are assumptions for an office workforce, not measurements:
 * contracts of a few thousand tokens (up to 60 k), short emails, chat questions, RAG prompts
 * with ~4 retrieved passages, messy tables, code snippets.
 *
 * | task               | share | input median σ [min, max]  | output median σ [min, max] |
 * |--------------------|-------|----------------------------|----------------------------|
 * | summarize-document | 12 %  | 6000 0.6 [1500, 60000]     | 400 0.4 [100, 1500]        |
 * | write-email        | 22 %  | 300 0.5 [40, 3000]         | 220 0.4 [50, 800]          |
 * | chat               | 30 %  | 150 0.9 [5, 4000]          | 350 0.7 [10, 2500]         |
 * | rag-answer         | 18 %  | 3000 0.35 [1000, 16000]    | 250 0.5 [30, 1200]         |
 * | extract-table      | 10 %  | 1200 0.6 [200, 12000]      | 500 0.5 [50, 3000]         |
 * | code-assist        | 8 %   | 1500 0.7 [50, 16000]       | 450 0.7 [20, 4000]         |
 */
export const DEFAULT_TASK_MIX: TaskMix = {
  'summarize-document': { weight: 0.12, input: { median: 6000, sigma: 0.6, min: 1500, max: 60000 }, output: { median: 400, sigma: 0.4, min: 100, max: 1500 }, maxOutputTokens: 2048 },
  'write-email': { weight: 0.22, input: { median: 300, sigma: 0.5, min: 40, max: 3000 }, output: { median: 220, sigma: 0.4, min: 50, max: 800 }, maxOutputTokens: 1024 },
  chat: { weight: 0.3, input: { median: 150, sigma: 0.9, min: 5, max: 4000 }, output: { median: 350, sigma: 0.7, min: 10, max: 2500 }, maxOutputTokens: 4096 },
  'rag-answer': { weight: 0.18, input: { median: 3000, sigma: 0.35, min: 1000, max: 16000 }, output: { median: 250, sigma: 0.5, min: 30, max: 1200 }, maxOutputTokens: 1536 },
  'extract-table': { weight: 0.1, input: { median: 1200, sigma: 0.6, min: 200, max: 12000 }, output: { median: 500, sigma: 0.5, min: 50, max: 3000 }, maxOutputTokens: 4096 },
  'code-assist': { weight: 0.08, input: { median: 1500, sigma: 0.7, min: 50, max: 16000 }, output: { median: 450, sigma: 0.7, min: 20, max: 4000 }, maxOutputTokens: 4096 },
}

export function sampleTokens(distribution: TokenDistribution, random: Random): number {
  const value = Math.round(distribution.median * Math.exp(distribution.sigma * random.normal()))
  return Math.min(distribution.max, Math.max(distribution.min, value))
}

/** The q-quantile of `sampleTokens` for this distribution. */
export function tokenQuantile(distribution: TokenDistribution, q: number): number {
  const value = Math.round(distribution.median * Math.exp(distribution.sigma * normalQuantile(q)))
  return Math.min(distribution.max, Math.max(distribution.min, value))
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity
  if (p >= 1) return Infinity
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number]
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number]
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number]
  const [d0, d1, d2, d3] = d as [number, number, number, number]
  const low = 0.02425
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p))
    return -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
  }
  const q = p - 0.5
  const r = q * q
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
}

/** Returns a reason the mix is unusable, or undefined. `where` prefixes field names. */
export function checkTaskMix(mix: TaskMix): string | undefined {
  const names = Object.keys(mix)
  if (names.length === 0) return 'must name at least one task'
  let total = 0
  for (const name of names) {
    const task = mix[name] as TaskProfile
    if (!(task.weight >= 0)) return `'${name}.weight' must be a non-negative number (got ${task.weight})`
    total += task.weight
    for (const side of ['input', 'output'] as const) {
      const d = task[side]
      if (!(d.median > 0) || !(d.sigma >= 0) || !(d.min >= 0) || !(d.max >= d.min) || !Number.isInteger(d.min) || !Number.isInteger(d.max)) {
        return `'${name}.${side}' must have median > 0, sigma ≥ 0 and integers 0 ≤ min ≤ max (got ${JSON.stringify(d)})`
      }
    }
    if (!(task.output.max >= 0) || !Number.isInteger(task.maxOutputTokens) || task.maxOutputTokens < 1) {
      return `'${name}.maxOutputTokens' must be a positive integer (got ${task.maxOutputTokens})`
    }
  }
  for (const name of names) {
    const problem = checkChainProfiles(mix[name] as TaskProfile)
    if (problem !== undefined) return `'${name}.${problem}`
  }
  if (total <= 0) return 'must have at least one task with a positive weight'
  return undefined
}

function badDistribution(d: TokenDistribution): boolean {
  return !(d.median > 0) || !(d.sigma >= 0) || !(d.min >= 0) || !(d.max >= d.min) || !Number.isInteger(d.min) || !Number.isInteger(d.max)
}

/** The prefix, conversation and agent parts of a task: the first bad field as `field' …`, or undefined. */
function checkChainProfiles(task: TaskProfile): string | undefined {
  if (task.conversation !== undefined && task.agent !== undefined) return "conversation' and 'agent' exclude each other: a task is a chat or an agent task; split it into two tasks"
  const distributions: [string, TokenDistribution][] = []
  if (task.conversation !== undefined) for (const [key, d] of Object.entries(task.conversation)) distributions.push([`conversation.${key}`, d])
  if (task.agent !== undefined) for (const [key, d] of Object.entries(task.agent)) distributions.push([`agent.${key}`, d])
  for (const [field, d] of distributions) {
    if (badDistribution(d)) return `${field}' must have median > 0, sigma ≥ 0 and integers 0 ≤ min ≤ max (got ${JSON.stringify(d)})`
  }
  const prefix = task.prefix
  if (prefix !== undefined) {
    for (const [key, value] of Object.entries(prefix)) {
      if (!Number.isInteger(value) || value < 0) return `prefix.${key}' must be a whole number ≥ 0 (got ${value})`
    }
    if (prefix.systemTokens > 0 && prefix.systemVariants < 1) return "prefix.systemVariants' must be ≥ 1 when systemTokens > 0"
    if (prefix.documentsPerRequest > prefix.documents) return `prefix.documentsPerRequest' must not exceed prefix.documents (${prefix.documents})`
  }
  return undefined
}
