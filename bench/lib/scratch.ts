// Scratch files of a benchmark run (wrk scripts, traffic files, CPU profiles): bench/results/tmp/,
// which git ignores.
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'

export async function scratchDir(): Promise<string> {
  const dir = resolve('bench', 'results', 'tmp')
  await mkdir(dir, { recursive: true })
  return dir
}
