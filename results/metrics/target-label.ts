// The `target` label of a series: `adapter:model`, never the base URL (it may carry credentials).

/** `openai-compatible:llama3@http://u:p@host/v1` → `openai-compatible:llama3`; as in adapters/target.ts only `@scheme://` starts a URL. */
export function targetLabelOf(spec: string): string {
  const urlStart = spec.search(/@[a-zA-Z][a-zA-Z0-9+.-]*:\/\//)
  return (urlStart === -1 ? spec : spec.slice(0, urlStart)).trim()
}
