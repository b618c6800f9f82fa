// Reads a schedule's fields from a spec (code, JSON) or from CLI flag text, collecting every
// problem as one line that names the field or flag, what was expected and received, and a fix.

/** How problems name a field: `schedule.users` / `"users": 8`, or `--users` / `--users 8`. */
export interface FieldNames {
  of(field: string): string
  example(field: string, value: unknown): string
  /** Values are flag text: numbers are parsed here. */
  readonly fromText: boolean
}

export interface NumberRule {
  integer?: boolean
  min?: number
  /** Strict lower bound (`> 0`). */
  above?: number
  required?: boolean
  example: number
}

export interface FieldReader {
  number(field: string, rule: NumberRule & { required: true }): number
  number(field: string, rule: NumberRule): number | undefined
  choice<T extends string>(field: string, choices: readonly T[], rule: { example: T; required?: boolean }): T | undefined
  /** A list of objects, each read with its own reader (`schedule.stages[1].durationMs`). */
  list<T>(field: string, rule: { minItems: number; fields: readonly string[]; example: unknown[] }, item: (read: FieldReader, index: number) => T): T[]
  /** A check across fields: `${field}: ${message}`. */
  problem(field: string, message: string): void
}

export function specNames(prefix: string): FieldNames {
  return { of: (field) => `${prefix}.${field}`, example: (field, value) => `"${field}": ${JSON.stringify(value)}`, fromText: false }
}

function received(value: unknown, names: FieldNames): string {
  if (names.fromText && typeof value === 'string') return `'${value}'`
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value))
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function describeNumber(rule: NumberRule): string {
  const bounds = [rule.min === undefined ? '' : `≥ ${rule.min}`, rule.above === undefined ? '' : `> ${rule.above}`].filter((b) => b !== '')
  return `${rule.integer === true ? 'a whole number' : 'a number'}${bounds.length === 0 ? '' : ` ${bounds.join(' and ')}`}`
}

export function unknownField(name: string, known: readonly string[]): string {
  return `${name}: unknown field (known: ${known.length === 0 ? 'none' : known.join(', ')}); remove it or check the spelling`
}

export function createFieldReader(input: Readonly<Record<string, unknown>>, names: FieldNames, problems: string[]): FieldReader {
  const bad = (field: string, expected: string, value: unknown, example: unknown): void => {
    const what = value === undefined ? `missing (${expected})` : `expected ${expected}, received ${received(value, names)}`
    problems.push(`${names.of(field)}: ${what}; e.g. ${names.example(field, example)}`)
  }
  const reader: FieldReader = {
    number(field: string, rule: NumberRule): number {
      const value = input[field]
      if (value === undefined) {
        if (rule.required !== true) return undefined as unknown as number // the optional overload
        bad(field, describeNumber(rule), undefined, rule.example)
        return Number.NaN
      }
      const number = names.fromText && typeof value === 'string' ? (value.trim() === '' ? Number.NaN : Number(value)) : value
      const ok =
        typeof number === 'number' &&
        Number.isFinite(number) &&
        (rule.integer !== true || Number.isInteger(number)) &&
        (rule.min === undefined || number >= rule.min) &&
        (rule.above === undefined || number > rule.above)
      if (!ok) {
        bad(field, describeNumber(rule), value, rule.example)
        return Number.NaN
      }
      return number
    },
    choice(field, choices, rule) {
      const value = input[field]
      if (value === undefined && rule.required !== true) return undefined
      if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as (typeof choices)[number]
      bad(field, choices.join(' or '), value, rule.example)
      return undefined
    },
    list(field, rule, item) {
      const value = input[field]
      if (!Array.isArray(value) || value.length < rule.minItems) {
        bad(field, `a list of at least ${rule.minItems}`, value, rule.example)
        return []
      }
      return value.map((element: unknown, index) => {
        const at = `${names.of(field)}[${index}]`
        if (typeof element !== 'object' || element === null || Array.isArray(element)) {
          problems.push(`${at}: expected an object, received ${received(element, names)}; e.g. ${JSON.stringify(rule.example[0])}`)
          return item(createFieldReader({}, specNames(at), []), index)
        }
        for (const key of Object.keys(element)) {
          if (!rule.fields.includes(key)) problems.push(unknownField(`${at}.${key}`, rule.fields))
        }
        return item(createFieldReader(element as Record<string, unknown>, specNames(at), problems), index)
      })
    },
    problem(field, message) {
      problems.push(`${names.of(field)}: ${message}`)
    },
  }
  return reader
}
