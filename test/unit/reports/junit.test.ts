// JUnit XML: one test case per threshold and extra check, failures with actual vs limit,
// well-formed XML whatever the names hold (checked by a small scanner, no XML library).
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escapeXmlAttribute, escapeXmlText, renderJunit, writeJunit } from '../../../results/reports/junit.js'
import { peakHourSummary, tinySummary } from './summaries.js'

interface XmlElement {
  name: string
  attributes: Record<string, string>
  text: string
  children: XmlElement[]
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000
}

/** Resolves entities; throws on a bare `&`, an unknown entity, `<`, or a character XML forbids. */
function decode(raw: string, where: string): string {
  let out = ''
  for (let index = 0; index < raw.length; ) {
    const code = raw.codePointAt(index) as number
    if (!isXmlChar(code)) throw new Error(`${where}: character U+${code.toString(16)} is not allowed in XML`)
    const char = String.fromCodePoint(code)
    if (char === '<') throw new Error(`${where}: raw <`)
    if (char === '&') {
      const end = raw.indexOf(';', index)
      if (end === -1) throw new Error(`${where}: bare &`)
      const name = raw.slice(index + 1, end)
      if (name.startsWith('#x')) out += String.fromCodePoint(Number.parseInt(name.slice(2), 16))
      else if (name.startsWith('#')) out += String.fromCodePoint(Number.parseInt(name.slice(1), 10))
      else if (ENTITIES[name] !== undefined) out += ENTITIES[name]
      else throw new Error(`${where}: unknown entity &${name};`)
      index = end + 1
      continue
    }
    out += char
    index += char.length
  }
  return out
}

