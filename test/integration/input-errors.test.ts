// Bad input is caught before any server starts and reported in one line naming the flag or file,
// the field and the fix (exit 2, nothing else printed): the cases a new user hit.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { expectOneLine, runCli } from '../helpers/cli.js'

let folder: string
let good: string
let bad: string

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'gauntlet-input-errors-'))
  good = join(folder, 'good.jsonl')
  const generated = await runCli(['traffic', 'generate', '--preset', 'peak-hour', '--employees', '20', '--time-scale', '360', '--out', good])
  expect(generated.code, generated.stderr).toBe(0)
  const lines = readFileSync(good, 'utf8').split('\n')
  lines.splice(3, 0, JSON.stringify({ id: 'bad', offsetMs: 'soon', userId: 5, task: 'chat', maxOutputTokens: -1, inputTokens: 3, messages: [{ role: 'user', content: 'x' }] }))
  bad = join(folder, 'bad.jsonl')
  writeFileSync(bad, lines.join('\n'))
})

describe('one-line input errors', () => {
  it('a bad traffic line with --mock: reported before the mock starts, with every bad field', async () => {
    const result = await runCli(['run', '--traffic', bad, '--mock', 'exact', '--no-report'])
    expectOneLine(result, /bad\.jsonl line 4: field 'offsetMs' .*"soon".*; field 'userId' .*; field 'maxOutputTokens' .*-1.*; regenerate the file or fix the line/)
    expect(result.stderr).not.toMatch(/listening/)
  })

  it('a bad traffic line with --metrics-port: the metrics line is not printed before the error', async () => {
    const result = await runCli(['run', '--traffic', bad, '--mock', 'exact', '--no-report', '--metrics-port', '0'])
    expectOneLine(result, /bad\.jsonl line 4: field 'offsetMs'/)
  })

  it('traffic inspect of a bad file prints no header before its error', async () => {
    expectOneLine(await runCli(['traffic', 'inspect', bad]), /bad\.jsonl line 4: field 'offsetMs'/)
  })

  it('an unknown mock profile names --target', async () => {
    expectOneLine(await runCli(['run', '--traffic', good, '--target', 'mock:nope', '--quiet']), /^gauntlet: --target 'mock:nope': unknown mock profile 'nope' \(expected one of .*typical-cloud.*\); e\.g\./)
  })

  it('a syntax error in gauntlet.config.json gets a JSON hint, not a JS/TS one', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gauntlet-config-json-'))
    writeFileSync(join(cwd, 'gauntlet.config.json'), '{ "seed": 3, }\n')
    const result = await runCli(['run', '--traffic', good, '--mock', 'exact', '--quiet'], { cwd })
    expectOneLine(result, /gauntlet\.config\.json: is not valid JSON \(.*\); fix the syntax/)
    expect(result.stderr).not.toMatch(/export default/)
  })
})
