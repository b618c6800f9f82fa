// Traffic file serialisation: a request (or the header) as one JSON line with a fixed key order,
// so the same request always serialises to the same bytes. Pure; the writer does the I/O.
import type { PrefixSpec, PromptSpec, SharedBlock, TrafficHeader, TrafficRequest, TurnSpec } from '../core/traffic-types.js'

/** The header with its keys in file order. */
export function canonicalHeader(header: TrafficHeader): TrafficHeader {
  const ordered: TrafficHeader = {
    type: 'header',
    schemaVersion: header.schemaVersion,
    generator: header.generator,
    generatorVersion: header.generatorVersion,
    seed: header.seed,
    source: header.source,
    createdAt: header.createdAt,
    requestCount: header.requestCount,
    spanMs: header.spanMs,
    encoding: header.encoding,
  }
  if (header.parameters !== undefined) ordered.parameters = header.parameters
  return ordered
}

// Response schemas are shared objects (one per table kind): serialise each once.
const schemaJson = new WeakMap<object, string>()

/**
 * One JSON line with a fixed key order (reading order: identity and time, content, token
 * counts, extras), so the same request always serialises to the same bytes.
 */
export function serializeTrafficRequest(request: TrafficRequest): string {
  let line = `{"id":${JSON.stringify(request.id)},"offsetMs":${JSON.stringify(request.offsetMs)},"userId":${JSON.stringify(request.userId)},"task":${JSON.stringify(request.task)}`
  if (request.messages !== undefined) line += `,"messages":${JSON.stringify(request.messages.map((message) => ({ role: message.role, content: message.content })))}`
  if (request.prompt !== undefined) line += `,"prompt":${serializePromptSpec(request.prompt)}`
  line += `,"inputTokens":${JSON.stringify(request.inputTokens)},"maxOutputTokens":${JSON.stringify(request.maxOutputTokens)}`
  if (request.targetOutputTokens !== undefined) line += `,"targetOutputTokens":${JSON.stringify(request.targetOutputTokens)}`
  if (request.tags !== undefined) line += `,"tags":${JSON.stringify(request.tags)}`
  if (request.responseSchema !== undefined) {
    let json = schemaJson.get(request.responseSchema)
    if (json === undefined) {
      json = JSON.stringify(request.responseSchema)
      schemaJson.set(request.responseSchema, json)
    }
    line += `,"responseSchema":${json}`
  }
  const expected = request.expected
  if (expected !== undefined) {
    line += `,"expected":{"answer":${JSON.stringify(expected.answer)},"match":${JSON.stringify(expected.match)},"questionId":${JSON.stringify(expected.questionId)}}`
  }
  if (request.variant !== undefined) line += `,"variant":${JSON.stringify(request.variant)}`
  if (request.source !== undefined) line += `,"source":${JSON.stringify(request.source)}`
  if (request.prefix !== undefined) line += `,"prefix":${serializePrefix(request.prefix)}`
  if (request.turns !== undefined) line += `,"turns":[${request.turns.map(serializeTurn).join(',')}]`
  if (request.agent !== undefined) line += `,"agent":${JSON.stringify(request.agent)}`
  return `${line}}`
}

function serializeBlock(block: SharedBlock): string {
  return `{"id":${JSON.stringify(block.id)},"tokens":${JSON.stringify(block.tokens)}}`
}

function serializePrefix(prefix: PrefixSpec): string {
  const parts: string[] = []
  if (prefix.system !== undefined) parts.push(`"system":${serializeBlock(prefix.system)}`)
  if (prefix.documents !== undefined) parts.push(`"documents":[${prefix.documents.map(serializeBlock).join(',')}]`)
  return `{${parts.join(',')}}`
}

function serializePromptSpec(prompt: PromptSpec): string {
  const head = `{"task":${JSON.stringify(prompt.task)},"tokens":${JSON.stringify(prompt.tokens)},"seed":${JSON.stringify(prompt.seed)}`
  return prompt.encoding === undefined ? `${head}}` : `${head},"encoding":${JSON.stringify(prompt.encoding)}}`
}

function serializeTurn(turn: TurnSpec): string {
  let text = `{"thinkMs":${JSON.stringify(turn.thinkMs)}`
  if (turn.kind !== undefined) text += `,"kind":${JSON.stringify(turn.kind)}`
  if (turn.prompt !== undefined) text += `,"prompt":${serializePromptSpec(turn.prompt)}`
  if (turn.text !== undefined) text += `,"text":${JSON.stringify(turn.text)}`
  text += `,"inputTokens":${JSON.stringify(turn.inputTokens)},"maxOutputTokens":${JSON.stringify(turn.maxOutputTokens)}`
  if (turn.targetOutputTokens !== undefined) text += `,"targetOutputTokens":${JSON.stringify(turn.targetOutputTokens)}`
  return `${text}}`
}
