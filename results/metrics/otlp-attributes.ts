// The OpenTelemetry attributes of a run's figures: `adapter:model` as GenAI provider and model,
// and the `error.type` of a failed request. Pure: no SDK import, so it is tested alone.
import type { RunInfo, Sample } from '../types.js'
import { OTLP_ATTRIBUTES } from './otlp-names.js'
import { targetLabelOf } from './target-label.js'

export type OtlpAttributes = Record<string, string>

/** Our adapters' names as the GenAI convention's well-known provider values; others pass through. */
const PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  azure: 'azure.ai.openai',
}

/**
 * `openai:gpt-4o-mini` → chat / openai / gpt-4o-mini. Model names may hold `:` (Ollama `llama3:8b`).
 * `model`, when known, is the name actually requested (the mock's `exact` profile asks for `mock-exact`).
 */
export function targetAttributes(label: string, requestedModel?: string): OtlpAttributes {
  const target = targetLabelOf(label)
  const colon = target.indexOf(':')
  const adapter = colon === -1 ? target : target.slice(0, colon)
  const model = requestedModel ?? (colon === -1 ? '' : target.slice(colon + 1))
  const attributes: OtlpAttributes = {
    [OTLP_ATTRIBUTES.operation]: 'chat',
    [OTLP_ATTRIBUTES.provider]: PROVIDERS[adapter] ?? (adapter === '' ? 'unknown' : adapter),
  }
  if (model !== '') attributes[OTLP_ATTRIBUTES.model] = model
  return attributes
}

/** The attributes of a run's own target, from its config (`config.target.label` and `.model`). */
export function runTargetAttributes(run: Pick<RunInfo, 'config'>): OtlpAttributes {
  const target = run.config['target']
  const { label, model } = typeof target === 'object' && target !== null ? (target as { label?: unknown; model?: unknown }) : {}
  return targetAttributes(typeof label === 'string' ? label : 'unknown', typeof model === 'string' && model !== '' ? model : undefined)
}

/**
 * `error.type` of a final attempt that did not complete: the HTTP status (`503`, as the convention's
 * examples) or our outcome (`timeout`, `reset`, `abandoned`, ...). Undefined for `ok`.
 */
export function errorTypeOf(sample: Pick<Sample, 'outcome' | 'status'>): string | undefined {
  if (sample.outcome === 'ok') return undefined
  if (sample.outcome === 'http') return sample.status === undefined ? '_OTHER' : String(sample.status)
  return sample.outcome
}
