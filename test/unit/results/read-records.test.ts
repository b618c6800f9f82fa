// readRecords: a records.jsonl cut mid-line by a kill is read up to its last whole line.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readRecords } from '../../../results/sinks/jsonl.js'

const HEADER = '{"type":"header","schemaVersion":1}'
const SAMPLE = '{"requestId":"r1","attempt":1,"userId":"u1","task":"chat","outcome":"ok","scheduledAtMs":0}'

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gauntlet-records-')), 'records.jsonl')
  writeFileSync(path, text)
  return path
}

describe('readRecords', () => {
  it('drops a torn last line and counts it', async () => {
    const records = await readRecords(file(`${HEADER}\n${SAMPLE}\n{"requestId":"r2","att`))
    expect(records.samples.map((sample) => sample.requestId)).toEqual(['r1'])
    expect(records.tornLines).toBe(1)
  })

  it('keeps a whole last line written without its newline', async () => {
    const records = await readRecords(file(`${HEADER}\n${SAMPLE}`))
    expect(records.samples).toHaveLength(1)
    expect(records.tornLines).toBe(0)
  })

  it('still throws on a bad line before the last', async () => {
    await expect(readRecords(file(`${HEADER}\n{"requestId":\n${SAMPLE}\n`))).rejects.toThrow(SyntaxError)
  })
})
