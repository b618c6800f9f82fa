// The file readers on hand-made messy files: line-ending mixes, quoted multi-line fields, a BOM,
// Latin-1, TSV, JSON/JSONL, text, XLSX, and broken files failing with one line naming the file.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { decodeText } from '../../../load/files/decode.js'
import { discoverInputs } from '../../../load/files/discover.js'
import { sniffDelimiter } from '../../../load/files/read-delimited.js'
import { readTableFile } from '../../../load/files/read-file.js'

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/messy-files/${name}`, import.meta.url))

describe('readTableFile', () => {
  it('CSV with CRLF/LF/CR mixes and quoted fields holding commas, newlines and quotes', async () => {
    const table = await readTableFile(fixture('quoted-multiline.csv'), 'quoted-multiline.csv')
    expect(table.encoding).toBe('utf-8')
    expect(table.columns).toEqual(['id', 'name', 'city', 'notes', 'joined'])
    expect(table.rows).toHaveLength(5)
    expect(table.rows[0]).toEqual(['1', 'Anna Müller', 'Berlin, Mitte', 'likes coffee', '2023-01-15'])
    expect(table.rows[1]?.[3]).toBe('two\r\nlines')
    expect(table.rows[2]).toEqual(['3', 'Li Wei', 'Shanghai', 'plain', '2021-06-30'])
    expect(table.rows[4]?.[3]).toBe('said "hi"')
  })

  it('a UTF-8 BOM is dropped and a semicolon delimiter sniffed', async () => {
    const table = await readTableFile(fixture('bom-semicolon.csv'), 'bom-semicolon.csv')
    expect(table.encoding).toBe('utf-8-bom')
    expect(table.columns).toEqual(['region', 'manager', 'revenue'])
    expect(table.rows[1]).toEqual(['Süd', 'Zoë Weiß', '980'])
  })

  it('a Latin-1 file is detected and decoded', async () => {
    const table = await readTableFile(fixture('latin1.csv'), 'latin1.csv')
    expect(table.encoding).toBe('latin-1')
    expect(table.rows.map((row) => row[1])).toEqual(['Café Müller', 'Señor Ñandú', 'Plain Name'])
    expect(table.rows[0]?.[2]).toBe('Köln')
  })

  it('TSV with a quoted tab', async () => {
    const table = await readTableFile(fixture('hosts.tsv'), 'hosts.tsv')
    expect(table.rows).toEqual([
      ['web-1', 'ok', '0.41'],
      ['web-2', 'busy\tvery', '0.97'],
    ])
  })

  it('JSON records: columns in order of first appearance, null empty, nested as JSON', async () => {
    const table = await readTableFile(fixture('records.json'), 'records.json')
    expect(table.columns).toEqual(['ticket', 'owner', 'opened', 'hours', 'tags'])
    expect(table.rows[1]).toEqual(['T-2', 'Grace, H.', '2024-05-03', '12', ''])
    expect(table.rows[2]).toEqual(['T-3', '', '2024-05-04', '1', '["x","y"]'])
  })

  it('JSONL with a blank line and a CRLF', async () => {
    const table = await readTableFile(fixture('events.jsonl'), 'events.jsonl')
    expect(table.rows).toEqual([
      ['web-1', 'ok', '120'],
      ['web-2', 'degraded', '950'],
      ['db-1', 'ok', '15'],
    ])
  })

  it('plain text: one row per non-empty line with its line number', async () => {
    const table = await readTableFile(fixture('notes.txt'), 'notes.txt')
    expect(table.columns).toEqual(['line', 'text'])
    expect(table.rows).toEqual([
      ['1', 'Quarterly notes'],
      ['3', 'Revenue grew 4 % in Q3.'],
      ['4', 'Headcount: 1,204 people.'],
    ])
  })

  it('XLSX: first sheet, numbers as text, a blank cell empty, non-ASCII kept', async () => {
    const table = await readTableFile(fixture('sheet.xlsx'), 'sheet.xlsx')
    expect(table.encoding).toBe('xlsx')
    expect(table.columns).toEqual(['employee', 'team', 'salary'])
    expect(table.rows).toEqual([
      ['E1', 'Ops', '52000'],
      ['E2', 'Zürich Sales', '61000.5'],
      ['E3', '', '47000'],
    ])
  })

  it.each([
    ['bad/unclosed-quote.csv', /bad\/unclosed-quote\.csv: not valid CSV \(Quote Not Closed.*\); fix the file or pass --skip-bad/],
    ['bad/ragged.csv', /bad\/ragged\.csv: not valid CSV \(Invalid Record Length: expect 3, got 5 on line 3\)/],
    ['bad/not-records.json', /bad\/not-records\.json: is not an array of records.*; give an array of records/],
    ['bad/fake.xlsx', /bad\/fake\.xlsx: is not a readable XLSX workbook/],
    ['missing.csv', /missing\.csv: not found; check the path/],
    ['make-xlsx.mjs', /make-xlsx\.mjs: unsupported file type '\.mjs'/],
  ])('%s fails with one line naming the file and the fix', async (name, message) => {
    const error = await readTableFile(fixture(name), name).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toContain('\n')
    expect((error as { code: string }).code).toMatch(/^(TRAFFIC_INVALID|FILE_NOT_FOUND|USAGE_INVALID)$/)
  })
})

describe('decodeText and sniffDelimiter', () => {
  it('UTF-16 LE with its BOM', () => {
    const bytes = new Uint8Array([0xff, 0xfe, ...Buffer.from('a,ü\n', 'utf16le')])
    expect(decodeText(bytes)).toEqual({ text: 'a,ü\n', encoding: 'utf-16le' })
  })

  it('a delimiter inside quotes does not count', () => {
    expect(sniffDelimiter('"a;b;c",d,e\n1,2,3')).toBe(',')
    expect(sniffDelimiter('a;b;c\n')).toBe(';')
  })
})

describe('discoverInputs', () => {
  it('a folder with clean.csv and dirty.csv is one pair; other files are singles', async () => {
    const inputs = await discoverInputs([fixture('')])
    const pair = inputs.find((input) => input.kind === 'pair')
    expect(pair).toMatchObject({ kind: 'pair', cleanSource: 'messy-files/pair/clean.csv', dirtySource: 'messy-files/pair/dirty.csv' })
    const singles = inputs.filter((input) => input.kind === 'single').map((input) => (input.kind === 'single' ? input.source : ''))
    expect(singles).toContain('messy-files/latin1.csv')
    expect(singles).toContain('messy-files/bad/ragged.csv')
    expect(singles).not.toContain('messy-files/make-xlsx.mjs')
  })
})
