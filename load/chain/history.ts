// A conversation's (or agent task's) messages turn by turn: the shared prefix, every earlier turn
// with the assistant's answer (its stand-in, or the real text), then this turn's new message.
//
//   turn 1   [system S][document D…][user Q1]
//   turn 2   [system S][document D…][user Q1][assistant A1][user Q2]          kind 'user'
//   turn 3   … [assistant call_2 {"query":…}][tool result R3]                   kind 'tool'
//
// A stand-in answer is synthesized text of exactly the turn's target output tokens, so with the
// default history every request's input is known at generation and the same for every vendor.
import type { ChatMessage } from '../../core/messages.js'
import { createRandom } from '../../core/random.js'
import type { PrefixSpec, SharedBlock, TrafficRequest, TurnSpec } from '../../core/traffic-types.js'
import { synthesizeText } from '../workload/prompts.js'

/** `stand-in`: answers replaced by synthesized text of their target length (the same on every target); `actual`: the answers received. */
export type HistoryMode = 'stand-in' | 'actual'

/** The tool an agent step's stand-in calls. */
export const STAND_IN_TOOL = 'search'

/** Stand-in answer length when a turn has no target: this many tokens, at most its max. */
export const DEFAULT_STAND_IN_TOKENS = 200

/** The task whose sentences a shared block is written in: documents read like documents. */
const BLOCK_TASK = { system: 'chat', document: 'summarize-document' } as const

/** Shared block texts kept, least recently used dropped first (a Mooncake trace names thousands). */
const BLOCK_TEXTS_MAX = 4096
const blockTexts = new Map<string, string>()

/** The text of a shared block: a function of its id, kind and size only (so every request sharing it sends the same bytes). */
export function blockText(block: SharedBlock, kind: keyof typeof BLOCK_TASK): string {
  const key = `${kind}\u0000${block.id}\u0000${block.tokens}`
  let text = blockTexts.get(key)
  if (text !== undefined) {
    blockTexts.delete(key)
    blockTexts.set(key, text)
    return text
  }
  text = synthesizeText({ task: BLOCK_TASK[kind], tokens: block.tokens, seed: createRandom(`${kind}:${block.id}`).seed })
  blockTexts.set(key, text)
  if (blockTexts.size > BLOCK_TEXTS_MAX) blockTexts.delete(blockTexts.keys().next().value as string)
  return text
}

/** The prefix as messages, each a cache breakpoint: the system prompt, then each document as a user message. */
export function prefixMessages(prefix: PrefixSpec | undefined): ChatMessage[] {
  if (prefix === undefined) return []
  const messages: ChatMessage[] = []
  if (prefix.system !== undefined) messages.push({ role: 'system', content: blockText(prefix.system, 'system'), cache: true })
  for (const document of prefix.documents ?? []) messages.push({ role: 'user', content: blockText(document, 'document') })
  const last = messages[messages.length - 1]
  if (last !== undefined) last.cache = true
  return messages
}

/** The request id of turn k of a chain: `<line id>/<k>`. */
export function turnRequestId(lineId: string, turn: number): string {
  return `${lineId}/${turn}`
}

/** Turns of the line: 1 for a single request. */
export function turnCount(request: TrafficRequest): number {
  return 1 + (request.turns?.length ?? 0)
}

/** The limits of turn k (1-based) as one shape; turn 1 is the line itself. */
export interface TurnLimits {
  thinkMs: number
  kind: 'user' | 'tool'
  inputTokens: number
  maxOutputTokens: number
  targetOutputTokens?: number
}

export function turnLimits(request: TrafficRequest, turn: number): TurnLimits {
  if (turn === 1) {
    const limits: TurnLimits = { thinkMs: 0, kind: 'user', inputTokens: request.inputTokens, maxOutputTokens: request.maxOutputTokens }
    if (request.targetOutputTokens !== undefined) limits.targetOutputTokens = request.targetOutputTokens
    return limits
  }
  const spec = laterTurn(request, turn)
  const limits: TurnLimits = { thinkMs: spec.thinkMs, kind: spec.kind ?? 'user', inputTokens: spec.inputTokens, maxOutputTokens: spec.maxOutputTokens }
  if (spec.targetOutputTokens !== undefined) limits.targetOutputTokens = spec.targetOutputTokens
  return limits
}

function laterTurn(request: TrafficRequest, turn: number): TurnSpec {
  const spec = request.turns?.[turn - 2]
  if (spec === undefined) throw new RangeError(`request ${request.id} has no turn ${turn}`)
  return spec
}

/** Tokens of the stand-in answer of turn k. */
export function standInTokens(limits: Pick<TurnLimits, 'maxOutputTokens' | 'targetOutputTokens'>): number {
  return limits.targetOutputTokens ?? Math.min(limits.maxOutputTokens, DEFAULT_STAND_IN_TOKENS)
}

