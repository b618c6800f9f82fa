// --otlp / --otlp-interval / --otlp-header: good values parsed, each bad one a one-line
// USAGE_INVALID that never shows a header value.
import { describe, expect, it } from 'vitest'
import { GauntletError } from '../../../core/errors.js'
import { parseOtlpFlags, type OtlpFlags } from '../../../results/metrics/otlp-flags.js'

describe('otlp flags', () => {
  it('parses a URL, interval and headers; nothing without --otlp', () => {
    expect(parseOtlpFlags({})).toBeUndefined()
    expect(parseOtlpFlags({ otlpHeader: [] })).toBeUndefined()
    expect(parseOtlpFlags({ otlp: 'http://127.0.0.1:4318/v1/metrics' })).toEqual({
      url: 'http://127.0.0.1:4318/v1/metrics',
      shownUrl: 'http://127.0.0.1:4318/v1/metrics',
      intervalMs: 5_000,
      headers: {},
    })
    const parsed = parseOtlpFlags({ otlp: 'https://u:p@collector.example:4318?tenant=a', otlpInterval: '200ms', otlpHeader: ['Authorization=Bearer a=b', 'x-scope=team 1'] })
    // A bare host gets the standard path; the shown URL drops the credentials and query.
    expect(parsed?.url).toBe('https://u:p@collector.example:4318/v1/metrics?tenant=a')
    expect(parsed?.shownUrl).toBe('https://collector.example:4318/v1/metrics')
    expect(parsed?.intervalMs).toBe(200)
    expect(parsed?.headers).toEqual({ authorization: 'Bearer a=b', 'x-scope': 'team 1' })
  })

  it.each<[OtlpFlags, RegExp]>([
    [{ otlp: 'collector:4318' }, /--otlp must be an http:\/\/ or https:\/\/ URL, not 'collector:'/],
    [{ otlp: 'grpc://127.0.0.1:4317' }, /gRPC is not supported/],
    [{ otlp: '::' }, /--otlp '::' is not a URL/],
    [{ otlp: 'http://127.0.0.1:4318', otlpInterval: 'often' }, /--otlp-interval 'often'/],
    [{ otlp: 'http://127.0.0.1:4318', otlpInterval: '50ms' }, /at least 100ms/],
    [{ otlpInterval: '1s' }, /need --otlp/],
    [{ otlpHeader: ['a=b'] }, /need --otlp/],
    [{ otlp: 'http://127.0.0.1:4318', otlpHeader: ['ok=1', 'sekrit-token'] }, /--otlp-header number 2 is not name=value/],
    [{ otlp: 'http://127.0.0.1:4318', otlpHeader: ['bad name=sekrit-token'] }, /--otlp-header number 1/],
    [{ otlp: 'http://127.0.0.1:4318', otlpHeader: ['=sekrit-token'] }, /--otlp-header number 1/],
  ])('rejects %o', (flags, message) => {
    let error: unknown
    try {
      parseOtlpFlags(flags)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(GauntletError)
    expect((error as GauntletError).code).toBe('USAGE_INVALID')
    expect((error as GauntletError).message).toMatch(message)
    expect((error as GauntletError).message).not.toContain('sekrit')
    expect((error as GauntletError).message.split('\n')).toHaveLength(1)
  })
})
