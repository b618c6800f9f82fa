// The `malformed:<kind>` traffic tag, the one rule: written by the input mutators, read by the
// runner, the summary and the comparison.

export const MALFORMED_TAG_PREFIX = 'malformed:'

/** The tag a mutated request carries (`mojibake` → `malformed:mojibake`). */
export function malformedTag(kind: string): string {
  return `${MALFORMED_TAG_PREFIX}${kind}`
}

/** The malformed-input kinds a request's tags name (`malformed:mojibake` → `mojibake`). */
export function malformedKinds(tags: readonly string[] | undefined): string[] {
  if (tags === undefined) return []
  const kinds: string[] = []
  for (const tag of tags) if (tag.startsWith(MALFORMED_TAG_PREFIX)) kinds.push(tag.slice(MALFORMED_TAG_PREFIX.length))
  return kinds
}

/** True when a request carries any malformed-input tag. */
export function isMalformed(tags: readonly string[] | undefined): boolean {
  return tags !== undefined && tags.some((tag) => tag.startsWith(MALFORMED_TAG_PREFIX))
}
