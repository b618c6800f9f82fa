// The headers the proxy adds or reads, and the hop-by-hop rules it applies in both directions.
import type { IncomingMessage } from 'node:http'

export const FAULTS_HEADER = 'x-gauntlet-faults'
export const PHASE_HEADER = 'x-gauntlet-phase'
/** Request header whose value keys the seeded decisions (stable under concurrency and replays). */
export const REQUEST_ID_HEADER = 'x-gauntlet-request-id'
/** Response header on answers the proxy itself made: `refused` (403) or `upstream` (502). */
export const PROXY_ERROR_HEADER = 'x-gauntlet-proxy-error'

export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/** The header names a `connection` header lists: hop-by-hop too. */
export function tokensOf(value: string | string[] | undefined): Set<string> {
  if (value === undefined) return new Set()
  const text = Array.isArray(value) ? value.join(',') : value
  return new Set(text.split(',').map((token) => token.trim().toLowerCase()).filter((token) => token.length > 0))
}

/** The client's headers to send upstream, raw names kept; `transforming` asks for an uncompressed body. */
export function requestHeaders(request: IncomingMessage, transforming: boolean): string[] {
  const connectionTokens = tokensOf(request.headers.connection)
  const raw = request.rawHeaders
  const out: string[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string
    const lower = name.toLowerCase()
    // undici sets Host from the upstream origin and handles 100-continue itself.
    if (lower === 'host' || lower === 'expect' || HOP_BY_HOP.has(lower) || connectionTokens.has(lower)) continue
    // Stream-altering faults must see plain bytes, not a compressed body.
    if (transforming && lower === 'accept-encoding') continue
    out.push(name, raw[i + 1] as string)
  }
  if (transforming) out.push('accept-encoding', 'identity')
  return out
}

/** Lower-case names, repeated headers joined with `, `: the shape faults and matches see. */
export function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue
    out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
