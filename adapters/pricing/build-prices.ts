// Regenerates adapters/pricing/prices.json from the two vendored price tables, cross-checked and bound-checked.
//
//   npx esbuild adapters/pricing/build-prices.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=/tmp/build-prices.mjs && node /tmp/build-prices.mjs [--check]
//
//   LiteLLM (USD/token) ──┐                         ┌─► both pass and agree ─► price, sources: both
//                         ├─► bounds, ratio, tiers ─┼─► both pass, disagree ─► preferred source, note
//   genai-prices ($/Mtok) ┘   (reject a source)     └─► one passes ───────────► that one, single source
//
// The command line only: reading, checking and merging are in price-candidates.ts,
// price-bounds.ts and build-table.ts.
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildPriceTable, formatReport, serializePriceTable } from './build-table.js'
import { CURATED_MODELS } from './curated-models.js'
// Types only: the script is bundled with --packages=external and run from /tmp, where zod does
// not resolve. The tests validate the written table against the schema.
import type { PriceSource } from './schema.js'

const LITELLM_SOURCE: Omit<PriceSource, 'sha256'> = {
  name: 'litellm',
  title: 'LiteLLM model_prices_and_context_window.json (vendored copy in themaximalist/llm.js)',
  url: 'https://github.com/BerriAI/litellm',
  path: 'data/model_prices_and_context_window.json',
  commit: 'adaf2a04bf384c64fee245585be85b1abfce035f',
  asOf: '2025-10-21',
  license: 'MIT, Copyright (c) 2023 Berri AI',
}

const GENAI_SOURCE: Omit<PriceSource, 'sha256'> = {
  name: 'genai-prices',
  title: 'pydantic/genai-prices prices/data.json',
  url: 'https://github.com/pydantic/genai-prices',
  path: 'prices/data.json',
  commit: 'c885e328941f9e2bfa97b8d201a17722bdc0419e',
  asOf: '2026-07-25',
  license: 'MIT, Copyright (c) Pydantic Services Inc. 2025 to present',
}

function argValue(argv: string[], flag: string, fallback: string): string {
  const index = argv.indexOf(flag)
  const value = index >= 0 ? argv[index + 1] : undefined
  return value ?? fallback
}

function main(argv: string[]): number {
  const litellmPath = resolve(argValue(argv, '--litellm', '../shared/data/litellm-model-prices/model_prices_and_context_window.json'))
  const genaiPath = resolve(argValue(argv, '--genai', '../shared/data/pydantic-genai-prices/data.json'))
  const outPath = resolve(argValue(argv, '--out', 'adapters/pricing/prices.json'))
  const litellmText = readFileSync(litellmPath, 'utf8')
  const genaiText = readFileSync(genaiPath, 'utf8')
  const sha = (text: string): string => createHash('sha256').update(text).digest('hex')
  const sources: PriceSource[] = [
    { ...LITELLM_SOURCE, sha256: sha(litellmText) },
    { ...GENAI_SOURCE, sha256: sha(genaiText) },
  ]
  const asOf = [LITELLM_SOURCE.asOf, GENAI_SOURCE.asOf].sort().at(-1) as string
  const { table, report } = buildPriceTable({
    litellm: JSON.parse(litellmText) as Record<string, unknown>,
    genai: JSON.parse(genaiText) as unknown,
    curated: CURATED_MODELS,
    sources,
    asOf,
  })
  const text = serializePriceTable(table)
  process.stdout.write(`${formatReport(report, Object.keys(table.models).length)}\n`)
  if (argv.includes('--check')) {
    let current = ''
    try {
      current = readFileSync(outPath, 'utf8')
    } catch {
      // a missing file is simply out of date
    }
    if (current !== text) {
      process.stderr.write(`${outPath} is out of date: run without --check to regenerate it\n`)
      return 1
    }
    process.stdout.write(`${outPath} is up to date\n`)
    return 0
  }
  writeFileSync(outPath, text)
  process.stdout.write(`wrote ${outPath}\n`)
  return 0
}

const entry = process.argv[1]
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) process.exitCode = main(process.argv.slice(2))
