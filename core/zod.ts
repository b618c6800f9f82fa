// zod, loaded at first use by modules on a plain run's path that need it only for some inputs (a
// workload model file, a traffic file, a price table of the user's): zod is ~11 MB of a small
// run's memory. require() of its ES module build (Node ≥ 20.19) gives the very instance that
// `import { z } from 'zod'` gives the modules that load it up front, so schemas mix freely.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type * as Zod from 'zod'

let loaded: typeof Zod | undefined

export function zod(): typeof Zod.z {
  loaded ??= createRequire(import.meta.url)(fileURLToPath(import.meta.resolve('zod'))) as typeof Zod
  return loaded.z
}

/** `build` run once, at the first call: a schema built from `zod()` only when it is needed. */
export function lazySchema<T>(build: (z: typeof Zod.z) => T): () => T {
  let schema: T | undefined
  return () => (schema ??= build(zod()))
}
