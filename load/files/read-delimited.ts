// CSV / TSV text -> a Table, via csv-parse: any mix of CRLF, LF and CR line endings, quoted
// fields with embedded newlines and delimiters, the delimiter sniffed from the header line.
import { parse } from 'csv-parse/sync'

const CANDIDATES = [',', ';', '\t', '|'] as const

/** The delimiter of the first line: the candidate seen most often outside quotes (comma on ties). */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>(CANDIDATES.map((delimiter) => [delimiter, 0]))
  let quoted = false
  for (const char of text) {
    if (char === '"') quoted = !quoted
    else if (!quoted && (char === '\n' || char === '\r')) break
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) as number) + 1)
  }
  let best = ','
  for (const [delimiter, count] of counts) if (count > (counts.get(best) as number)) best = delimiter
  return best
}

/** Thrown with the parser's reason; read-file.ts names the file. */
export class DelimitedParseError extends Error {}

/** Parses delimited text (already decoded); the first record is the header. */
export function parseDelimited(text: string, delimiter: string = sniffDelimiter(text)): { columns: string[]; rows: string[][] } {
  let records: string[][]
  try {
    records = parse(text, {
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      skip_empty_lines: true,
      relax_quotes: false,
    }) as string[][]
  } catch (error) {
    throw new DelimitedParseError((error as Error).message)
  }
  const [header, ...rows] = records
  if (header === undefined) throw new DelimitedParseError('no header line (the file is empty)')
  const columns = header.map((name, index) => (name.trim() === '' ? `column_${index + 1}` : name.trim()))
  return { columns, rows }
}
