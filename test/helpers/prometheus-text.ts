// Reads Prometheus text exposition (0.0.4) back into series: strict enough to reject a malformed
// line, small enough to read. The tests use it to check what /metrics and `export --format prom` serve.

export interface ParsedSeries {
  name: string
  labels: Record<string, string>
  value: number
}

export interface ParsedExposition {
  /** Metric family → TYPE (counter, gauge, histogram, …). */
  types: Map<string, string>
  series: ParsedSeries[]
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+-?\\d+)?$`)
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/y

export function parseExposition(text: string): ParsedExposition {
  const types = new Map<string, string>()
  const series: ParsedSeries[] = []
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (line === '') continue
    if (line.startsWith('#')) {
      const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line)
      if (type !== null) types.set(type[1] as string, type[2] as string)
      else if (!/^# HELP /.test(line) && !/^#( |$)/.test(line)) throw new Error(`line ${index + 1}: bad comment: ${line}`)
      continue
    }
    const match = SAMPLE.exec(line)
    if (match === null) throw new Error(`line ${index + 1}: not a sample: ${line}`)
    const value = parseValue(match[3] as string)
    if (value === undefined) throw new Error(`line ${index + 1}: bad value: ${line}`)
    series.push({ name: match[1] as string, labels: parseLabels(match[2] ?? '', index + 1), value })
  }
  return { types, series }
}

/** Sum of every series named `name` whose labels include `where`. */
export function sumOf(exposition: ParsedExposition, name: string, where: Record<string, string> = {}): number {
  let total = 0
  for (const entry of exposition.series) {
    if (entry.name === name && Object.entries(where).every(([key, value]) => entry.labels[key] === value)) total += entry.value
  }
  return total
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  if (text === 'NaN') return NaN
  const value = Number(text)
  return Number.isNaN(value) ? undefined : value
}

function parseLabels(text: string, lineNumber: number): Record<string, string> {
  const labels: Record<string, string> = {}
  LABEL.lastIndex = 0
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex
    const match = LABEL.exec(text)
    if (match === null) throw new Error(`line ${lineNumber}: bad labels at ${start}: {${text}}`)
    labels[match[1] as string] = (match[2] as string).replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char))
  }
  return labels
}
