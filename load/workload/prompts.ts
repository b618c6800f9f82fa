// Prompt synthesis: deterministic task-like text of exactly N tokens, built in linear time.
//
// How the count stays exact without tokenizing each prompt: tiktoken first splits text with a
// pre-tokenizer regex and then runs BPE inside each piece, so tokens never cross a piece
// boundary. Every prompt here is a concatenation of fragments (template literals and slot
// values) whose joins are checked, once per encoding, to be piece boundaries:
//
//   left ends with             right starts with
//   non-space                  " " + non-space            ("The" | " Supplier")
//   letter or digit            punctuation other than '   ("30" | " days.")
//   letter or digit            "\n"
//   punctuation                digit                      ("INV-" | "4123")
//   non-space + "\n"           anything but \r \n / and blank ("...\n" | "  return x")
//
// so count(prompt) = Σ count(fragment). Every fragment's count per encoding ships in
// prompt-token-counts.ts (written by the tokenizer itself: test/unit/load/prompt-token-counts.test.ts
// checks it and rewrites it with UPDATE_PROMPT_COUNTS=1), so generating traffic never loads tiktoken
// (~70 MB, a second of CPU); a fragment missing from it (an edited text) is counted by the
// tokenizer, once per encoding. Synthesis then only adds cached integers. What is counted:
// `countTokens(content)` of the single user message, i.e. the message text with o200k_base (or
// cl100k_base) and no chat framing; a vendor's reported input adds a few framing tokens.
import type { ChatMessage } from '../../adapters/types.js'
import { createRandom, type Random } from '../../core/random.js'
import { countTokens, DEFAULT_ENCODING, type EncodingName } from '../../core/tokens.js'
import type { PromptSpec } from '../../core/traffic-types.js'
import { TASK_TEXTS, type LineSpec, type TaskText } from './prompt-texts.js'
import { PROMPT_TOKEN_COUNTS } from './prompt-token-counts.js'

/** Tasks with their own text; any other task name is synthesised as `chat`. */
export const PROMPT_TASKS = ['summarize-document', 'write-email', 'chat', 'rag-answer', 'extract-table', 'code-assist'] as const

const SLOT_PATTERN = /<<([a-z0-9]+)>>/g
const FILLER_WORDS_PER_LINE = 20

type Part = { kind: 'literal'; text: string; tokens: number } | { kind: 'slot'; slot: SlotTable; spaced: boolean }

interface SlotTable {
  name: string
  bare: readonly string[]
  spaced: string[]
  bareTokens: number[]
  spacedTokens: number[]
  index: Map<string, number>
}

interface CompiledTask {
  text: TaskText
  lines: Map<string, Part[]>
  fillerPrefixTokens: number
  fillerSuffixTokens: number
  /** Filler words with a leading space, each exactly one token in this encoding. */
  fillerWords: string[]
  tinyStarts: string[]
}

interface Rendered {
  parts: string[]
  tokens: number
}

let tokenizerCalls = 0
const compiled = new Map<EncodingName, Map<string, CompiledTask>>()
/** Set while `countPromptFragments` runs: every fragment counted by the tokenizer, the table bypassed. */
let recording: Map<string, number> | undefined

function count(text: string, encoding: EncodingName): number {
  if (recording === undefined) {
    const known = PROMPT_TOKEN_COUNTS[encoding].get(text)
    if (known !== undefined) return known
  }
  tokenizerCalls++
  const tokens = countTokens(text, encoding)
  recording?.set(text, tokens)
  return tokens
}

/**
 * Every fragment of every task with its count from the tokenizer itself (the shipped table not
 * consulted): what prompt-token-counts.ts must hold for `encoding`.
 */
export function countPromptFragments(encoding: EncodingName): Map<string, number> {
  recording = new Map()
  try {
    for (const [key, text] of Object.entries(TASK_TEXTS)) compileTask(key, text, encoding)
    return recording
  } finally {
    recording = undefined
  }
}

/** How many times this module has run the tokenizer (tests check the send path adds none). */
export function promptTokenizerCalls(): number {
  return tokenizerCalls
}

/** The text variant used for a spec: extraction alternates table kinds by seed. */
export function promptTextKey(spec: Pick<PromptSpec, 'task' | 'seed'>): string {
  if (spec.task === 'extract-table') return spec.seed % 2 === 0 ? 'extract-table/invoices' : 'extract-table/shipments'
  return spec.task in TASK_TEXTS ? spec.task : 'chat'
}

