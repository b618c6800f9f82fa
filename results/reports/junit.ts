// Runs as JUnit XML for CI: each threshold (and each extra check, e.g. a drill's phase
// verdicts) is a test case; a failing one carries the actual value against its limit.
//
//   <testsuites>
//     <testsuite name=run>  <properties/>  <testcase name="ttft_ms.p95<2000"><failure/></testcase> …
//                           <system-out>the terminal summary</system-out>
import { mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { dirname } from 'node:path'
import type { Summary } from '../summary.js'
import { describeThreshold } from './html-thresholds.js'
import { renderTerminalSummary } from './terminal.js'

export interface JunitCase {
  name: string
  pass: boolean
  message?: string
}

export interface JunitSuite {
  name: string
  summary: Summary
  /** Extra checks beyond the summary's thresholds, e.g. per-phase SLO verdicts of a drill. */
  cases?: JunitCase[]
}

/** Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD. */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
}

/** For attribute values: line breaks and tabs are kept as character references. */
export function escapeXmlAttribute(text: string): string {
  return text.replace(XML_INVALID, '\uFFFD').replace(/[&<>"'\n\r\t]/g, (char) => XML_ESCAPES[char] as string)
}

/** For element text: line breaks stay literal. */
export function escapeXmlText(text: string): string {
  return text.replace(XML_INVALID, '\uFFFD').replace(/[&<>]/g, (char) => XML_ESCAPES[char] as string)
}

interface CaseXml {
  name: string
  className: string
  failure?: { type: 'threshold' | 'check'; message: string; detail: string }
}

function suiteCases(suite: JunitSuite): CaseXml[] {
  const cases: CaseXml[] = suite.summary.thresholds.map((row) => {
    const entry: CaseXml = { name: row.text, className: `${suite.name}.thresholds` }
    if (!row.pass) {
      const words = describeThreshold(row)
      const reason = row.reason === undefined ? '' : ` (${row.reason})`
      const limit = words.limit === '' ? `rule ${row.text}` : `limit ${words.limit}`
      entry.failure = {
        type: 'threshold',
        message: `${words.meaning}: actual ${words.actual}, ${limit}${reason}`,
        detail: [`rule:   ${row.text}`, `actual: ${row.actual === null ? 'none' : String(row.actual)}`, `limit:  ${words.limit || 'see rule'}`, ...(row.reason === undefined ? [] : [`reason: ${row.reason}`])].join('\n'),
      }
    }
    return entry
  })
  for (const extra of suite.cases ?? []) {
    const entry: CaseXml = { name: extra.name, className: `${suite.name}.checks` }
    if (!extra.pass) entry.failure = { type: 'check', message: extra.message ?? 'failed', detail: extra.message ?? 'failed' }
    cases.push(entry)
  }
  return cases
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3)
}

/** JUnit wants a local date-time without zone; the summary's times are UTC. */
function timestamp(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(iso) ? iso.slice(0, 19) : iso
}

export function renderJunit(suites: JunitSuite[]): string {
  const lines: string[] = []
  let tests = 0
  let failures = 0
  let timeMs = 0
  for (const suite of suites) {
    const summary = suite.summary
    const cases = suiteCases(suite)
    const failed = cases.filter((entry) => entry.failure !== undefined).length
    tests += cases.length
    failures += failed
    timeMs += summary.durationMs
    const attr = escapeXmlAttribute
    lines.push(
      `  <testsuite name="${attr(suite.name)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0" time="${seconds(summary.durationMs)}" timestamp="${attr(timestamp(summary.startedAt))}">`,
    )
    const properties: [string, string][] = [
      ['run_id', summary.runId],
      ['target', summary.target.label],
      ['model', summary.target.model],
      ['partial', String(summary.partial)],
      ['spend_usd', String(summary.spend.usd)],
    ]
    lines.push('    <properties>')
    for (const [name, value] of properties) lines.push(`      <property name="${attr(name)}" value="${attr(value)}"/>`)
    lines.push('    </properties>')
    for (const entry of cases) {
      const open = `    <testcase name="${attr(entry.name)}" classname="${attr(entry.className)}" time="0"`
      if (entry.failure === undefined) {
        lines.push(`${open}/>`)
      } else {
        lines.push(`${open}>`)
        lines.push(`      <failure message="${attr(entry.failure.message)}" type="${entry.failure.type}">${escapeXmlText(entry.failure.detail)}</failure>`)
        lines.push('    </testcase>')
      }
    }
    lines.push(`    <system-out>${escapeXmlText(renderTerminalSummary(summary))}</system-out>`)
    lines.push('  </testsuite>')
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="llm-gauntlet" tests="${tests}" failures="${failures}" errors="0" time="${seconds(timeMs)}">`,
    ...lines,
    '</testsuites>',
    '',
  ].join('\n')
}

/** Writes the XML to `path`, creating its folder. */
export async function writeJunit(path: string, suites: JunitSuite[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFileAtomic(path, renderJunit(suites))
}
