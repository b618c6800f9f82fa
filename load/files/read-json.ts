// JSON (an array of records, or an object holding one) and JSONL (one record a line) -> a Table.
// Columns are the keys in order of first appearance; numbers and booleans become their text,
// null an empty cell, nested values their JSON.

/** Thrown with the reason; read-file.ts names the file. */
export class JsonTableError extends Error {}

function cellOf(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

function tableOf(records: unknown[], where: (index: number) => string): { columns: string[]; rows: string[][] } {
  const columns: string[] = []
  const seen = new Set<string>()
  records.forEach((record, index) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new JsonTableError(`${where(index)} is ${Array.isArray(record) ? 'an array' : JSON.stringify(record)}, not a record (a JSON object)`)
    }
    for (const key of Object.keys(record)) {
      if (!seen.has(key)) {
        seen.add(key)
        columns.push(key)
      }
    }
  })
  if (records.length === 0) throw new JsonTableError('holds no records')
  const rows = records.map((record) => columns.map((column) => cellOf((record as Record<string, unknown>)[column])))
  return { columns, rows }
}

export function parseJsonTable(text: string): { columns: string[]; rows: string[][] } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new JsonTableError(`is not valid JSON (${(error as Error).message})`)
  }
  if (!Array.isArray(value) && value !== null && typeof value === 'object') {
    // `{"rows": [...]}`, `{"data": [...]}`: the one array of records inside.
    const arrays = Object.values(value).filter(Array.isArray)
    if (arrays.length === 1) value = arrays[0]
  }
  if (!Array.isArray(value)) throw new JsonTableError('is not an array of records (nor an object holding exactly one)')
  return tableOf(value, (index) => `record ${index + 1}`)
}

export function parseJsonLines(text: string): { columns: string[]; rows: string[][] } {
  const records: unknown[] = []
  const lineNumbers: number[] = []
  text.split(/\r\n|\n|\r/u).forEach((line, index) => {
    if (line.trim() === '') return
    try {
      records.push(JSON.parse(line))
    } catch (error) {
      throw new JsonTableError(`line ${index + 1} is not valid JSON (${(error as Error).message})`)
    }
    lineNumbers.push(index + 1)
  })
  return tableOf(records, (index) => `line ${lineNumbers[index]}`)
}