/** Counts every fragment of every task once for `encoding`, so later synthesis never tokenizes. */
export function warmPrompts(encoding: EncodingName = DEFAULT_ENCODING): void {
  tasksFor(encoding)
}

function tasksFor(encoding: EncodingName): Map<string, CompiledTask> {
  let tasks = compiled.get(encoding)
  if (tasks === undefined) {
    tasks = new Map()
    for (const [key, text] of Object.entries(TASK_TEXTS)) tasks.set(key, compileTask(key, text, encoding))
    compiled.set(encoding, tasks)
  }
  return tasks
}

function compileTask(key: string, text: TaskText, encoding: EncodingName): CompiledTask {
  const slots = new Map<string, SlotTable>()
  for (const [name, values] of Object.entries(text.vocab)) {
    const spaced = values.map((value) => ` ${value}`)
    slots.set(name, {
      name,
      bare: values,
      spaced,
      bareTokens: values.map((value) => count(value, encoding)),
      spacedTokens: spaced.map((value) => count(value, encoding)),
      index: new Map(values.map((value, i) => [value, i])),
    })
  }
  const lines = new Map<string, Part[]>()
  const all = [...text.templates, ...text.fillLines, ...text.intros.flat(), ...text.closings.flat()]
  for (const template of all) if (!lines.has(template)) lines.set(template, compileLine(key, template, slots, encoding))
  const singleToken = (word: string): boolean => count(word, encoding) === 1
  const fillerWords = text.filler.words.map((word) => ` ${word}`).filter(singleToken)
  const tinyStarts = text.tinyStarts.filter(singleToken)
  if (fillerWords.length < 4 || tinyStarts.length === 0) throw new Error(`prompt text '${key}': too few single-token filler words for ${encoding}`)
  checkLineStart(key, text.filler.prefix)
  for (const word of fillerWords) {
    checkJoin(key, text.filler.prefix, word)
    checkJoin(key, 'x', word)
    checkJoin(key, word, text.filler.suffix)
  }
  checkLineEnd(key, text.filler.suffix)
  return {
    text,
    lines,
    fillerPrefixTokens: count(text.filler.prefix, encoding),
    fillerSuffixTokens: count(text.filler.suffix, encoding),
    fillerWords,
    tinyStarts,
  }
}

function compileLine(key: string, template: string, slots: Map<string, SlotTable>, encoding: EncodingName): Part[] {
  const raw: ({ literal: string } | { slot: SlotTable })[] = []
  let last = 0
  for (const match of template.matchAll(SLOT_PATTERN)) {
    const slot = slots.get(match[1] as string)
    if (slot === undefined) throw new Error(`prompt text '${key}': slot <<${match[1]}>> has no vocabulary`)
    if (match.index > last) raw.push({ literal: template.slice(last, match.index) })
    raw.push({ slot })
    last = match.index + match[0].length
  }
  if (last < template.length) raw.push({ literal: template.slice(last) })
  // A space before a slot moves into the slot's fragment, so joins fall before " word".
  const parts: Part[] = []
  for (let i = 0; i < raw.length; i++) {
    const piece = raw[i] as { literal: string } | { slot: SlotTable }
    if ('slot' in piece) {
      const previous = parts[parts.length - 1]
      let spaced = false
      if (previous?.kind === 'literal' && previous.text.endsWith(' ')) {
        previous.text = previous.text.slice(0, -1)
        spaced = true
        if (previous.text === '') parts.pop()
      }
      parts.push({ kind: 'slot', slot: piece.slot, spaced })
    } else {
      parts.push({ kind: 'literal', text: piece.literal, tokens: 0 })
    }
  }
  for (const part of parts) if (part.kind === 'literal') part.tokens = count(part.text, encoding)
  // Check every join with every value the slots can take.
  const variants = (part: Part): readonly string[] => (part.kind === 'literal' ? [part.text] : part.spaced ? part.slot.spaced : part.slot.bare)
  for (const first of variants(parts[0] as Part)) checkLineStart(key, first)
  for (let i = 0; i + 1 < parts.length; i++) {
    for (const left of variants(parts[i] as Part)) for (const right of variants(parts[i + 1] as Part)) checkJoin(key, left, right)
  }
  const end = parts[parts.length - 1] as Part
  if (end.kind !== 'literal') throw new Error(`prompt text '${key}': template must end in a literal newline: ${JSON.stringify(template)}`)
  checkLineEnd(key, end.text)
  for (const part of parts) {
    if (part.kind === 'literal' && part.text.slice(0, -1).includes('\n')) throw new Error(`prompt text '${key}': one line per template: ${JSON.stringify(template)}`)
  }
  return parts
}

