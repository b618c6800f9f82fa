// classifyHandling: every outcome, status and error code to its malformed-input handling category.
import { describe, expect, it } from 'vitest'
import { MALFORMED_HANDLINGS, classifyHandling, malformedKinds, type FinishedAttempt, type MalformedHandling } from '../../../chaos/inputs/classify.js'

describe('classifyHandling', () => {
  const cases: Array<[FinishedAttempt, MalformedHandling]> = [
    [{ outcome: 'http', status: 400, errorCode: 'ADAPTER_HTTP_STATUS' }, 'clean-4xx'],
    [{ outcome: 'http', status: 413 }, 'clean-4xx'],
    [{ outcome: 'http', status: 422 }, 'clean-4xx'],
    [{ outcome: 'http', status: 429 }, 'rate-limited'],
    [{ outcome: 'http', status: 500 }, '5xx'],
    [{ outcome: 'http', status: 503 }, '5xx'],
    [{ outcome: 'http', status: 529 }, '5xx'],
    [{ outcome: 'http', status: 302 }, 'other'],
    [{ outcome: 'http' }, 'other'],
    [{ outcome: 'timeout', errorCode: 'ADAPTER_TIMEOUT' }, 'timeout'],
    [{ outcome: 'reset', errorCode: 'ADAPTER_RESET' }, 'reset'],
    [{ outcome: 'connection', errorCode: 'ADAPTER_CONNECTION' }, 'reset'],
    [{ outcome: 'malformed-stream', status: 200 }, 'broken-stream'],
    [{ outcome: 'truncated', status: 200 }, 'broken-stream'],
    [{ outcome: 'stream-error', status: 200 }, 'broken-stream'],
    [{ outcome: 'ok', status: 200 }, 'answered'],
    [{ outcome: 'ok', status: 200, answerValid: true }, 'answered'],
    [{ outcome: 'ok', status: 200, answerValid: false }, 'answered-invalid'],
    [{ outcome: 'abandoned' }, 'abandoned'],
    [{ outcome: 'dropped' }, 'not-sent'],
    [{ outcome: 'lost-demand' }, 'not-sent'],
    [{ outcome: 'budget-stopped' }, 'not-sent'],
    [{ outcome: 'interrupted' }, 'not-sent'],
    // Without an outcome: by error code, then status.
    [{ errorCode: 'ADAPTER_HTTP_STATUS', status: 400 }, 'clean-4xx'],
    [{ errorCode: 'ADAPTER_HTTP_STATUS', status: 502 }, '5xx'],
    [{ errorCode: 'ADAPTER_TIMEOUT' }, 'timeout'],
    [{ errorCode: 'ADAPTER_RESET' }, 'reset'],
    [{ errorCode: 'ADAPTER_STREAM_TRUNCATED' }, 'broken-stream'],
    [{ errorCode: 'ADAPTER_STREAM_MALFORMED' }, 'broken-stream'],
    [{ errorCode: 'ADAPTER_ABORTED' }, 'abandoned'],
    [{ errorCode: 'SOMETHING_NEW' }, 'other'],
    [{ status: 200 }, 'answered'],
    [{ status: 200, answerValid: false }, 'answered-invalid'],
    [{ status: 404 }, 'clean-4xx'],
    [{}, 'answered'],
  ]
  it.each(cases)('%j → %s', (attempt, expected) => {
    expect(classifyHandling(attempt)).toBe(expected)
  })

  it('every category is reachable', () => {
    expect(new Set(cases.map(([, handling]) => handling))).toEqual(new Set(MALFORMED_HANDLINGS))
  })

  it('reads malformed kinds from tags', () => {
    expect(malformedKinds(['task:qa', 'malformed:typos', 'malformed:bom'])).toEqual(['typos', 'bom'])
    expect(malformedKinds(undefined)).toEqual([])
  })
})
