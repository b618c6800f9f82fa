// Malformed requests to the mock, each answered with the vendor's status and error shape.
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getMockProfile } from '../../adapters/mock/index.js'
import { countTokens } from '../../core/tokens.js'
import { startMock, type StartedMock } from '../helpers/start-mock.js'

const KEY = 'sk-good'
let mock: StartedMock

beforeAll(async () => {
  mock = await startMock({
    profile: { ...getMockProfile('instant'), name: 'strict-small', strictModels: true, contextWindow: 50, maxBodyBytes: 4096 },
    apiKeys: [KEY],
  })
})

afterAll(async () => {
  await mock.close()
})

interface Case {
  name: string
  method?: 'GET' | 'POST'
  path?: string
  body?: string | Buffer | object
  headers?: Record<string, string>
  status: number
  type: string
  code?: string | null
  param?: string | null
  message?: RegExp
}

const user = (content: string) => [{ role: 'user', content }]
const LONG = 'incident report '.repeat(40)
const LONG_TOKENS = countTokens(LONG)
const INVALID_UTF8 = Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')])

async function send(testCase: Case, protocol: 'openai' | 'anthropic') {
  const path = testCase.path ?? (protocol === 'openai' ? '/v1/chat/completions' : '/v1/messages')
  const auth: Record<string, string> = protocol === 'openai' ? { authorization: `Bearer ${KEY}` } : { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' }
  const body =
    testCase.body === undefined ? undefined : typeof testCase.body === 'string' || Buffer.isBuffer(testCase.body) ? testCase.body : JSON.stringify(testCase.body)
  const response = await request(`${mock.url}${path}`, {
    method: testCase.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...auth, ...testCase.headers },
    ...(body === undefined ? {} : { body }),
  })
  return { status: response.statusCode, headers: response.headers, json: (await response.body.json()) as Record<string, unknown> }
}

