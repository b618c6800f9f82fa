// XLSX -> a Table, via read-excel-file: the first sheet, its first row the header. Dates become
// ISO dates (or date-times), numbers their shortest text, booleans true/false, blanks empty.
import readXlsxFile from 'read-excel-file/node'

/** Thrown with the reason; read-file.ts names the file. */
export class XlsxTableError extends Error {}

function cellOf(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) {
    const iso = value.toISOString()
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso
  }
  return String(value)
}

export async function parseXlsx(bytes: Buffer): Promise<{ columns: string[]; rows: string[][]; sheet: string }> {
  let sheets
  try {
    sheets = await readXlsxFile(bytes)
  } catch (error) {
    throw new XlsxTableError(`is not a readable XLSX workbook (${(error as Error).message})`)
  }
  const first = sheets[0]
  if (first === undefined) throw new XlsxTableError('has no sheets')
  const [header, ...rows] = first.data
  if (header === undefined) throw new XlsxTableError(`sheet '${first.sheet}' is empty`)
  const columns = header.map((name, index) => {
    const text = cellOf(name).trim()
    return text === '' ? `column_${index + 1}` : text
  })
  const cells = rows
    .map((row) => columns.map((_, index) => cellOf(row[index])))
    .filter((row) => row.some((cell) => cell !== ''))
  return { columns, rows: cells, sheet: first.sheet }
}
