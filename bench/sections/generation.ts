// Section 7, generation: how fast traffic is made and read. A workday preset is generated to a
// traffic file the way `gauntlet traffic generate` does it, read back with validation, then the
// prompts of its first lines are synthesized and counted with tiktoken — which is also the check:
// every synthesized prompt must count exactly the tokens its line promises.
import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { runGenerate } from '../../bin/commands/traffic.js'
import { countTokens } from '../../core/tokens.js'
import { readTraffic } from '../../load/traffic.js'
import type { PromptSpec } from '../../core/traffic-types.js'
import { synthesizeText, warmPrompts } from '../../load/workload/prompts.js'
import { runClientRole, sendResult } from '../lib/processes.js'
import type { Row } from '../lib/report.js'
import { scratchDir } from '../lib/scratch.js'
import { sectionCommand, type BenchContext, type Section, type SectionOutcome } from '../lib/section.js'
import { spread } from '../lib/stats.js'

interface GenerationOptions {
  requests: number
  prompts: number
  round: number
}

export interface GenerationRound {
  requests: number
  fileBytes: number
  generatePerS: number
  readPerS: number
  prompts: number
  synthesizedBytes: number
  synthesizePerS: number
  synthesizeMbPerS: number
  countMbPerS: number
  /** Prompts whose token count differs from their line's `prompt.tokens`. */
  countMismatches: number
}

async function generationRole(options: GenerationOptions): Promise<void> {
  const out = join(await scratchDir(), `traffic-${process.pid}-${options.round}.jsonl`)
  const quiet = { stdout: { write: () => true }, stderr: { write: () => true } }
  // The workday preset gives ≈ 22.5 requests per employee a day; ask for a few more and cap.
  const employees = Math.ceil((options.requests * 1.05) / 22.5)
  try {
    let startedAt = performance.now()
    const { header } = await runGenerate({ preset: 'workday', employees: String(employees), seed: String(options.round), out, maxRequests: String(options.requests) }, quiet)
    const generateS = (performance.now() - startedAt) / 1000
    const written = header?.requestCount ?? 0
    const fileBytes = (await stat(out)).size

    startedAt = performance.now()
    let read = 0
    const specs: PromptSpec[] = []
    for await (const request of (await readTraffic(out)).requests) {
      read++
      if (request.prompt !== undefined && specs.length < options.prompts) specs.push(request.prompt)
    }
    const readS = (performance.now() - startedAt) / 1000

    // The prompt builder counts its text fragments once; that is start-up, not synthesis.
    warmPrompts()
    startedAt = performance.now()
    const texts = specs.map((spec) => synthesizeText(spec))
    const synthesizeS = (performance.now() - startedAt) / 1000
    const synthesizedBytes = texts.reduce((total, text) => total + Buffer.byteLength(text), 0)

    startedAt = performance.now()
    let countMismatches = 0
    texts.forEach((text, index) => {
      if (countTokens(text) !== (specs[index] as PromptSpec).tokens) countMismatches++
    })
    const countS = (performance.now() - startedAt) / 1000

    await rm(out, { force: true })
    sendResult({
      requests: written,
      fileBytes,
      generatePerS: written / generateS,
      readPerS: read / readS,
      prompts: texts.length,
      synthesizedBytes,
      synthesizePerS: texts.length / synthesizeS,
      synthesizeMbPerS: synthesizedBytes / 1e6 / synthesizeS,
      countMbPerS: synthesizedBytes / 1e6 / countS,
      countMismatches,
    } satisfies GenerationRound)
  } finally {
    // sendResult exits the process: the file is removed before it, and here on failure.
    await rm(out, { force: true })
  }
}

async function runSection(context: BenchContext): Promise<SectionOutcome> {
  const requests = Math.round(200_000 * context.scale)
  const prompts = Math.round(1_500 * context.scale)
  const rounds: GenerationRound[] = []
  for (let round = 1; round <= context.rounds; round++) {
    const result = await runClientRole<GenerationRound>('generation', { requests, prompts, round }, 180_000)
    rounds.push(result)
    context.log(
      `generation round ${round}: generate ${result.generatePerS.toFixed(0)} req/s, read ${result.readPerS.toFixed(0)} req/s, ` +
        `synthesize ${result.synthesizeMbPerS.toFixed(1)} MB/s (${result.synthesizePerS.toFixed(0)} prompts/s), count ${result.countMbPerS.toFixed(1)} MB/s, mismatches ${result.countMismatches}`,
    )
  }
  const figure = (pick: (round: GenerationRound) => number) => spread(rounds.map(pick))
  const first = rounds[0]
  const mismatches = rounds.reduce((total, round) => total + round.countMismatches, 0)
  const rows: Row[] = [
    { measure: `generate a workday preset to a traffic file (${requests.toLocaleString('en-US')} requests, profile included)`, unit: 'requests/s', digits: 0, ours: figure((round) => round.generatePerS), peers: [] },
    { measure: 'read the file back, every line validated', unit: 'requests/s', digits: 0, ours: figure((round) => round.readPerS), peers: [] },
    { measure: `synthesize the prompts of the first ${prompts.toLocaleString('en-US')} lines`, unit: 'MB/s', digits: 1, ours: figure((round) => round.synthesizeMbPerS), peers: [{ name: 'prompts/s', value: figure((round) => round.synthesizePerS) }] },
    { measure: 'count their tokens with tiktoken (o200k_base)', unit: 'MB/s', digits: 1, ours: figure((round) => round.countMbPerS), peers: [] },
  ]
  const notes = [
    `Each round is a fresh process: \`runGenerate\` (what \`gauntlet traffic generate --preset workday\` runs, with its traffic profile) writes ${requests.toLocaleString('en-US')} requests (${first === undefined ? '?' : `${(first.fileBytes / 1e6).toFixed(1)} MB, ${Math.round(first.fileBytes / Math.max(1, first.requests))} B a line`}), \`readTraffic\` reads and validates them, then the first ${prompts.toLocaleString('en-US')} prompts are synthesized (after the one-time warm-up of the prompt tables) and counted. MB = 10^6 bytes of UTF-8 text.`,
    mismatches === 0
      ? 'Ground truth: every synthesized prompt counted exactly the tokens its traffic line promises.'
      : `Ground truth: ${mismatches} synthesized prompts did not count the tokens their line promises.`,
    'No peer: these are the tool\'s own pipelines; the figures say how far ahead of the send path traffic can be made.',
  ]
  return {
    verdict: mismatches === 0 ? 'no goal' : 'failed',
    rows,
    notes,
    commands: [sectionCommand('generation'), "npx esbuild bench/generate.ts --bundle --platform=node --format=esm --packages=external --outfile=node_modules/.cache/gauntlet-bench/generate.mjs && node node_modules/.cache/gauntlet-bench/generate.mjs --requests 1000000   # the workload helper's 1M-request script"],
    details: { requests, prompts, rounds },
  }
}

export const generationSection: Section = {
  id: 'generation',
  title: 'Generation: traffic, prompt synthesis, token counting',
  goal: 'no numeric goal; prompts count exactly their promised tokens',
  roles: { generation: generationRole },
  run: runSection,
}
