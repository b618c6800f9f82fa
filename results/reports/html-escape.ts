// Escaping for the HTML report: text and attributes, and JSON placed inside a <script> element.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Safe in text and in double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] as string)
}

/**
 * JSON that can sit inside `<script type="application/json">`: `<`, `>` and `&` become
 * `\u003c`-style escapes, so `</script>` and `<!--` in any string cannot end or confuse the
 * element, and JSON.parse of the element's text gives back the same value. U+2028/U+2029 are
 * escaped too, for readers that treat the block as JavaScript.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Inline JavaScript or CSS from a file: never lets its text close the surrounding element. */
export function inlineSafe(code: string, element: 'script' | 'style'): string {
  return code.replace(new RegExp(`</(${element})`, 'gi'), '<\\/$1')
}
