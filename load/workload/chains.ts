// A generated request's shared prefix and later turns, from its task's profile: the system prompt
// and documents it shares with other requests, and a conversation's follow-ups or an agent task's
// tool steps, each turn's input counted exactly (history with stand-in answers, load/chain/).
//
//   input(turn 1) = system + documents + question
//   input(k)      = input(k − 1) + answer(k − 1) + new message(k)
// where answer is the stand-in (target output tokens) or, before a tool result, the tool call's
// JSON arguments counted with the encoding.
import type { Random } from '../../core/random.js'
import { countTokens, type EncodingName } from '../../core/tokens.js'
import type { PrefixSpec, TrafficRequest, TurnSpec } from '../../core/traffic-types.js'
import { answerMessage } from '../chain/history.js'
import { sampleTokens, type TaskProfile } from './tasks.js'

export interface ChainRandoms {
  prefix: Random
  turns: Random
}

/** Shared blocks for one request of `task`: a system variant and distinct documents from the pool. */
export function samplePrefix(name: string, profile: TaskProfile, random: Random): PrefixSpec | undefined {
  const spec = profile.prefix
  if (spec === undefined) return undefined
  const prefix: PrefixSpec = {}
  if (spec.systemTokens > 0) prefix.system = { id: `sys:${name}:${random.int(spec.systemVariants)}`, tokens: spec.systemTokens }
  if (spec.documentTokens > 0 && spec.documentsPerRequest > 0) {
    const picked = new Set<number>()
    while (picked.size < spec.documentsPerRequest) picked.add(random.int(spec.documents))
    prefix.documents = [...picked].map((index) => ({ id: `doc:${name}:${index}`, tokens: spec.documentTokens }))
  }
  return prefix.system === undefined && prefix.documents === undefined ? undefined : prefix
}

export function prefixTokens(prefix: PrefixSpec | undefined): number {
  if (prefix === undefined) return 0
  let total = prefix.system?.tokens ?? 0
  for (const document of prefix.documents ?? []) total += document.tokens
  return total
}

/**
 * Adds `prefix` and `turns` (and `agent`) to a generated request whose own fields are turn 1.
 * Think and tool times are divided by `timeScale` like the arrival offsets, so a compressed
 * replay keeps the traffic's shape.
 */
export function addChain(request: TrafficRequest, name: string, profile: TaskProfile, randoms: ChainRandoms, encoding: EncodingName | undefined, timeScale = 1): void {
  const prefix = samplePrefix(name, profile, randoms.prefix)
  if (prefix !== undefined) {
    request.prefix = prefix
    request.inputTokens += prefixTokens(prefix)
  }
  const random = randoms.turns
  const conversation = profile.conversation
  const agent = profile.agent
  const total = conversation !== undefined ? Math.max(1, sampleTokens(conversation.turns, random)) : agent !== undefined ? Math.max(2, sampleTokens(agent.calls, random)) : 1
  if (total === 1) return
  if (agent !== undefined) {
    // The first call plans: it answers with a tool call's arguments, not the final answer.
    request.targetOutputTokens = sampleTokens(agent.callOutput, random)
    request.maxOutputTokens = Math.max(request.maxOutputTokens, request.targetOutputTokens, 1)
    request.agent = true
  }
  const turns: TurnSpec[] = []
  request.turns = turns
  let input = request.inputTokens
  for (let turn = 2; turn <= total; turn++) {
    const tool = agent !== undefined
    const tokens = tool ? sampleTokens(agent.toolResult, random) : sampleTokens((conversation as NonNullable<typeof conversation>).followUp, random)
    const thinkMs = tool ? sampleTokens(agent.toolMs, random) : sampleTokens((conversation as NonNullable<typeof conversation>).thinkMs, random)
    // The last agent call writes the answer; earlier ones write tool-call arguments.
    const target = tool && turn < total ? sampleTokens(agent.callOutput, random) : sampleTokens(profile.output, random)
    const seed = Math.floor(random.next() * 0x100000000)
    const spec: TurnSpec = {
      thinkMs: Math.round(thinkMs / timeScale),
      prompt: encoding === undefined ? { task: tool ? 'rag-answer' : name, tokens, seed } : { task: tool ? 'rag-answer' : name, tokens, seed, encoding },
      inputTokens: 0,
      maxOutputTokens: Math.max(profile.maxOutputTokens, target, 1),
      targetOutputTokens: target,
    }
    if (tool) spec.kind = 'tool'
    turns.push(spec)
    // The answer before this turn, as the run will send it (its tokens counted exactly).
    const answer = answerMessage(request, turn - 1, 'stand-in', undefined)
    const answerTokens = answer.toolCall === undefined ? (turn === 2 ? (request.targetOutputTokens ?? 0) : ((turns[turn - 3] as TurnSpec).targetOutputTokens ?? 0)) : countTokens(answer.content, encoding)
    input += answerTokens + tokens
    spec.inputTokens = input
  }
}
