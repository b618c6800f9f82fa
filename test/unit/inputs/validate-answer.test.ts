// validateAnswer: JSON bare or fenced, against the JSON Schema subset the traffic files use.
import { describe, expect, it } from 'vitest'
import { validateAnswer } from '../../../chaos/inputs/validate-answer.js'
import { DIRTY_TABLE_NAMES, TABLE_TASKS } from '../../../chaos/inputs/dirty-table.js'

const schema = {
  type: 'object',
  properties: {
    rows: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          count: { type: 'integer' },
          score: { type: ['number', 'null'] },
          status: { type: 'string', enum: ['open', 'closed'] },
        },
        required: ['city', 'count'],
      },
    },
  },
  required: ['rows'],
}

const good = '{"rows":[{"city":"Leeds","count":2,"score":null,"status":"open"}]}'

describe('validateAnswer', () => {
  it.each([
    ['bare JSON', good, true, true],
    ['surrounding whitespace and a BOM', `\ufeff \n${good}\n`, true, true],
    ['```json fence with prose around', `Here you go:\n\`\`\`json\n${good}\n\`\`\`\nAnything else?`, true, true],
    ['bare ``` fence', `\`\`\`\n${good}\n\`\`\``, true, true],
    ['extra properties are allowed', '{"rows":[{"city":"Leeds","count":2,"note":"x"}],"total":1}', true, true],
    ['empty rows', '{"rows":[]}', true, true],
    ['missing required key', '{"rows":[{"city":"Leeds"}]}', true, false],
    ['wrong type', '{"rows":[{"city":"Leeds","count":"2"}]}', true, false],
    ['not an integer', '{"rows":[{"city":"Leeds","count":2.5}]}', true, false],
    ['value outside the enum', '{"rows":[{"city":"Leeds","count":2,"status":"pending"}]}', true, false],
    ['items not an array', '{"rows":{"city":"Leeds","count":2}}', true, false],
    ['root missing', '[]', true, false],
    ['prose only', 'I could not read the table, sorry.', false, false],
    ['truncated JSON', '{"rows":[{"city":"Leeds","count":2', false, false],
    ['broken JSON in a fence', '```json\n{"rows":[1,]}\n```', false, false],
    ['empty answer', '   ', false, false],
  ])('%s', (_name, text, parsed, valid) => {
    const result = validateAnswer(text, schema)
    expect(result.parsed).toBe(parsed)
    expect(result.valid).toBe(valid)
    expect(result.problems.length === 0).toBe(valid)
  })

  it('names the path and the expectation in each problem', () => {
    const result = validateAnswer('{"rows":[{"count":"x","status":"pending"}]}', schema)
    expect(result.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^rows\.0\.city: /u), expect.stringMatching(/^rows\.0\.count: /u), expect.stringMatching(/^rows\.0\.status: .*open/u)]),
    )
  })

  it('without a schema, valid means parsed', () => {
    expect(validateAnswer('{"a":1}', undefined)).toEqual({ parsed: true, valid: true, problems: [] })
    expect(validateAnswer('nope', undefined).valid).toBe(false)
  })

  it('reports an unusable schema as a problem instead of throwing', () => {
    const result = validateAnswer('{"a":1}', { type: 'frobnicate' })
    expect(result).toMatchObject({ parsed: true, valid: false })
    expect(result.problems[0]).toMatch(/responseSchema is not a usable JSON Schema/u)
  })

  it('caps the problem list', () => {
    const rows = Array.from({ length: 50 }, () => ({ city: 1 }))
    const result = validateAnswer(JSON.stringify({ rows }), schema)
    expect(result.problems).toHaveLength(21)
    expect(result.problems[20]).toMatch(/more problems/u)
  })

  it('accepts a correct answer to each dirty-table task', () => {
    const answers: Record<string, unknown> = {
      hospitals: [{ providerNumber: '10018', name: 'callahan eye foundation hospital', city: 'birmingham', state: 'al', zipCode: '35233', phone: '2053258100', emergencyService: true, measureCode: 'scip-card-2', scorePercent: null }],
      flights: [{ flight: 'AA-3859-IAH-ORD', source: 'aa', scheduledDeparture: '07:10', actualDeparture: '07:16', scheduledArrival: '09:40', actualArrival: null }],
      beers: [{ id: 1436, name: 'Pub Beer', style: 'American Pale Lager', ounces: 12, abvPercent: 5, ibu: null, brewery: '10 Barrel Brewing Company', city: 'Bend', state: 'OR' }],
      articles: [{ id: '235295', title: 'Late repair', language: 'eng', journal: null, issn: null, volume: '64', publishedOn: '1971-01-01', authors: ['A. G. Parks'] }],
    }
    for (const name of DIRTY_TABLE_NAMES) {
      const schema = TABLE_TASKS[name].schema
      const key = Object.keys(schema['properties'] as object)[0] as string
      expect(validateAnswer(JSON.stringify({ [key]: answers[key] }), schema), name).toEqual({ parsed: true, valid: true, problems: [] })
      expect(validateAnswer(JSON.stringify({ [key]: [{}] }), schema).valid, name).toBe(false)
    }
  })
})