const openaiCases: Case[] = [
  { name: 'invalid JSON', body: '{"model": "gpt-4o-mini", "messages": [', status: 400, type: 'invalid_request_error', code: null, message: /parse the JSON body/ },
  { name: 'invalid UTF-8', body: INVALID_UTF8, status: 400, type: 'invalid_request_error', message: /not valid UTF-8/ },
  { name: 'body not an object', body: [1, 2], status: 400, type: 'invalid_request_error', message: /must be a JSON object/ },
  { name: 'missing messages', body: { model: 'gpt-4o-mini' }, status: 400, type: 'invalid_request_error', code: 'missing_required_parameter', param: 'messages' },
  { name: 'missing model', body: { messages: user('hi') }, status: 400, type: 'invalid_request_error', code: 'missing_required_parameter', param: 'model' },
  { name: 'empty messages', body: { model: 'gpt-4o-mini', messages: [] }, status: 400, type: 'invalid_request_error', code: 'empty_array', param: 'messages' },
  { name: 'unknown role', body: { model: 'gpt-4o-mini', messages: [{ role: 'robot', content: 'x' }] }, status: 400, type: 'invalid_request_error', code: 'invalid_value', param: 'messages[0].role' },
  { name: 'content of the wrong type', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 42 }] }, status: 400, type: 'invalid_request_error', code: 'invalid_type', param: 'messages[0].content' },
  { name: 'max_tokens below 1', body: { model: 'gpt-4o-mini', messages: user('hi'), max_tokens: 0 }, status: 400, type: 'invalid_request_error', code: 'integer_below_min_value', param: 'max_tokens' },
  { name: 'stream_options without stream', body: { model: 'gpt-4o-mini', messages: user('hi'), stream_options: { include_usage: true } }, status: 400, type: 'invalid_request_error', param: 'stream_options' },
  { name: 'bad output-tokens header', body: { model: 'gpt-4o-mini', messages: user('hi') }, headers: { 'x-gauntlet-output-tokens': 'lots' }, status: 400, type: 'invalid_request_error', param: 'x-gauntlet-output-tokens' },
  { name: 'past the context window', body: { model: 'gpt-4o-mini', messages: user(LONG) }, status: 400, type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages', message: new RegExp(`maximum context length is 50 tokens\\. However, your messages resulted in ${LONG_TOKENS} tokens`) },
  { name: 'unknown model (strict list)', body: { model: 'gpt-9', messages: user('hi') }, status: 404, type: 'invalid_request_error', code: 'model_not_found', param: 'model' },
  { name: 'missing key', body: { model: 'gpt-4o-mini', messages: user('hi') }, headers: { authorization: '' }, status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  { name: 'wrong key', body: { model: 'gpt-4o-mini', messages: user('hi') }, headers: { authorization: 'Bearer sk-bad' }, status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  { name: 'body over the limit', body: { model: 'gpt-4o-mini', messages: user('x'.repeat(5000)) }, status: 413, type: 'invalid_request_error', code: 'request_too_large' },
  { name: 'wrong method', method: 'GET', status: 405, type: 'invalid_request_error' },
  { name: 'unknown route', path: '/v1/embeddings', body: { input: 'x' }, status: 404, type: 'invalid_request_error', message: /Invalid URL \(POST \/v1\/embeddings\)/ },
]

const anthropicCases: Case[] = [
  { name: 'invalid JSON', body: '{"model": ', status: 400, type: 'invalid_request_error' },
  { name: 'invalid UTF-8', body: INVALID_UTF8, status: 400, type: 'invalid_request_error', message: /not valid UTF-8/ },
  { name: 'missing max_tokens', body: { model: 'claude-haiku-4-5', messages: user('hi') }, status: 400, type: 'invalid_request_error', message: /^max_tokens: Field required$/ },
  { name: 'missing messages', body: { model: 'claude-haiku-4-5', max_tokens: 5 }, status: 400, type: 'invalid_request_error', message: /^messages: Field required$/ },
  { name: 'missing model', body: { max_tokens: 5, messages: user('hi') }, status: 400, type: 'invalid_request_error', message: /^model: Field required$/ },
  { name: 'system role inside messages', body: { model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] }, status: 400, type: 'invalid_request_error', message: /messages\.0\.role/ },
  { name: 'max_tokens not an integer', body: { model: 'claude-haiku-4-5', max_tokens: 'ten', messages: user('hi') }, status: 400, type: 'invalid_request_error', message: /max_tokens/ },
  { name: 'prompt too long', body: { model: 'claude-haiku-4-5', max_tokens: 5, system: LONG, messages: user('hi') }, status: 400, type: 'invalid_request_error', message: new RegExp(`^prompt is too long: ${LONG_TOKENS + countTokens('hi')} tokens > 50 maximum$`) },
  { name: 'unknown model (strict list)', body: { model: 'claude-9', max_tokens: 5, messages: user('hi') }, status: 404, type: 'not_found_error', message: /model: claude-9/ },
  { name: 'missing key', body: { model: 'claude-haiku-4-5', max_tokens: 5, messages: user('hi') }, headers: { 'x-api-key': '' }, status: 401, type: 'authentication_error' },
  { name: 'wrong key', body: { model: 'claude-haiku-4-5', max_tokens: 5, messages: user('hi') }, headers: { 'x-api-key': 'sk-bad' }, status: 401, type: 'authentication_error', message: /invalid x-api-key/ },
  { name: 'body over the limit', body: { model: 'claude-haiku-4-5', max_tokens: 5, messages: user('x'.repeat(5000)) }, status: 413, type: 'request_too_large' },
  { name: 'unknown route', path: '/v1/complete', body: {}, status: 404, type: 'not_found_error' },
]

describe('malformed requests, OpenAI shape', () => {
  it.each(openaiCases)('$name → $status $type', async (testCase) => {
    const { status, headers, json } = await send(testCase, 'openai')
    expect(status).toBe(testCase.status)
    const error = json['error'] as Record<string, unknown>
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type'])
    expect(error['type']).toBe(testCase.type)
    if (testCase.code !== undefined) expect(error['code']).toBe(testCase.code)
    if (testCase.param !== undefined) expect(error['param']).toBe(testCase.param)
    if (testCase.message !== undefined) expect(error['message']).toMatch(testCase.message)
    expect(headers['x-request-id']).toMatch(/^req_/)
  })
})

describe('malformed requests, Anthropic shape', () => {
  it.each(anthropicCases)('$name → $status $type', async (testCase) => {
    const { status, headers, json } = await send(testCase, 'anthropic')
    expect(status).toBe(testCase.status)
    expect(json['type']).toBe('error')
    const error = json['error'] as Record<string, unknown>
    expect(error['type']).toBe(testCase.type)
    expect(typeof error['message']).toBe('string')
    if (testCase.message !== undefined) expect(error['message']).toMatch(testCase.message)
    expect(json['request_id']).toBe(headers['request-id'])
  })
})

describe('after the malformed table', () => {
  it('counted every error, answered nothing, and still serves a valid request on the same server', async () => {
    const before = mock.stats()
    const { status, json } = await send({ name: 'valid', body: { model: 'gpt-4o-mini', messages: user('hi'), max_tokens: 3 }, status: 200, type: '' }, 'openai')
    expect(status).toBe(200)
    expect(json['usage']).toMatchObject({ prompt_tokens: 1, completion_tokens: 3 })
    expect(before.errors).toBe(openaiCases.length + anthropicCases.length)
    expect(before.completed).toBe(0)
  })
})