/** The stand-in answer text of turn k: exactly `standInTokens` tokens in the request's task's words. */
export function standInText(request: TrafficRequest, turn: number): string {
  return synthesizeText({ task: request.task, tokens: standInTokens(turnLimits(request, turn)), seed: createRandom(`${request.id}#answer${turn}`).seed })
}

/** The assistant message closing turn k, given what comes next (a tool result needs a tool call before it). */
export function answerMessage(request: TrafficRequest, turn: number, mode: HistoryMode, received: string | undefined): ChatMessage {
  const next = turn < turnCount(request) ? turnLimits(request, turn + 1).kind : 'user'
  if (next === 'tool') {
    // The stand-in call's arguments: the model's query, as JSON (a mock answers in text, never with a call).
    return { role: 'assistant', content: JSON.stringify({ query: standInText(request, turn) }), toolCall: { id: toolCallId(turn), name: STAND_IN_TOOL } }
  }
  return { role: 'assistant', content: mode === 'actual' && received !== undefined ? received : standInText(request, turn) }
}

function toolCallId(turn: number): string {
  return `call_${turn}`
}

/** The new message of turn k ≥ 2: the user's follow-up or the tool's result. */
export function turnMessage(request: TrafficRequest, turn: number): ChatMessage {
  const spec = laterTurn(request, turn)
  const content = spec.text ?? synthesizeText(spec.prompt ?? { task: request.task, tokens: 0, seed: 0 })
  if ((spec.kind ?? 'user') === 'tool') return { role: 'tool', content, toolCallId: toolCallId(turn - 1) }
  return { role: 'user', content }
}

/**
 * Builds each turn's messages in order. `first` is turn 1's own messages (literal or expanded);
 * call `answered(k, text)` after turn k before asking for turn k + 1. Every request marks its
 * final message as a cache breakpoint (as Anthropic advises for chats): the next turn reads the
 * whole history at its own breakpoint and writes only what is new.
 */
export interface History {
  messagesFor(turn: number): ChatMessage[]
  answered(turn: number, received: string | undefined): void
}

export function createHistory(request: TrafficRequest, first: readonly ChatMessage[], mode: HistoryMode): History {
  const past: ChatMessage[] = [...prefixMessages(request.prefix), ...first]
  let built = 1
  return {
    messagesFor(turn) {
      if (turn !== built) throw new RangeError(`turn ${turn} of ${request.id} asked before turn ${built} was answered`)
      // Only the prefix carries marks in `past`; the mark on the last message is on a copy.
      const messages = [...past]
      const last = messages[messages.length - 1]
      if (last !== undefined) messages[messages.length - 1] = { ...last, cache: true }
      return messages
    },
    answered(turn, received) {
      past.push(answerMessage(request, turn, mode, received))
      built = turn + 1
      if (built <= turnCount(request)) past.push(turnMessage(request, built))
    },
  }
}

/**
 * The later turns with max and target output capped at `cap`; a shorter stand-in answer shortens
 * every later request's history, so their input counts drop by the same amount.
 */
export function capTurns(request: TrafficRequest, cap: number): TurnSpec[] {
  let removed = 0
  let previous = standInTokens(turnLimits(request, 1))
  let previousCapped = standInTokens({ maxOutputTokens: Math.min(request.maxOutputTokens, cap), ...(request.targetOutputTokens === undefined ? {} : { targetOutputTokens: Math.min(request.targetOutputTokens, cap) }) })
  return (request.turns ?? []).map((turn) => {
    if ((turn.kind ?? 'user') === 'user') removed += previous - previousCapped
    const capped: TurnSpec = { ...turn, maxOutputTokens: Math.min(turn.maxOutputTokens, cap), inputTokens: Math.max(0, turn.inputTokens - removed) }
    if (turn.targetOutputTokens !== undefined) capped.targetOutputTokens = Math.min(turn.targetOutputTokens, cap)
    previous = standInTokens(turn)
    previousCapped = standInTokens(capped)
    return capped
  })
}

/** Resuming: the first turn of the chain with no record yet (the turns before it are not sent again). */
export function firstOpenTurn(request: TrafficRequest, recorded: ReadonlySet<string>): number {
  const total = turnCount(request)
  for (let turn = 1; turn <= total; turn++) if (!recorded.has(turnRequestId(request.id, turn))) return turn
  return total + 1
}

/**
 * Builds every message of a chain once, off the clock: the prompt tables of the tasks its blocks,
 * stand-ins and tool results are written in are then warm, and its shared blocks are memoised.
 */
export function warmChain(request: TrafficRequest, first: readonly ChatMessage[]): void {
  const history = createHistory(request, first, 'stand-in')
  const total = turnCount(request)
  for (let turn = 1; turn <= total; turn++) {
    history.messagesFor(turn)
    if (turn < total) history.answered(turn, undefined)
  }
}
