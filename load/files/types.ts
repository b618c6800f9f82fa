// A table read from one of the user's files: a header and rows of text cells, whatever the format.

export interface Table {
  /** The file's name as shown in prompts and the summary (relative to the folder given, or its base name). */
  source: string
  columns: string[]
  rows: string[][]
  /** How the bytes were decoded: `utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`, `latin-1`, or `xlsx`. */
  encoding: string
}

/** A file that could not be read: the path and a one-line reason (a UserError names both). */
export interface BadFile {
  path: string
  reason: string
}
