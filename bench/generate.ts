// Benchmark: generate a 1M-request traffic file the way `gauntlet traffic generate` does
// (model -> profile -> JSONL), then read it back and expand prompts; reports requests/s and
// peak RSS. Standalone (Node 20 cannot run .ts directly, so bundle it first):
//
//   npx esbuild bench/generate.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=node_modules/.cache/gauntlet-bench/generate.mjs
//   /usr/bin/time -v node node_modules/.cache/gauntlet-bench/generate.mjs [--requests 1000000] [--keep]
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runGenerate } from '../bin/commands/traffic.js'
import { expandMessages, readTraffic } from '../load/traffic.js'
import { warmPrompts } from '../load/workload/prompts.js'

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(name)
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback
}

const maxRssMb = (): number => process.resourceUsage().maxRSS / 1024
const requests = Number(flag('--requests', '1000000'))
// The workday preset gives ≈ 22.5 requests per employee (75 % adoption × 30 a day); ask for
// 5 % more than needed and cap at the target, so the file has exactly `requests` lines.
const employees = Math.ceil((requests * 1.05) / 22.5)
const dir = await mkdtemp(join(tmpdir(), 'gauntlet-bench-'))
const out = join(dir, 'traffic.jsonl')
const quiet = { stdout: { write: () => true }, stderr: { write: () => true } }

const startGenerate = performance.now()
const { header } = await runGenerate({ preset: 'workday', employees: String(employees), seed: '7', out, maxRequests: String(requests) }, quiet)
const generateSeconds = (performance.now() - startGenerate) / 1000
const rssAfterGenerate = maxRssMb()
const bytes = (await stat(out)).size

const startRead = performance.now()
let read = 0
for await (const request of (await readTraffic(out)).requests) {
  read += request.inputTokens > -1 ? 1 : 0
}
const readSeconds = (performance.now() - startRead) / 1000

warmPrompts()
const startExpand = performance.now()
let expanded = 0
let expandedChars = 0
for await (const request of (await readTraffic(out)).requests) {
  expandedChars += expandMessages(request)[0]?.content.length ?? 0
  if (++expanded === 20_000) break
}
const expandSeconds = (performance.now() - startExpand) / 1000

const rows: [string, string][] = [
  ['requests written', (header?.requestCount ?? 0).toLocaleString('en-US')],
  ['employees (workday preset)', employees.toLocaleString('en-US')],
  ['file size', `${(bytes / 1e6).toFixed(1)} MB (${Math.round(bytes / Math.max(1, header?.requestCount ?? 1))} B/request)`],
  ['generate + profile + write', `${generateSeconds.toFixed(2)} s, ${Math.round((header?.requestCount ?? 0) / generateSeconds).toLocaleString('en-US')} requests/s`],
  ['peak RSS after generating', `${rssAfterGenerate.toFixed(0)} MB`],
  ['read + validate every line', `${readSeconds.toFixed(2)} s, ${Math.round(read / readSeconds).toLocaleString('en-US')} requests/s`],
  ['expand prompts (first 20k, after warm-up)', `${Math.round(expanded / expandSeconds).toLocaleString('en-US')} requests/s, ${(expandedChars / expanded).toFixed(0)} chars each`],
  ['peak RSS overall', `${maxRssMb().toFixed(0)} MB`],
  ['node', process.version],
]
for (const [name, value] of rows) process.stdout.write(`${name.padEnd(44)}${value}\n`)
if (process.argv.includes('--keep')) process.stdout.write(`kept ${out}\n`)
else await rm(dir, { recursive: true, force: true })
