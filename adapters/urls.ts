// Base-URL checks shared by target parsing and the vendor adapters: http(s) only, no credentials,
// and which hosts are loopback or private (no key needed there). Imports no adapter.
import { UserError } from '../core/errors.js'

/**
 * Validates a base URL: http(s), a host, no credentials (keys belong in the environment), no
 * fragment. Returns it without a trailing slash. `source` names where it came from.
 */
export function parseBaseUrl(text: string, source: string): string {
  const fail = (problem: string, fix: string): never => {
    throw new UserError('TARGET_INVALID', `${source}: base URL '${text}' ${problem}; ${fix}`)
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return fail('is not a URL', 'write it as http://HOST:PORT/PATH or https://HOST/PATH')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(`uses ${url.protocol.replace(/:$/, '')}, not http or https`, 'point it at the HTTP endpoint, e.g. http://127.0.0.1:8000/v1')
  }
  if (url.hostname === '') fail('has no host', 'e.g. http://127.0.0.1:8000/v1')
  if (url.username !== '' || url.password !== '') {
    fail('contains credentials', 'remove user:password@ and put the key in the vendor environment variable (e.g. OPENAI_API_KEY)')
  }
  if (url.hash !== '') fail('has a #fragment', 'remove it')
  return url.href.replace(/\/+$/, '')
}

/** True for localhost, *.localhost, 127.0.0.0/8 and ::1 (also IPv4-mapped). False for bad URLs. */
export function isLoopbackUrl(url: string | URL): boolean {
  let hostname: string
  try {
    hostname = (typeof url === 'string' ? new URL(url) : url).hostname.toLowerCase()
  } catch {
    return false
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)) return true
  if (hostname === '[::1]') return true
  // WHATWG URL renders ::ffff:127.x.y.z as [::ffff:7fxx:yyzz].
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname)
}

/**
 * True for hosts that are only reachable inside a private network: RFC 1918 and link-local
 * addresses, IPv6 ULA, single-label names (`vllm`, a Kubernetes service) and internal suffixes.
 * Self-hosted servers there commonly run without keys.
 */
export function isPrivateNetworkUrl(url: string | URL): boolean {
  let hostname: string
  try {
    hostname = (typeof url === 'string' ? new URL(url) : url).hostname.toLowerCase()
  } catch {
    return false
  }
  if (isLoopbackUrl(url)) return true
  if (/^10\.\d+\.\d+\.\d+$/.test(hostname) || /^192\.168\.\d+\.\d+$/.test(hostname) || /^169\.254\.\d+\.\d+$/.test(hostname)) return true
  const private172 = /^172\.(\d+)\.\d+\.\d+$/.exec(hostname)
  if (private172 !== null && Number(private172[1]) >= 16 && Number(private172[1]) <= 31) return true
  if (/^\[f[cd][0-9a-f]{2}:/.test(hostname)) return true
  if (!hostname.includes('.') && !hostname.startsWith('[')) return true
  return /\.(local|internal|lan|svc|cluster\.local|home\.arpa)$/.test(hostname)
}
