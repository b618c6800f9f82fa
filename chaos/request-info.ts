// What the faults see of a request: its headers, `model` and `stream` from a small JSON body, its
// protocol, and the body to forward once it has been read for that.
import type { IncomingMessage } from 'node:http'
import { flattenHeaders } from './headers.js'
import type { Protocol, RequestInfo } from './types.js'

export interface InspectedRequest {
  info: RequestInfo
  protocol: Protocol
  /** The body as read for inspection; undefined when it was too large and is left unread. */
  bodyBytes: Buffer | undefined
}

/** Reads the body (up to `maxBytes`) to describe the request; the caller checks for an abort after. */
export async function inspectRequest(
  request: IncomingMessage,
  path: string,
  ids: { sequence: number; key: string },
  maxBytes: number,
): Promise<InspectedRequest> {
  const headers = flattenHeaders(request)
  const bodyBytes = await readBodyForInspection(request, maxBytes)
  const parsedBody = bodyBytes === undefined ? undefined : inspectBody(bodyBytes, headers['content-type'])
  const info: RequestInfo = {
    method: request.method ?? 'GET',
    path,
    headers,
    model: parsedBody?.model,
    stream: parsedBody?.stream,
    sequence: ids.sequence,
    key: ids.key,
  }
  return { info, protocol: detectProtocol(path, headers, parsedBody?.anthropicVersion), bodyBytes }
}

/** The body undici sends upstream: the bytes read for inspection, else the request stream itself. */
export function bodyToForward(request: IncomingMessage, bodyBytes: Buffer | undefined): Buffer | IncomingMessage | undefined {
  if (bodyBytes === undefined) return hasBody(request) ? request : undefined
  return bodyBytes.length > 0 || hasBody(request) ? bodyBytes : undefined
}

/** Protocol from the path (`/messages` vs `/chat/completions`...), then headers, then body. */
export function detectProtocol(path: string, headers: Readonly<Record<string, string>>, anthropicBody: boolean | undefined): Protocol {
  const pathname = path.split('?')[0] ?? path
  if (/\/messages(\/count_tokens)?$/.test(pathname)) return 'anthropic'
  if (/\/(chat\/)?completions$|\/responses$|\/embeddings$/.test(pathname)) return 'openai'
  if (headers['anthropic-version'] !== undefined || anthropicBody === true) return 'anthropic'
  return 'unknown'
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length']
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
}

/** The whole body when it is small enough to inspect; undefined (body left unread) otherwise. */
async function readBodyForInspection(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  if (!hasBody(request)) return Buffer.alloc(0)
  const declared = Number(request.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) return undefined
  const chunks: Buffer[] = []
  try {
    for await (const chunk of request) chunks.push(chunk as Buffer)
  } catch {
    // The client went away mid-body; the exchange's abort handles the rest.
    return Buffer.alloc(0)
  }
  return Buffer.concat(chunks)
}

interface InspectedBody {
  model: string | undefined
  stream: boolean | undefined
  anthropicVersion: boolean
}

function inspectBody(bytes: Buffer, contentType: string | undefined): InspectedBody | undefined {
  if (bytes.length === 0) return undefined
  const looksJson = (contentType ?? '').includes('json') || bytes[0] === 0x7b
  if (!looksJson) return undefined
  const text = bytes.toString('utf8')
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    const record = value as Record<string, unknown>
    return {
      model: typeof record['model'] === 'string' ? record['model'] : undefined,
      stream: typeof record['stream'] === 'boolean' ? record['stream'] : undefined,
      anthropicVersion: typeof record['anthropic_version'] === 'string',
    }
  } catch {
    // Malformed JSON is a legitimate test input: still try to find the model for matching.
    const model = /"model"\s*:\s*"((?:[^"\\]|\\.){1,200})"/.exec(text.slice(0, 65_536))?.[1]
    return { model, stream: undefined, anthropicVersion: false }
  }
}
