// One of the user's files -> a Table, by extension: .csv .tsv .txt .json .jsonl .xlsx. A file
// that cannot be read is a UserError (FILE_NOT_FOUND / TRAFFIC_INVALID) naming it, why, and the fix.
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { UserError } from '../../core/errors.js'
import { decodeText, looksBinary } from './decode.js'
import { DelimitedParseError, parseDelimited } from './read-delimited.js'
import { JsonTableError, parseJsonLines, parseJsonTable } from './read-json.js'
import { parsePlainText } from './read-text.js'
import { parseXlsx, XlsxTableError } from './read-xlsx.js'
import type { Table } from './types.js'

export const TABLE_EXTENSIONS: readonly string[] = ['.csv', '.tsv', '.txt', '.json', '.jsonl', '.xlsx']

const FIX: Record<string, string> = {
  '.csv': 'fix the file or pass --skip-bad to leave it out',
  '.tsv': 'fix the file or pass --skip-bad to leave it out',
  '.json': 'give an array of records ([{"column": "value"}, …]) or pass --skip-bad',
  '.jsonl': 'give one JSON object per line or pass --skip-bad',
  '.xlsx': 'save it again as .xlsx (not .xls) or pass --skip-bad',
  '.txt': 'fix the file or pass --skip-bad',
}

function bad(path: string, reason: string, extension: string, cause?: unknown): UserError {
  return new UserError('TRAFFIC_INVALID', `${path}: ${reason}; ${FIX[extension] ?? 'pass --skip-bad to leave it out'}`, { cause })
}

/** Reads `path` as a table; `source` is its name in prompts and the summary. */
export async function readTableFile(path: string, source: string): Promise<Table> {
  const extension = extname(path).toLowerCase()
  if (!TABLE_EXTENSIONS.includes(extension)) {
    throw new UserError('USAGE_INVALID', `${path}: unsupported file type '${extension || '(none)'}'; give ${TABLE_EXTENSIONS.join(', ')} files, or pass --skip-bad to leave it out`)
  }
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UserError('FILE_NOT_FOUND', `${path}: not found; check the path`, { cause: error })
    throw bad(path, `cannot be read (${code ?? String(error)})`, extension, error)
  }
  if (bytes.length === 0) throw bad(path, 'is empty', extension)
  try {
    if (extension === '.xlsx') {
      const { columns, rows } = await parseXlsx(bytes)
      return finish(path, source, columns, rows, 'xlsx', extension)
    }
    if (looksBinary(bytes)) throw bad(path, `holds binary data (NUL bytes), not ${extension.slice(1).toUpperCase()} text`, extension)
    const decoded = decodeText(bytes)
    const parsed =
      extension === '.json'
        ? parseJsonTable(decoded.text)
        : extension === '.jsonl'
          ? parseJsonLines(decoded.text)
          : extension === '.txt'
            ? parsePlainText(decoded.text)
            : parseDelimited(decoded.text, extension === '.tsv' ? '\t' : undefined)
    return finish(path, source, parsed.columns, parsed.rows, decoded.encoding, extension)
  } catch (error) {
    if (error instanceof DelimitedParseError || error instanceof JsonTableError || error instanceof XlsxTableError) {
      throw bad(path, error instanceof DelimitedParseError ? `not valid ${extension.slice(1).toUpperCase()} (${error.message})` : error.message, extension, error)
    }
    throw error
  }
}

function finish(path: string, source: string, columns: string[], rows: string[][], encoding: string, extension: string): Table {
  if (rows.length === 0) throw bad(path, 'has a header but no data rows', extension)
  return { source, columns, rows, encoding }
}
