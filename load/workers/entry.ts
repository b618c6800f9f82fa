// Where a worker thread's code is. Compiled (dist/): worker.js beside this module. From the .ts
// sources (vitest), Node 20 cannot run TypeScript in a thread, so worker.ts is bundled once with
// esbuild (no loader) into node_modules/.cache, where its package imports resolve as from the
// project. Inside some other bundle (make bench), the project's worker.ts under the working folder.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GauntletError } from '../../core/errors.js'

let bundled: Promise<string> | undefined

export async function workerEntry(moduleUrl: string = import.meta.url): Promise<string> {
  const extension = /\.([cm]?[jt]s)$/.exec(new URL(moduleUrl).pathname)?.[1] ?? 'js'
  const beside = fileURLToPath(new URL(`./worker.${extension}`, moduleUrl))
  if (extension.endsWith('ts')) {
    bundled ??= bundle(beside)
    return bundled
  }
  if (existsSync(beside)) return beside
  const source = join(process.cwd(), 'load', 'workers', 'worker.ts')
  if (!existsSync(source)) throw new GauntletError('INTERNAL', `--workers needs its worker entry ${beside}; rebuild with 'make build'`)
  bundled ??= bundle(source)
  return bundled
}

async function bundle(source: string): Promise<string> {
  const root = join(dirname(source), '..', '..')
  const cache = join(root, 'node_modules', '.cache', 'gauntlet-workers')
  mkdirSync(cache, { recursive: true })
  const { build } = await import('esbuild')
  const result = await build({ entryPoints: [source], write: false, bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', logLevel: 'silent' })
  const code = result.outputFiles[0]?.contents
  if (code === undefined) throw new GauntletError('INTERNAL', `esbuild produced no bundle for ${source}`)
  // Named after its content: one file per version of the sources, shared by parallel processes
  // (each writes its own temporary file and renames it into place, which is atomic).
  const out = join(cache, `worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`)
  if (!existsSync(out)) {
    const temporary = `${out}.${process.pid}.tmp`
    writeFileSync(temporary, code)
    renameSync(temporary, out)
  }
  return out
}
