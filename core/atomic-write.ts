// Files written whole or not at all: the bytes go to `<path>.partial-<pid>` beside the target and
// are renamed over it only once complete (a rename within one folder is atomic on POSIX), so a
// failed or killed command never leaves a file that looks finished.
import { rename, rm, writeFile } from 'node:fs/promises'

/** Where a file is written before it is complete: same folder, so the rename is atomic. */
export function partialPathOf(path: string): string {
  return `${path}.partial-${process.pid}`
}

/** Writes `data` to `path` atomically; on failure the partial file is removed and `path` is untouched. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = partialPathOf(path)
  try {
    await writeFile(temporary, data)
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}
