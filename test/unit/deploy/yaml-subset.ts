// Test helper: a strict parser for the small YAML subset our manifests use (no YAML package is
// installed). Block mappings and sequences, `---` documents, plain / single- / double-quoted
// scalars, `|` and `|-` block scalars, flow sequences of scalars, full-line and ` #` comments.
// Anything else (anchors, flow maps, folded scalars, tabs, multi-line plain scalars) throws, so
// a manifest cannot silently drift outside what the tests really read.

interface Line {
  number: number
  indent: number
  text: string
}

export class YamlSubsetError extends Error {}

function fail(line: Line | undefined, message: string): never {
  throw new YamlSubsetError(`yaml-subset line ${line?.number ?? 'EOF'}: ${message}`)
}

function stripComment(text: string): string {
  let quote: string | undefined
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string
    if (quote !== undefined) {
      if (char === quote) quote = undefined
    } else if (char === '"' || char === "'") quote = char
    else if (char === '#' && (i === 0 || text[i - 1] === ' ')) return text.slice(0, i).trimEnd()
  }
  return text
}

function splitFlow(inner: string, line: Line): string[] {
  const items: string[] = []
  let current = ''
  let quote: string | undefined
  for (const char of inner) {
    if (quote !== undefined) {
      current += char
      if (char === quote) quote = undefined
    } else if (char === '"' || char === "'") {
      quote = char
      current += char
    } else if (char === ',') {
      items.push(current.trim())
      current = ''
    } else if (char === '[' || char === '{') fail(line, 'nested flow collections are outside the subset')
    else current += char
  }
  if (current.trim() !== '') items.push(current.trim())
  return items
}

