// Plain text -> a Table of its non-empty lines (`line`, `text`), so questions can ask for a line
// by its number and count the lines.

export function parsePlainText(text: string): { columns: string[]; rows: string[][] } {
  const rows: string[][] = []
  text.split(/\r\n|\n|\r/u).forEach((line, index) => {
    if (line.trim() !== '') rows.push([String(index + 1), line.trim()])
  })
  return { columns: ['line', 'text'], rows }
}
