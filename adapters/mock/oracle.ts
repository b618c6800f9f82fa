// The mock's `oracle` behaviour: really answers a question about the CSV table in the prompt,
// with a deliberately NAIVE reader (split on line breaks and commas, no quote handling, no
// encoding repair), so quoted commas, embedded newlines, mojibake and reformatted dates break
// it in known ways. Asked by the profile (`behaviour: 'oracle'`) or `x-gauntlet-behaviour: oracle`.
//
//   prompt ─► ```csv … ``` block ─► lines.split('\n') ─► cells.split(',') ─► look-up / count ─► answer

const TABLE_BLOCK = /```csv\n([\s\S]*?)\n```/u
const LOOKUP = /What is the "(.+?)" of the row whose "(.+?)" is "(.*?)"\?/u
const COUNT = /How many data rows does the table have/u

export const NOT_FOUND_ANSWER = 'I cannot find that row in the table.'
export const NO_COLUMN_ANSWER = 'I am not sure: the table has no such column.'

/** The answer to the last table question in `text`, or undefined when it holds none. */
export function oracleAnswer(text: string): string | undefined {
  const block = TABLE_BLOCK.exec(text)
  if (block === null) return undefined
  const lines = (block[1] as string).split('\n')
  const header = (lines[0] ?? '').split(',')
  const rows = lines.slice(1).filter((line) => line !== '')
  if (COUNT.test(text)) return String(rows.length)
  const lookup = LOOKUP.exec(text)
  if (lookup === null) return undefined
  const column = header.indexOf(lookup[1] as string)
  const key = header.indexOf(lookup[2] as string)
  if (column < 0 || key < 0) return NO_COLUMN_ANSWER
  for (const line of rows) {
    const cells = line.split(',')
    if (cells[key] === lookup[3]) return cells[column] ?? ''
  }
  return NOT_FOUND_ANSWER
}