const isSpace = (char: string): boolean => /\s/.test(char)
const isAlnum = (char: string): boolean => /[A-Za-z0-9]/.test(char)

/** True when the pre-tokenizer always splits between `left` and `right` (see the file header). */
export function isPieceBoundary(left: string, right: string): boolean {
  const a = left[left.length - 1]
  const b = right[0]
  if (a === undefined || b === undefined) return true
  if (a === '\n') return left.length >= 2 && !isSpace(left[left.length - 2] as string) && isLineStart(right)
  if (isSpace(a)) return false
  if (b === ' ') return right.length >= 2 && !isSpace(right[1] as string)
  if (b === '\n') return isAlnum(a)
  if (isAlnum(b)) return /[0-9]/.test(b) && !isAlnum(a) && !isSpace(a) && a !== "'"
  if (isSpace(b) || b === "'") return false
  return isAlnum(a)
}

function isLineStart(text: string): boolean {
  const b = text[0]
  if (b === undefined || b === '\n' || b === '\r' || b === '/') return false
  return /\S/.test(text.split('\n')[0] ?? '')
}

function checkJoin(key: string, left: string, right: string): void {
  if (!isPieceBoundary(left, right)) throw new Error(`prompt text '${key}': join ${JSON.stringify(left)} | ${JSON.stringify(right)} is not a token boundary`)
}

function checkLineStart(key: string, text: string): void {
  if (!isLineStart(text)) throw new Error(`prompt text '${key}': a line cannot start like ${JSON.stringify(text)}`)
}

function checkLineEnd(key: string, text: string): void {
  if (!text.endsWith('\n') || (text.length >= 2 && isSpace(text[text.length - 2] as string))) {
    throw new Error(`prompt text '${key}': a line must end in a non-space and "\\n": ${JSON.stringify(text)}`)
  }
}

function render(task: CompiledTask, lines: readonly LineSpec[], random: Random, out: Rendered): void {
  for (const line of lines) {
    const parts = task.lines.get(line.template)
    if (parts === undefined) throw new Error(`prompt template not declared in its task's templates: ${JSON.stringify(line.template)}`)
    for (const part of parts) {
      if (part.kind === 'literal') {
        out.parts.push(part.text)
        out.tokens += part.tokens
        continue
      }
      const bound = line.bindings?.[part.slot.name]
      let index: number
      if (bound === undefined) index = random.int(part.slot.bare.length)
      else {
        const found = part.slot.index.get(bound)
        if (found === undefined) throw new Error(`prompt binding ${part.slot.name}=${JSON.stringify(bound)} is not in its vocabulary`)
        index = found
      }
      if (part.spaced) {
        out.parts.push(part.slot.spaced[index] as string)
        out.tokens += part.slot.spacedTokens[index] as number
      } else {
        out.parts.push(part.slot.bare[index] as string)
        out.tokens += part.slot.bareTokens[index] as number
      }
    }
  }
}

function renderLines(task: CompiledTask, lines: readonly string[], random: Random): Rendered {
  const out: Rendered = { parts: [], tokens: 0 }
  render(task, lines.map((template) => ({ template })), random, out)
  return out
}

/** Appends `words` filler words cycling through the task's list from a random start. */
function pushWords(task: CompiledTask, words: number, out: string[], start: number): number {
  const list = task.fillerWords
  let at = start
  for (let i = 0; i < words; i++) {
    out.push(list[at % list.length] as string)
    at++
  }
  return at
}

/**
 * The user text for `spec`: exactly `spec.tokens` tokens in the encoding (explicit argument,
 * else `spec.encoding`, else o200k_base). Deterministic in (task, tokens, seed, encoding).
 */
