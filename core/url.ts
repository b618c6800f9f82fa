// The one rule for showing an endpoint's URL in records, messages, labels and reports: no user
// info, no fragment, and the value of any secret-looking query parameter replaced.

const SECRET_QUERY_PARAMETER = /key|token|secret|sig|password|auth/i

/** The URL as it may appear in records and messages; '[invalid url]' when it is not one. */
export function redactUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return '[invalid url]'
  }
  parsed.username = ''
  parsed.password = ''
  parsed.hash = ''
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_PARAMETER.test(name)) parsed.searchParams.set(name, 'redacted')
  }
  return parsed.href
}

/** As `redactUrl`, without a trailing slash; text that is not a URL (a label) is shown as written. */
export function displayUrl(text: string): string {
  if (!URL.canParse(text)) return text
  return redactUrl(text).replace(/\/+$/, '')
}
