// The paths given on the command line -> the tables to ask about: single files, and clean/dirty
// pairs (a folder holding `clean.<ext>` and `dirty.<ext>`, the Raha/Baran layout). Folders are
// walked recursively in name order; hidden files and unsupported extensions in folders are skipped.
import { readdir, stat } from 'node:fs/promises'
import { basename, dirname, extname, join, relative } from 'node:path'
import { UserError } from '../../core/errors.js'
import { TABLE_EXTENSIONS } from './read-file.js'

export type FileInput =
  | { kind: 'single'; path: string; source: string }
  | { kind: 'pair'; clean: string; dirty: string; cleanSource: string; dirtySource: string }

async function walk(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const files: string[] = []
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue
    const path = join(folder, entry.name)
    if (entry.isDirectory()) files.push(...(await walk(path)))
    else if (entry.isFile() && TABLE_EXTENSIONS.includes(extname(entry.name).toLowerCase())) files.push(path)
  }
  return files
}

/** Groups files into pairs and singles; `base` makes the sources short (relative names). */
function group(files: string[], base: string): FileInput[] {
  const byFolder = new Map<string, string[]>()
  for (const file of files) {
    const folder = dirname(file)
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), file])
  }
  const sourceOf = (file: string): string => {
    const name = relative(base, file)
    return name === '' || name.startsWith('..') ? basename(file) : name
  }
  const inputs: FileInput[] = []
  for (const [, members] of byFolder) {
    const clean = members.find((file) => basename(file, extname(file)).toLowerCase() === 'clean')
    const dirty = clean === undefined ? undefined : members.find((file) => basename(file).toLowerCase() === `dirty${extname(clean).toLowerCase()}`)
    for (const file of members) {
      if (file === dirty) continue
      if (file === clean && dirty !== undefined) {
        inputs.push({ kind: 'pair', clean, dirty, cleanSource: sourceOf(clean), dirtySource: sourceOf(dirty) })
      } else {
        inputs.push({ kind: 'single', path: file, source: sourceOf(file) })
      }
    }
  }
  return inputs
}

/** Expands folders and files into inputs, in a stable order. A missing path is a UserError. */
export async function discoverInputs(paths: readonly string[]): Promise<FileInput[]> {
  if (paths.length === 0) throw new UserError('USAGE_INVALID', 'traffic from-files: no folder or file given; pass e.g. ./exports or data.csv')
  const inputs: FileInput[] = []
  const files: string[] = []
  for (const path of paths) {
    let info
    try {
      info = await stat(path)
    } catch (error) {
      throw new UserError('FILE_NOT_FOUND', `${path}: not found; pass an existing folder or file`, { cause: error })
    }
    if (info.isDirectory()) {
      const files = await walk(path)
      if (files.length === 0) throw new UserError('USAGE_INVALID', `${path}: holds no ${TABLE_EXTENSIONS.join(', ')} files; pass a folder of tables`)
      // Sources are named from the folder's parent, so a pair reads `beers/dirty.csv`.
      inputs.push(...group(files, dirname(path)))
    } else {
      files.push(path)
    }
  }
  // Files named one by one pair up too (`data/clean.csv data/dirty.csv`).
  for (const folder of new Set(files.map((file) => dirname(file)))) {
    inputs.push(...group(files.filter((file) => dirname(file) === folder), dirname(folder)))
  }
  return inputs
}