export function synthesizeText(spec: PromptSpec, encoding?: EncodingName): string {
  const target = spec.tokens
  if (!Number.isInteger(target) || target < 0) throw new RangeError(`prompt tokens must be a non-negative integer (got ${target})`)
  if (target === 0) return ''
  const task = tasksFor(encoding ?? spec.encoding ?? DEFAULT_ENCODING).get(promptTextKey(spec)) as CompiledTask
  const random = createRandom(spec.seed)
  const intro = renderLines(task, random.pick(task.text.intros), random)
  const closing = renderLines(task, random.pick(task.text.closings), random)
  const fillerOverhead = task.fillerPrefixTokens + task.fillerSuffixTokens
  let wordAt = random.int(task.fillerWords.length)
  if (target < intro.tokens + closing.tokens + fillerOverhead + 1) {
    // Too short for the full structure: an opener and plain words.
    const parts = [random.pick(task.tinyStarts)]
    pushWords(task, target - 1, parts, wordAt)
    return parts.join('')
  }
  const out: Rendered = { parts: intro.parts, tokens: 0 }
  let budget = target - intro.tokens - closing.tokens
  const nextUnit = task.text.body(random)
  const unit: Rendered = { parts: [], tokens: 0 }
  let misses = 0
  // Keep at least one filler line's worth (overhead + 1 word) unless a unit fits exactly.
  while (budget > 0 && misses < 4) {
    unit.parts = []
    unit.tokens = 0
    render(task, nextUnit(), random, unit)
    if (unit.tokens === budget || unit.tokens <= budget - fillerOverhead - 1) {
      for (const part of unit.parts) out.parts.push(part)
      budget -= unit.tokens
    } else {
      misses++
    }
  }
  // Then standalone lines that still fit, so the word filler stays short.
  const fill = task.text.fillLines
  for (let attempt = 0; attempt < 12 && budget > fillerOverhead + 1; attempt++) {
    unit.parts = []
    unit.tokens = 0
    render(task, [{ template: fill[random.int(fill.length)] as string }], random, unit)
    if (unit.tokens === budget || unit.tokens <= budget - fillerOverhead - 1) {
      for (const part of unit.parts) out.parts.push(part)
      budget -= unit.tokens
    }
  }
  // Filler lines: prefix + words + suffix; full lines first, then the rest on the last one.
  while (budget > 2 * fillerOverhead + FILLER_WORDS_PER_LINE) {
    out.parts.push(task.text.filler.prefix)
    wordAt = pushWords(task, FILLER_WORDS_PER_LINE, out.parts, wordAt)
    out.parts.push(task.text.filler.suffix)
    budget -= fillerOverhead + FILLER_WORDS_PER_LINE
  }
  if (budget > 0) {
    out.parts.push(task.text.filler.prefix)
    pushWords(task, budget - fillerOverhead, out.parts, wordAt)
    out.parts.push(task.text.filler.suffix)
  }
  for (const part of closing.parts) out.parts.push(part)
  return out.parts.join('')
}

/** The messages for a prompt spec: one user message of exactly `spec.tokens` tokens. */
export function synthesizePrompt(spec: PromptSpec, encoding?: EncodingName): ChatMessage[] {
  return [{ role: 'user', content: synthesizeText(spec, encoding) }]
}

const NULLABLE_STRING = { type: ['string', 'null'] }
const NULLABLE_NUMBER = { type: ['number', 'null'] }

function rowsSchema(properties: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['rows'],
    properties: {
      rows: { type: 'array', items: { type: 'object', additionalProperties: false, required: Object.keys(properties), properties } },
    },
  }
}

const INVOICE_SCHEMA = rowsSchema({
  invoice_id: { type: 'string' },
  date: { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  vendor: NULLABLE_STRING,
  amount: NULLABLE_NUMBER,
  currency: NULLABLE_STRING,
  status: NULLABLE_STRING,
})

const SHIPMENT_SCHEMA = rowsSchema({
  shipment_id: { type: 'string' },
  ship_date: { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  origin: NULLABLE_STRING,
  destination: NULLABLE_STRING,
  weight_kg: NULLABLE_NUMBER,
  carrier: NULLABLE_STRING,
})

/** The JSON Schema an extraction prompt's answer must match; undefined for other tasks. */
export function responseSchemaFor(spec: Pick<PromptSpec, 'task' | 'seed'>): Record<string, unknown> | undefined {
  const key = promptTextKey(spec)
  if (key === 'extract-table/invoices') return INVOICE_SCHEMA
  if (key === 'extract-table/shipments') return SHIPMENT_SCHEMA
  return undefined
}