/** A strict little XML reader: one root, balanced tags, quoted unique attributes, valid text. */
function parseXml(xml: string): XmlElement {
  let index = 0
  if (xml.startsWith('<?xml')) index = xml.indexOf('?>') + 2
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  const isSpace = (char: string | undefined): boolean => char === ' ' || char === '\n' || char === '\t' || char === '\r'
  const readName = (): string => {
    const start = index
    while (index < xml.length && !isSpace(xml[index]) && xml[index] !== '>' && xml[index] !== '/' && xml[index] !== '=') index++
    if (index === start) throw new Error(`empty name at ${start}`)
    return xml.slice(start, index)
  }
  while (index < xml.length) {
    const next = xml.indexOf('<', index)
    const text = xml.slice(index, next === -1 ? xml.length : next)
    const parent = stack[stack.length - 1]
    if (parent === undefined) {
      if (text.trim() !== '') throw new Error(`text outside the root: ${JSON.stringify(text)}`)
    } else {
      parent.text += decode(text, `text in <${parent.name}>`)
    }
    if (next === -1) break
    index = next + 1
    if (xml[index] === '/') {
      index++
      const name = readName()
      if (xml[index] !== '>') throw new Error(`junk in </${name}>`)
      index++
      const open = stack.pop()
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`)
      continue
    }
    const element: XmlElement = { name: readName(), attributes: {}, text: '', children: [] }
    if (root !== undefined && stack.length === 0) throw new Error('a second root element')
    for (;;) {
      while (isSpace(xml[index])) index++
      if (xml.startsWith('/>', index)) {
        index += 2
        break
      }
      if (xml[index] === '>') {
        index++
        stack.push(element)
        break
      }
      const attribute = readName()
      if (xml[index] !== '=') throw new Error(`attribute ${attribute} without =`)
      const quote = xml[index + 1]
      if (quote !== '"' && quote !== "'") throw new Error(`attribute ${attribute} not quoted`)
      const end = xml.indexOf(quote, index + 2)
      if (end === -1) throw new Error(`attribute ${attribute} not closed`)
      if (attribute in element.attributes) throw new Error(`duplicate attribute ${attribute}`)
      element.attributes[attribute] = decode(xml.slice(index + 2, end), `attribute ${attribute}`)
      index = end + 1
    }
    const holder = stack[stack.length - (stack[stack.length - 1] === element ? 2 : 1)]
    if (holder === undefined) root = element
    else holder.children.push(element)
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]?.name}> never closed`)
  if (root === undefined) throw new Error('no root element')
  return root
}

function all(element: XmlElement, name: string): XmlElement[] {
  return [...(element.name === name ? [element] : []), ...element.children.flatMap((child) => all(child, name))]
}

describe('renderJunit', () => {
  it('makes one test case per threshold, failures carrying actual vs limit', () => {
    const summary = peakHourSummary()
    const root = parseXml(renderJunit([{ name: 'peak-hour', summary }]))
    expect(root.name).toBe('testsuites')
    expect(root.attributes).toMatchObject({ tests: '6', failures: '4', errors: '0' })
    const [suite] = all(root, 'testsuite')
    expect(suite?.attributes).toMatchObject({ name: 'peak-hour', tests: '6', failures: '4', time: '3641.207', timestamp: '2025-06-03T09:00:00' })
    const cases = all(root, 'testcase')
    expect(cases.map((entry) => entry.attributes['name'])).toEqual(summary.thresholds.map((row) => row.text))
    expect(cases.every((entry) => entry.attributes['classname'] === 'peak-hour.thresholds')).toBe(true)
    const failures = all(root, 'failure')
    expect(failures).toHaveLength(4)
    expect(failures[0]?.attributes['message']).toBe('95th percentile time to first token below 2,000 ms: actual 4,825 ms, limit < 2,000 ms')
    expect(failures[0]?.text).toContain('actual: 4825.087')
    expect(failures[2]?.attributes['message']).toBe('share of sent requests that failed below 2.00 %: actual 2.17 %, limit < 2.00 %')
    const passing = cases.filter((entry) => entry.children.length === 0).map((entry) => entry.attributes['name'])
    expect(passing).toEqual(['abandon_rate<0.05', 'spend_per_1k_usd<10'])
    const properties = Object.fromEntries(all(root, 'property').map((entry) => [entry.attributes['name'], entry.attributes['value']]))
    expect(properties).toMatchObject({ run_id: summary.runId, partial: 'false', model: 'gpt-4.1' })
    expect(all(root, 'system-out')[0]?.text).toContain('4 of 6 thresholds FAILED')
  })

  it('adds extra checks (phase verdicts) and sums several suites', () => {
    const root = parseXml(
      renderJunit([
        { name: 'drill', summary: peakHourSummary(), cases: [{ name: 'phase baseline within SLO', pass: true }, { name: 'phase outage recovered', pass: false, message: 'still failing 10 min after the outage' }] },
        { name: 'smoke', summary: tinySummary() },
      ]),
    )
    expect(root.attributes).toMatchObject({ tests: '8', failures: '5' })
    const suites = all(root, 'testsuite')
    expect(suites.map((suite) => suite.attributes['tests'])).toEqual(['8', '0'])
    const checks = all(root, 'testcase').filter((entry) => entry.attributes['classname'] === 'drill.checks')
    expect(checks.map((entry) => entry.attributes['name'])).toEqual(['phase baseline within SLO', 'phase outage recovered'])
    expect(checks[1]?.children[0]?.attributes).toEqual({ message: 'still failing 10 min after the outage', type: 'check' })
  })

  it('escapes markup, quotes, control characters and lone surrogates', () => {
    const nasty = `a<b>&c"d'e ]]> \u0001\u0008 \uD800 ok \u{1F600}\nline`
    const summary = tinySummary()
    summary.thresholds = [{ text: `ttft_ms.p95<2000 ${nasty}`, actual: null, pass: false, reason: nasty }]
    const xml = renderJunit([{ name: nasty, summary, cases: [{ name: nasty, pass: false, message: nasty }] }])
    expect(xml).not.toContain('\u0001')
    const root = parseXml(xml)
    const cleaned = nasty.replace('\u0001\u0008', '\uFFFD\uFFFD').replace('\uD800', '\uFFFD')
    expect(all(root, 'testsuite')[0]?.attributes['name']).toBe(cleaned)
    const failures = all(root, 'failure')
    expect(failures[1]?.attributes['message']).toBe(cleaned)
    expect(failures[0]?.attributes['message']).toContain(`(${cleaned})`)
    expect(failures[0]?.text).toContain(`reason: ${cleaned}`)
  })

  it('keeps line breaks in attributes as character references', () => {
    expect(escapeXmlAttribute('a\nb\t"c"')).toBe('a&#10;b&#9;&quot;c&quot;')
    expect(escapeXmlText('a\n<b> & c')).toBe('a\n&lt;b&gt; &amp; c')
  })

  it('writes a valid file with no test cases when no thresholds were set', () => {
    const root = parseXml(renderJunit([{ name: 'smoke', summary: tinySummary() }]))
    expect(root.attributes).toMatchObject({ tests: '0', failures: '0' })
    expect(all(root, 'testcase')).toEqual([])
  })

  it('the scanner itself rejects broken XML', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow()
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow('duplicate')
    expect(() => parseXml('<a>&nope;</a>')).toThrow('unknown entity')
    expect(() => parseXml('<a>fish & chips</a>')).toThrow()
    expect(() => parseXml('<a>\u0001</a>')).toThrow('not allowed')
    expect(() => parseXml('<a/><b/>')).toThrow('second root')
  })
})

describe('writeJunit', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gauntlet-junit-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('creates the folder and writes the XML', async () => {
    const path = join(dir, 'ci', 'reports', 'gauntlet.xml')
    const suites = [{ name: 'peak-hour', summary: peakHourSummary() }]
    await writeJunit(path, suites)
    expect(await readFile(path, 'utf8')).toBe(renderJunit(suites))
  })
})
