// What a plain `gauntlet run` loads before it sends: the static (non-type) imports reachable from
// the run command. The packages below cost a small run tens of MB (zod ~11, tiktoken ~70,
// esbuild, autocannon, the metrics exporters) and are loaded on demand: by a config file, a
// traffic or price file, a chaos timeline, an answer schema, an answer without usage, a k6 export.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const STATIC_IMPORT = /^(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?'([^']+)'/gm

/** Every package reached through static imports from `entry` (a .ts file under ROOT), with one path to it. */
function staticPackages(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>()
  const seen = new Set<string>()
  const queue: [string, string[]][] = [[resolve(ROOT, entry), [entry]]]
  while (queue.length > 0) {
    const [file, path] = queue.shift() as [string, string[]]
    if (seen.has(file)) continue
    seen.add(file)
    const source = readFileSync(file, 'utf8')
    for (const match of source.matchAll(STATIC_IMPORT)) {
      const spec = match[1] as string
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'))
        queue.push([target, [...path, target.slice(ROOT.length + 1)]])
      } else if (!spec.startsWith('node:') && !packages.has(spec)) packages.set(spec, path)
    }
  }
  return packages
}

describe('a plain run’s imports', () => {
  it('leave out the packages loaded on demand', () => {
    const packages = staticPackages('bin/commands/run.ts')
    const onDemand = ['zod', 'tiktoken', 'esbuild', 'autocannon', 'prom-client', 'hdr-histogram-js', 'undici', 'read-excel-file', 'csv-stringify']
    const found = onDemand.filter((name) => packages.has(name)).map((name) => `${name} via ${(packages.get(name) as string[]).join(' → ')}`)
    expect(found).toEqual([])
    // What it does load up front: the SSE framer and the closed model's limiter (commander comes
    // from bin/gauntlet.ts; undici's Agent and hdr-histogram-js's classes by path, core/undici.ts
    // and results/histogram.ts).
    expect([...packages.keys()].sort()).toEqual(['eventsource-parser', 'p-limit'])
  })
})
