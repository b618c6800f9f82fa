// `make bench`: runs the benchmark sections (all, or those named in BENCH=a,b), several rounds
// each, and writes bench/results/latest.json and latest.md. The same bundle also runs every
// forked party (`--role NAME JSON`): mock, proxy, engine and peer clients.
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { machineInfo } from './lib/processes.js'
import { RESULTS_SCHEMA_VERSION, renderMarkdown, renderSection, type BenchResults, type SectionResult } from './lib/report.js'
import type { BenchContext, Section } from './lib/section.js'
import { mockRole, proxyRole, staticUpstreamRole } from './lib/servers.js'
import { rawRateSection } from './sections/raw-rate.js'
import { streamsSection } from './sections/streams.js'
import { pacingSection } from './sections/pacing.js'
import { memorySection } from './sections/memory.js'
import { proxySection } from './sections/proxy.js'
import { mockSection } from './sections/mock.js'
import { generationSection } from './sections/generation.js'
import { referenceSection } from './sections/reference.js'

const SECTIONS: readonly Section[] = [rawRateSection, streamsSection, pacingSection, memorySection, proxySection, mockSection, generationSection, referenceSection]

const SERVER_ROLES: Record<string, (options: never) => Promise<void>> = {
  mock: mockRole,
  proxy: proxyRole,
  'static-upstream': staticUpstreamRole,
}

interface Flags {
  only: string[]
  rounds: number
  scale: number
}

function parseFlags(argv: readonly string[]): Flags {
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(name)
    return at === -1 ? undefined : argv[at + 1]
  }
  const onlyText = value('--only') ?? process.env['BENCH'] ?? ''
  const only = onlyText.split(',').map((id) => id.trim()).filter((id) => id !== '' && id !== 'all')
  const known = SECTIONS.map((section) => section.id)
  const unknown = only.filter((id) => !known.includes(id))
  if (unknown.length > 0) {
    throw new Error(`BENCH=${onlyText}: unknown section ${unknown.map((id) => `'${id}'`).join(', ')}; expected a comma list of ${known.join(', ')}`)
  }
  const roundsText = value('--rounds') ?? process.env['ROUNDS']
  const rounds = roundsText === undefined ? 3 : Number(roundsText)
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error(`ROUNDS=${roundsText}: expected an integer from 1 to 20, e.g. ROUNDS=3`)
  const quick = argv.includes('--quick') || process.env['BENCH_QUICK'] === '1'
  return { only, rounds, scale: quick ? 0.3 : 1 }
}

async function readPrevious(path: string): Promise<BenchResults | undefined> {
  if (!existsSync(path)) return undefined
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as BenchResults
    return parsed.schemaVersion === RESULTS_SCHEMA_VERSION ? parsed : undefined
  } catch {
    // An unreadable previous file is replaced, not merged.
    return undefined
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const resultsDir = resolve('bench', 'results')
  if (!existsSync(resolve('bench'))) throw new Error(`run from the repository root (no bench/ folder in ${process.cwd()})`)
  const jsonPath = resolve(resultsDir, 'latest.json')
  const selected = SECTIONS.filter((section) => flags.only.length === 0 || flags.only.includes(section.id))
  const startedAt = performance.now()
  const log = (line: string): void => {
    process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}\n`)
  }
  const context: BenchContext = { rounds: flags.rounds, scale: flags.scale, log }
  log(`sections: ${selected.map((section) => section.id).join(', ')}; ${flags.rounds} rounds${flags.scale < 1 ? ' (quick)' : ''}`)
  const fresh: SectionResult[] = []
  for (const section of selected) {
    log(`── ${section.id}: ${section.title}`)
    const machine = machineInfo()
    const ranAt = new Date().toISOString()
    const sectionStart = performance.now()
    const rounds = section.fixedRounds ?? flags.rounds
    let result: SectionResult
    try {
      const outcome = await section.run({ ...context, rounds })
      result = { id: section.id, title: section.title, goal: section.goal, ranAt, machine, rounds, durationS: (performance.now() - sectionStart) / 1000, ...outcome }
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
      log(`${section.id} failed: ${message}`)
      result = {
        id: section.id,
        title: section.title,
        goal: section.goal,
        ranAt,
        machine,
        rounds,
        durationS: (performance.now() - sectionStart) / 1000,
        verdict: 'failed',
        rows: [],
        notes: [`The section failed: ${message.split('\n')[0]}`],
        commands: [`make bench BENCH=${section.id}`],
      }
    }
    log(`${section.id}: ${result.verdict} in ${result.durationS.toFixed(0)} s`)
    fresh.push(result)
    // Written after every section, so an interrupted run keeps what it measured.
    const previous = await readPrevious(jsonPath)
    const merged: BenchResults = { schemaVersion: RESULTS_SCHEMA_VERSION, updatedAt: new Date().toISOString(), sections: { ...(previous?.sections ?? {}) } }
    merged.sections[result.id] = result
    await writeFile(jsonPath, `${JSON.stringify(merged, null, 2)}\n`)
    await writeFile(resolve(resultsDir, 'latest.md'), renderMarkdown(merged, SECTIONS))
  }
  process.stdout.write(`\n${fresh.map((section) => renderSection(section, SECTIONS.indexOf(SECTIONS.find((s) => s.id === section.id) as Section) + 1)).join('\n')}`)
  log(`done in ${((performance.now() - startedAt) / 1000).toFixed(0)} s: bench/results/latest.md and latest.json`)
}

async function runRole(name: string, optionsText: string | undefined): Promise<void> {
  const roles: Record<string, (options: never) => Promise<void>> = { ...SERVER_ROLES }
  for (const section of SECTIONS) Object.assign(roles, section.roles)
  const role = roles[name]
  if (role === undefined) throw new Error(`unknown role '${name}'; known: ${Object.keys(roles).join(', ')}`)
  await role(JSON.parse(optionsText ?? '{}') as never)
}

const roleAt = process.argv.indexOf('--role')
try {
  if (roleAt !== -1) await runRole(process.argv[roleAt + 1] ?? '', process.argv[roleAt + 2])
  else await main()
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
}
