// Which tokenizer family counts a model's tokens: tokens of different families are not comparable.
import { encodingForModel, isExactEncoding } from '../../core/tokens.js'

/**
 * A tokenizer family for a model name. OpenAI models are counted exactly (tiktoken); other
 * vendors' tokenizers are their own, named by vendor, so two targets of different families
 * count the same text as different numbers of tokens.
 */
export function tokenizerFamily(model: string): string {
  // A provider prefix (`openai/gpt-4o-mini`, `groq/llama-3.3-70b`) says who bills, not who tokenizes.
  const bare = model.replace(/^[a-z0-9_-]+\//i, '')
  if (isExactEncoding(bare)) return `openai ${encodingForModel(bare)}`
  const name = bare.toLowerCase()
  const families: [RegExp, string][] = [
    [/claude/, 'anthropic'],
    [/gemini|gemma/, 'google'],
    [/llama/, 'meta llama'],
    [/mistral|mixtral|codestral|ministral/, 'mistral'],
    [/qwen/, 'qwen'],
    [/deepseek/, 'deepseek'],
    [/phi-/, 'microsoft phi'],
    [/command/, 'cohere'],
  ]
  for (const [pattern, family] of families) if (pattern.test(name)) return family
  return `unknown (${model})`
}