function scalar(raw: string, line: Line): unknown {
  const text = raw.trim()
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2) fail(line, `unterminated double-quoted string ${text}`)
    try {
      return JSON.parse(text) as string
    } catch {
      return fail(line, `double-quoted string with escapes outside JSON's: ${text}`)
    }
  }
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) fail(line, `unterminated single-quoted string ${text}`)
    return text.slice(1, -1).replace(/''/g, "'")
  }
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) fail(line, 'a flow sequence must end on its line')
    return splitFlow(text.slice(1, -1), line).map((item) => scalar(item, line))
  }
  if (/^[&*!{>|%@`]/.test(text)) fail(line, `'${text[0]}' starts syntax outside the subset`)
  if (text === 'true') return true
  if (text === 'false') return false
  if (text === 'null' || text === '~' || text === '') return null
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  if (/:\s/.test(text) || text.endsWith(':')) fail(line, `plain scalar '${text}' contains ': ' (quote it)`)
  return text
}

/** Splits `key: rest`; undefined when the line is not a mapping entry. */
function splitKey(text: string): { key: string; rest: string } | undefined {
  const match = /^([A-Za-z0-9_.\/-]+|"[^"]*"|'[^']*'):(?:\s+(.*))?$/.exec(text)
  if (match === null) return undefined
  const rawKey = match[1] as string
  const key = rawKey.startsWith('"') || rawKey.startsWith("'") ? rawKey.slice(1, -1) : rawKey
  return { key, rest: match[2] ?? '' }
}

class Parser {
  private index = 0
  private readonly lines: Line[] = []
  private readonly raw: string[]
  private readonly firstLineNumber: number

  constructor(raw: string[], firstLineNumber: number) {
    this.raw = raw
    this.firstLineNumber = firstLineNumber
    raw.forEach((text, offset) => {
      if (/^\t| \t/.test(text)) fail({ number: firstLineNumber + offset, indent: 0, text }, 'tabs are outside the subset')
      const content = stripComment(text)
      if (content.trim() === '') return
      this.lines.push({ number: firstLineNumber + offset, indent: content.length - content.trimStart().length, text: content.trim() })
    })
  }

  parse(): unknown {
    if (this.lines.length === 0) return null
    const value = this.block((this.lines[0] as Line).indent)
    if (this.index < this.lines.length) fail(this.lines[this.index], 'unexpected indentation')
    return value
  }

  private peek(): Line | undefined {
    return this.lines[this.index]
  }

  private block(indent: number): unknown {
    const line = this.peek()
    if (line === undefined) return null
    return line.text === '-' || line.text.startsWith('- ') ? this.sequence(indent) : this.mapping(indent)
  }

  private mapping(indent: number): Record<string, unknown> {
    const result: Record<string, unknown> = {}
    for (let line = this.peek(); line !== undefined && line.indent === indent; line = this.peek()) {
      if (line.text === '-' || line.text.startsWith('- ')) break
      const entry = splitKey(line.text)
      if (entry === undefined) fail(line, `expected 'key: value', got '${line.text}'`)
      if (Object.prototype.hasOwnProperty.call(result, entry.key)) fail(line, `duplicate key '${entry.key}'`)
      this.index++
      result[entry.key] = this.value(entry.rest, line, indent)
    }
    const next = this.peek()
    if (next !== undefined && next.indent > indent) fail(next, 'unexpected indentation')
    return result
  }

  private value(rest: string, line: Line, indent: number): unknown {
    if (rest === '|' || rest === '|-') return this.blockScalar(line, indent, rest === '|')
    if (rest !== '') return scalar(rest, line)
    const next = this.peek()
    if (next === undefined) return null
    if (next.indent > indent) return this.block(next.indent)
    // `key:` followed by a sequence at the same indent is valid YAML.
    if (next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) return this.sequence(indent)
    return null
  }

  private blockScalar(line: Line, indent: number, keepNewline: boolean): string {
    // Block scalars are read from the raw lines: comments and blank lines inside them are content.
    const start = line.number - this.firstLineNumber + 1
    const collected: string[] = []
    let end = start
    for (; end < this.raw.length; end++) {
      const text = this.raw[end] as string
      if (text.trim() === '') {
        collected.push('')
        continue
      }
      const lineIndent = text.length - text.trimStart().length
      if (lineIndent <= indent) break
      collected.push(text)
    }
    while (collected.length > 0 && collected[collected.length - 1] === '') collected.pop()
    const contentIndent = Math.min(...collected.filter((t) => t !== '').map((t) => t.length - t.trimStart().length))
    // Skip the parsed lines that belong to the block scalar.
    while (this.peek() !== undefined && (this.peek() as Line).number <= this.firstLineNumber + end - 1) this.index++
    const body = collected.map((t) => t.slice(contentIndent)).join('\n')
    return keepNewline ? `${body}\n` : body
  }

  private sequence(indent: number): unknown[] {
    const result: unknown[] = []
    for (let line = this.peek(); line !== undefined && line.indent === indent && (line.text === '-' || line.text.startsWith('- ')); line = this.peek()) {
      const content = line.text === '-' ? '' : line.text.slice(2)
      if (content === '') {
        this.index++
        const next = this.peek()
        result.push(next !== undefined && next.indent > indent ? this.block(next.indent) : null)
        continue
      }
      if (content === '|' || content === '|-') {
        this.index++
        result.push(this.blockScalar(line, indent, content === '|'))
        continue
      }
      const entry = splitKey(content)
      if (entry !== undefined) {
        // `- key: value` starts a mapping whose keys sit where `key` does.
        const itemIndent = indent + 2 + (content.length - content.trimStart().length)
        this.lines[this.index] = { number: line.number, indent: itemIndent, text: content }
        result.push(this.mapping(itemIndent))
        continue
      }
      this.index++
      result.push(scalar(content, line))
    }
    return result
  }
}

/** Parses every `---`-separated document of a file in the subset. */
export function parseYamlDocuments(text: string): unknown[] {
  const lines = text.split(/\r?\n/)
  const documents: unknown[] = []
  let start = 0
  const flush = (end: number): void => {
    const value = new Parser(lines.slice(start, end), start + 1).parse()
    if (value !== null) documents.push(value)
  }
  lines.forEach((line, index) => {
    if (/^---\s*$/.test(line)) {
      flush(index)
      start = index + 1
    }
  })
  flush(lines.length)
  return documents
}
