// The shipped fragment counts (load/workload/prompt-token-counts.ts) against the tokenizer itself:
// generation trusts the table and never loads tiktoken, so a stale entry would skew every prompt.
// After editing prompt texts: UPDATE_PROMPT_COUNTS=1 npx vitest run test/unit/workload/prompt-token-counts.test.ts
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { EncodingName } from '../../../core/tokens.js'
import { PROMPT_TOKEN_COUNTS } from '../../../load/workload/prompt-token-counts.js'
import { countPromptFragments } from '../../../load/workload/prompts.js'

const TABLE = fileURLToPath(new URL('../../../load/workload/prompt-token-counts.ts', import.meta.url))
const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base']

function tableSource(counts: Record<EncodingName, Map<string, number>>): string {
  const lines = [
    '// Written by test/unit/workload/prompt-token-counts.test.ts (UPDATE_PROMPT_COUNTS=1) from tiktoken: every',
    '// fragment of load/workload/prompt-texts.ts with its token count per encoding, so generating traffic',
    '// never loads the tokenizer. Do not edit by hand; the test fails when it goes stale.',
    "import type { EncodingName } from '../../core/tokens.js'",
    '',
    'export const PROMPT_TOKEN_COUNTS: Record<EncodingName, ReadonlyMap<string, number>> = {',
  ]
  for (const encoding of ENCODINGS) {
    const entries = [...counts[encoding].entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    lines.push(`  ${encoding}: new Map<string, number>([`)
    for (const [text, tokens] of entries) lines.push(`    [${JSON.stringify(text)}, ${tokens}],`)
    lines.push('  ]),')
  }
  lines.push('}', '')
  return lines.join('\n')
}

describe('prompt fragment token counts', () => {
  it('hold exactly the tokenizer’s count for every fragment, in both encodings', () => {
    const counts = { o200k_base: countPromptFragments('o200k_base'), cl100k_base: countPromptFragments('cl100k_base') }
    if (process.env['UPDATE_PROMPT_COUNTS'] === '1' && readFileSync(TABLE, 'utf8') !== tableSource(counts)) writeFileSync(TABLE, tableSource(counts))
    for (const encoding of ENCODINGS) {
      expect(counts[encoding].size).toBeGreaterThan(100)
      // Same fragments, same counts: a mismatch names the fragment (rewrite with UPDATE_PROMPT_COUNTS=1).
      expect(Object.fromEntries(PROMPT_TOKEN_COUNTS[encoding])).toEqual(Object.fromEntries(counts[encoding]))
    }
  })
})
