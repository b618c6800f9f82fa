// Narrow reads of untrusted vendor JSON: one guard per shape, so parsers never trust a field's type.

export type JsonRecord = Record<string, unknown>

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The field when it is an object, else undefined. */
export function recordField(value: JsonRecord | undefined, name: string): JsonRecord | undefined {
  const field = value?.[name]
  return isRecord(field) ? field : undefined
}

/** The field when it is a string, else undefined. */
export function stringField(value: JsonRecord | undefined, name: string): string | undefined {
  const field = value?.[name]
  return typeof field === 'string' ? field : undefined
}

/** The field when it is a finite non-negative number (a token count), else undefined. */
export function countField(value: JsonRecord | undefined, name: string): number | undefined {
  const field = value?.[name]
  return typeof field === 'number' && Number.isFinite(field) && field >= 0 ? field : undefined
}

/** A string, or a number rendered as one (vLLM sends numeric error codes), else undefined. */
export function codeField(value: JsonRecord | undefined, name: string): string | undefined {
  const field = value?.[name]
  if (typeof field === 'string' && field !== '') return field
  if (typeof field === 'number' && Number.isFinite(field)) return String(field)
  return undefined
}

/** JSON.parse that reports failure as undefined instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false }
  }
}
