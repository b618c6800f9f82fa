// The curated model list build-prices.ts turns into prices.json: our key, and where each source keeps it.

export type SourceName = 'litellm' | 'genai-prices'

export interface CuratedModel {
  /** Our table key: the id the vendor's API takes; hosted open-weight models get a `<host>/` prefix. */
  key: string
  provider: string
  /** Key in LiteLLM's model_prices_and_context_window.json. */
  litellm?: string
  /** `<provider id>:<model id>` in genai-prices' data.json. */
  genai?: string
  /** Other API ids billed at this price (date suffixes and `-latest` are stripped by the lookup). */
  aliases?: string[]
  /** Which source wins when both pass the bounds but disagree (default: genai-prices, the newer snapshot). */
  prefer?: SourceName
  /** Why the entry is special, kept in the table. */
  note?: string
}

const openai: CuratedModel[] = [
  { key: 'gpt-3.5-turbo', provider: 'openai', litellm: 'gpt-3.5-turbo', genai: 'openai:gpt-3.5-turbo', aliases: ['gpt-3.5-turbo-0125', 'gpt-35-turbo'] },
  { key: 'gpt-4', provider: 'openai', litellm: 'gpt-4', genai: 'openai:gpt-4', aliases: ['gpt-4-0613', 'gpt-4-0314'] },
  { key: 'gpt-4-turbo', provider: 'openai', litellm: 'gpt-4-turbo', genai: 'openai:gpt-4-turbo', aliases: ['gpt-4-turbo-preview', 'gpt-4-0125-preview', 'gpt-4-1106-preview'] },
  { key: 'gpt-4o', provider: 'openai', litellm: 'gpt-4o', genai: 'openai:gpt-4o' },
  {
    key: 'gpt-4o-2024-05-13',
    provider: 'openai',
    litellm: 'gpt-4o-2024-05-13',
    note: 'the first gpt-4o snapshot keeps its launch price; genai-prices folds it into gpt-4o, LiteLLM keeps it apart',
  },
  { key: 'chatgpt-4o-latest', provider: 'openai', litellm: 'chatgpt-4o-latest', genai: 'openai:chatgpt-4o-latest' },
  { key: 'gpt-4o-mini', provider: 'openai', litellm: 'gpt-4o-mini', genai: 'openai:gpt-4o-mini' },
  { key: 'gpt-4.1', provider: 'openai', litellm: 'gpt-4.1', genai: 'openai:gpt-4.1' },
  { key: 'gpt-4.1-mini', provider: 'openai', litellm: 'gpt-4.1-mini', genai: 'openai:gpt-4.1-mini' },
  { key: 'gpt-4.1-nano', provider: 'openai', litellm: 'gpt-4.1-nano', genai: 'openai:gpt-4.1-nano' },
  { key: 'o1', provider: 'openai', litellm: 'o1', genai: 'openai:o1', aliases: ['o1-preview'] },
  { key: 'o1-mini', provider: 'openai', litellm: 'o1-mini', genai: 'openai:o1-mini' },
  { key: 'o1-pro', provider: 'openai', litellm: 'o1-pro', genai: 'openai:o1-pro' },
  { key: 'o3', provider: 'openai', litellm: 'o3', genai: 'openai:o3' },
  { key: 'o3-mini', provider: 'openai', litellm: 'o3-mini', genai: 'openai:o3-mini' },
  { key: 'o3-pro', provider: 'openai', litellm: 'o3-pro', genai: 'openai:o3-pro' },
  { key: 'o4-mini', provider: 'openai', litellm: 'o4-mini', genai: 'openai:o4-mini' },
  { key: 'gpt-5', provider: 'openai', litellm: 'gpt-5', genai: 'openai:gpt-5', aliases: ['gpt-5-chat'] },
  { key: 'gpt-5-mini', provider: 'openai', litellm: 'gpt-5-mini', genai: 'openai:gpt-5-mini' },
  { key: 'gpt-5-nano', provider: 'openai', litellm: 'gpt-5-nano', genai: 'openai:gpt-5-nano' },
  { key: 'gpt-5-pro', provider: 'openai', litellm: 'gpt-5-pro', genai: 'openai:gpt-5-pro' },
  { key: 'gpt-5.1', provider: 'openai', genai: 'openai:gpt-5.1', aliases: ['gpt-5.1-chat'] },
  { key: 'gpt-5.2', provider: 'openai', genai: 'openai:gpt-5.2', aliases: ['gpt-5.2-chat'] },
  { key: 'gpt-5.2-pro', provider: 'openai', genai: 'openai:gpt-5.2-pro' },
  { key: 'gpt-5.4', provider: 'openai', genai: 'openai:gpt-5.4' },
  { key: 'gpt-5.4-mini', provider: 'openai', genai: 'openai:gpt-5.4-mini' },
  { key: 'gpt-5.4-nano', provider: 'openai', genai: 'openai:gpt-5.4-nano' },
  { key: 'gpt-5.5', provider: 'openai', genai: 'openai:gpt-5.5' },
]

const anthropic: CuratedModel[] = [
  { key: 'claude-3-haiku', provider: 'anthropic', litellm: 'claude-3-haiku-20240307', genai: 'anthropic:claude-3-haiku' },
  { key: 'claude-3-opus', provider: 'anthropic', litellm: 'claude-3-opus-20240229', genai: 'anthropic:claude-3-opus-latest' },
  { key: 'claude-3-5-haiku', provider: 'anthropic', litellm: 'claude-3-5-haiku-20241022', genai: 'anthropic:claude-3-5-haiku-latest' },
  { key: 'claude-3-5-sonnet', provider: 'anthropic', litellm: 'claude-3-5-sonnet-20241022', genai: 'anthropic:claude-3-5-sonnet' },
  { key: 'claude-3-7-sonnet', provider: 'anthropic', litellm: 'claude-3-7-sonnet-20250219', genai: 'anthropic:claude-3-7-sonnet-latest' },
  { key: 'claude-sonnet-4', provider: 'anthropic', litellm: 'claude-sonnet-4-20250514', genai: 'anthropic:claude-sonnet-4-0', aliases: ['claude-sonnet-4-0', 'claude-4-sonnet'] },
  { key: 'claude-opus-4', provider: 'anthropic', litellm: 'claude-opus-4-20250514', genai: 'anthropic:claude-opus-4-0', aliases: ['claude-opus-4-0', 'claude-4-opus'] },
  { key: 'claude-opus-4-1', provider: 'anthropic', litellm: 'claude-opus-4-1-20250805', genai: 'anthropic:claude-opus-4-1' },
  { key: 'claude-sonnet-4-5', provider: 'anthropic', litellm: 'claude-sonnet-4-5-20250929', genai: 'anthropic:claude-sonnet-4-5' },
  { key: 'claude-haiku-4-5', provider: 'anthropic', litellm: 'claude-haiku-4-5-20251001', genai: 'anthropic:claude-haiku-4-5' },
  { key: 'claude-opus-4-5', provider: 'anthropic', genai: 'anthropic:claude-opus-4-5' },
  { key: 'claude-opus-4-6', provider: 'anthropic', genai: 'anthropic:claude-opus-4-6' },
  { key: 'claude-sonnet-4-6', provider: 'anthropic', genai: 'anthropic:claude-sonnet-4-6' },
  { key: 'claude-opus-4-7', provider: 'anthropic', genai: 'anthropic:claude-opus-4-7' },
  { key: 'claude-opus-4-8', provider: 'anthropic', genai: 'anthropic:claude-opus-4-8' },
  { key: 'claude-sonnet-5', provider: 'anthropic', genai: 'anthropic:claude-sonnet-5' },
  { key: 'claude-opus-5', provider: 'anthropic', genai: 'anthropic:claude-opus-5' },
]

const google: CuratedModel[] = [
  { key: 'gemini-1.5-flash', provider: 'google', litellm: 'gemini-1.5-flash', genai: 'google:gemini-1.5-flash', aliases: ['gemini-1.5-flash-002', 'gemini-1.5-flash-001'] },
  { key: 'gemini-1.5-pro', provider: 'google', litellm: 'gemini-1.5-pro', genai: 'google:gemini-1.5-pro', aliases: ['gemini-1.5-pro-002', 'gemini-1.5-pro-001'] },
  { key: 'gemini-2.0-flash', provider: 'google', litellm: 'gemini-2.0-flash', genai: 'google:gemini-2.0-flash', aliases: ['gemini-2.0-flash-001'] },
  { key: 'gemini-2.0-flash-lite', provider: 'google', litellm: 'gemini-2.0-flash-lite', genai: 'google:gemini-2.0-flash-lite', aliases: ['gemini-2.0-flash-lite-001'] },
  { key: 'gemini-2.5-flash', provider: 'google', litellm: 'gemini-2.5-flash', genai: 'google:gemini-2.5-flash', aliases: ['gemini-flash-latest'] },
  { key: 'gemini-2.5-flash-lite', provider: 'google', litellm: 'gemini-2.5-flash-lite', genai: 'google:gemini-2.5-flash-lite', aliases: ['gemini-flash-lite-latest'] },
  { key: 'gemini-2.5-pro', provider: 'google', litellm: 'gemini-2.5-pro', genai: 'google:gemini-2.5-pro' },
  { key: 'gemini-3-pro-preview', provider: 'google', genai: 'google:gemini-3-pro-preview' },
  { key: 'gemini-3-flash-preview', provider: 'google', genai: 'google:gemini-3-flash-preview' },
  { key: 'gemini-3.1-pro-preview', provider: 'google', genai: 'google:gemini-3.1-pro-preview' },
  { key: 'gemini-3.5-flash', provider: 'google', genai: 'google:gemini-3.5-flash' },
]

const mistral: CuratedModel[] = [
  { key: 'mistral-large', provider: 'mistral', litellm: 'mistral/mistral-large-2411', genai: 'mistral:mistral-large', aliases: ['mistral-large-2411'], note: 'mistral-large-latest is priced as Mistral Large 24.11, as both sources list it' },
  { key: 'mistral-large-2512', provider: 'mistral', genai: 'mistral:mistral-large-2512' },
  { key: 'mistral-medium', provider: 'mistral', litellm: 'mistral/mistral-medium-2505', genai: 'mistral:mistral-medium-3', aliases: ['mistral-medium-2505', 'mistral-medium-2508'], note: 'Mistral Medium 3; the retired mistral-medium-2312 (2.7/8.1) is not priced' },
  { key: 'mistral-small', provider: 'mistral', litellm: 'mistral/mistral-small-latest', genai: 'mistral:mistral-small-latest' },
  { key: 'codestral', provider: 'mistral', litellm: 'mistral/codestral-latest', genai: 'mistral:codestral', aliases: ['codestral-2501'] },
  { key: 'open-mistral-nemo', provider: 'mistral', litellm: 'mistral/open-mistral-nemo', genai: 'mistral:mistral-nemo', aliases: ['mistral-nemo', 'open-mistral-nemo-2407'] },
  { key: 'open-mixtral-8x7b', provider: 'mistral', litellm: 'mistral/open-mixtral-8x7b', genai: 'mistral:mixtral-8x7b', aliases: ['mixtral-8x7b'] },
  { key: 'open-mixtral-8x22b', provider: 'mistral', litellm: 'mistral/open-mixtral-8x22b' },
  { key: 'pixtral-large', provider: 'mistral', litellm: 'mistral/pixtral-large-2411', genai: 'mistral:pixtral-large', aliases: ['pixtral-large-2411'] },
  { key: 'magistral-medium', provider: 'mistral', litellm: 'mistral/magistral-medium-2506', genai: 'mistral:magistral-medium', aliases: ['magistral-medium-2506'] },
  { key: 'magistral-small', provider: 'mistral', litellm: 'mistral/magistral-small-2506', genai: 'mistral:magistral-small', aliases: ['magistral-small-2506'] },
]

const deepseek: CuratedModel[] = [
  { key: 'deepseek-chat', provider: 'deepseek', litellm: 'deepseek/deepseek-chat', genai: 'deepseek:deepseek-chat' },
  { key: 'deepseek-reasoner', provider: 'deepseek', litellm: 'deepseek/deepseek-reasoner', genai: 'deepseek:deepseek-reasoner' },
]

// Hosted open-weight models: the same weights cost differently per host, so each host has its own key.
const hosts: CuratedModel[] = [
  // Groq
  { key: 'groq/llama-3.1-8b-instant', provider: 'groq', litellm: 'groq/llama-3.1-8b-instant', genai: 'groq:llama-3.1-8b-instant' },
  { key: 'groq/llama-3.3-70b-versatile', provider: 'groq', litellm: 'groq/llama-3.3-70b-versatile', genai: 'groq:llama-3.3-70b-versatile' },
  { key: 'groq/llama3-8b-8192', provider: 'groq', genai: 'groq:llama3-8b-8192' },
  { key: 'groq/llama3-70b-8192', provider: 'groq', genai: 'groq:llama3-70b-8192' },
  { key: 'groq/mixtral-8x7b-32768', provider: 'groq', litellm: 'groq/mixtral-8x7b-32768', genai: 'groq:mixtral-8x7b-32768' },
  { key: 'groq/gemma2-9b-it', provider: 'groq', litellm: 'groq/gemma2-9b-it', genai: 'groq:gemma2-9b-it' },
  { key: 'groq/qwen/qwen3-32b', provider: 'groq', litellm: 'groq/qwen/qwen3-32b', genai: 'groq:qwen/qwen3-32b' },
  { key: 'groq/deepseek-r1-distill-llama-70b', provider: 'groq', litellm: 'groq/deepseek-r1-distill-llama-70b', genai: 'groq:deepseek-r1-distill-llama-70b' },
  { key: 'groq/meta-llama/llama-4-scout-17b-16e-instruct', provider: 'groq', litellm: 'groq/meta-llama/llama-4-scout-17b-16e-instruct', genai: 'groq:meta-llama/llama-4-scout-17b-16e-instruct' },
  { key: 'groq/meta-llama/llama-4-maverick-17b-128e-instruct', provider: 'groq', litellm: 'groq/meta-llama/llama-4-maverick-17b-128e-instruct', genai: 'groq:meta-llama/llama-4-maverick-17b-128e-instruct' },
  { key: 'groq/openai/gpt-oss-20b', provider: 'groq', litellm: 'groq/openai/gpt-oss-20b', genai: 'groq:openai/gpt-oss-20b' },
  { key: 'groq/openai/gpt-oss-120b', provider: 'groq', litellm: 'groq/openai/gpt-oss-120b', genai: 'groq:openai/gpt-oss-120b' },
  { key: 'groq/moonshotai/kimi-k2-instruct', provider: 'groq', litellm: 'groq/moonshotai/kimi-k2-instruct', genai: 'groq:moonshotai/kimi-k2-instruct' },
  // Together AI: genai-prices' Together list predates 2025 (no Qwen3 or DeepSeek), so LiteLLM wins conflicts.
  { key: 'together/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', provider: 'together', litellm: 'together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', genai: 'together:meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', prefer: 'litellm' },
  { key: 'together/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo', provider: 'together', litellm: 'together_ai/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo', genai: 'together:meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo', prefer: 'litellm' },
  { key: 'together/meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo', provider: 'together', litellm: 'together_ai/meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo', genai: 'together:meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo', prefer: 'litellm' },
  { key: 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo', provider: 'together', litellm: 'together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo', genai: 'together:meta-llama/Llama-3.3-70B-Instruct-Turbo', prefer: 'litellm' },
  { key: 'together/meta-llama/Meta-Llama-3-8B-Instruct-Lite', provider: 'together', genai: 'together:meta-llama/Meta-Llama-3-8B-Instruct-Lite' },
  { key: 'together/meta-llama/Meta-Llama-3-70B-Instruct-Turbo', provider: 'together', genai: 'together:meta-llama/Meta-Llama-3-70B-Instruct-Turbo' },
  { key: 'together/meta-llama/Llama-4-Scout-17B-16E-Instruct', provider: 'together', litellm: 'together_ai/meta-llama/Llama-4-Scout-17B-16E-Instruct', genai: 'together:meta-llama/Llama-4-Scout-17B-16E-Instruct', prefer: 'litellm' },
  { key: 'together/meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8', provider: 'together', litellm: 'together_ai/meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8', genai: 'together:meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8', prefer: 'litellm' },
  { key: 'together/mistralai/Mixtral-8x7B-Instruct-v0.1', provider: 'together', litellm: 'together_ai/mistralai/Mixtral-8x7B-Instruct-v0.1', genai: 'together:mistralai/Mixtral-8x7B-Instruct-v0.1', prefer: 'litellm' },
  { key: 'together/mistralai/Mixtral-8x22B-Instruct-v0.1', provider: 'together', genai: 'together:mistralai/Mixtral-8x22B-Instruct-v0.1' },
  { key: 'together/Qwen/Qwen3-235B-A22B-fp8-tput', provider: 'together', litellm: 'together_ai/Qwen/Qwen3-235B-A22B-fp8-tput' },
  { key: 'together/Qwen/Qwen3-235B-A22B-Instruct-2507-tput', provider: 'together', litellm: 'together_ai/Qwen/Qwen3-235B-A22B-Instruct-2507-tput' },
  { key: 'together/Qwen/Qwen3-Next-80B-A3B-Instruct', provider: 'together', litellm: 'together_ai/Qwen/Qwen3-Next-80B-A3B-Instruct' },
  { key: 'together/Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8', provider: 'together', litellm: 'together_ai/Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8' },
  { key: 'together/deepseek-ai/DeepSeek-V3', provider: 'together', litellm: 'together_ai/deepseek-ai/DeepSeek-V3' },
  { key: 'together/deepseek-ai/DeepSeek-R1', provider: 'together', litellm: 'together_ai/deepseek-ai/DeepSeek-R1' },
  { key: 'together/openai/gpt-oss-120b', provider: 'together', litellm: 'together_ai/openai/gpt-oss-120b' },
  { key: 'together/openai/gpt-oss-20b', provider: 'together', litellm: 'together_ai/openai/gpt-oss-20b' },
  // Fireworks
  { key: 'fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct', provider: 'fireworks', litellm: 'fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct', genai: 'fireworks:llama-v3p1-8b-instruct' },
  { key: 'fireworks/accounts/fireworks/models/llama-v3p1-405b-instruct', provider: 'fireworks', litellm: 'fireworks_ai/accounts/fireworks/models/llama-v3p1-405b-instruct' },
  { key: 'fireworks/accounts/fireworks/models/llama4-maverick-instruct-basic', provider: 'fireworks', litellm: 'fireworks_ai/accounts/fireworks/models/llama4-maverick-instruct-basic', genai: 'fireworks:llama4-maverick-instruct-basic' },
  { key: 'fireworks/accounts/fireworks/models/llama4-scout-instruct-basic', provider: 'fireworks', litellm: 'fireworks_ai/accounts/fireworks/models/llama4-scout-instruct-basic' },
  { key: 'fireworks/accounts/fireworks/models/mixtral-8x22b-instruct-hf', provider: 'fireworks', litellm: 'fireworks_ai/accounts/fireworks/models/mixtral-8x22b-instruct-hf' },
  { key: 'fireworks/accounts/fireworks/models/qwen3-235b-a22b', provider: 'fireworks', genai: 'fireworks:qwen3-235b-a22b' },
  { key: 'fireworks/accounts/fireworks/models/qwen2p5-vl-72b-instruct', provider: 'fireworks', genai: 'fireworks:qwen2p5-vl-72b-instruct' },
  { key: 'fireworks/accounts/fireworks/models/deepseek-v3-0324', provider: 'fireworks', litellm: 'fireworks_ai/accounts/fireworks/models/deepseek-v3-0324', genai: 'fireworks:deepseek-v3-0324' },
  { key: 'fireworks/accounts/fireworks/models/deepseek-r1-0528', provider: 'fireworks', litellm: 'fireworks_ai/accounts/fireworks/models/deepseek-r1-0528', genai: 'fireworks:deepseek-r1-0528' },
  { key: 'fireworks/accounts/fireworks/models/gpt-oss-120b', provider: 'fireworks', litellm: 'fireworks_ai/accounts/fireworks/models/gpt-oss-120b', genai: 'fireworks:gpt-oss-120b' },
  { key: 'fireworks/accounts/fireworks/models/gpt-oss-20b', provider: 'fireworks', litellm: 'fireworks_ai/accounts/fireworks/models/gpt-oss-20b', genai: 'fireworks:gpt-oss-20b' },
  // Amazon Bedrock (on-demand, us-east-1 list prices)
  { key: 'bedrock/meta.llama3-8b-instruct-v1:0', provider: 'bedrock', litellm: 'meta.llama3-8b-instruct-v1:0', genai: 'aws:meta.llama3-8b-instruct-v1:0' },
  { key: 'bedrock/meta.llama3-70b-instruct-v1:0', provider: 'bedrock', litellm: 'meta.llama3-70b-instruct-v1:0', genai: 'aws:meta.llama3-70b-instruct-v1:0' },
  { key: 'bedrock/meta.llama3-1-8b-instruct-v1:0', provider: 'bedrock', litellm: 'meta.llama3-1-8b-instruct-v1:0', genai: 'aws:meta.llama3-1-8b-instruct-v1:0' },
  { key: 'bedrock/meta.llama3-1-70b-instruct-v1:0', provider: 'bedrock', litellm: 'meta.llama3-1-70b-instruct-v1:0', genai: 'aws:meta.llama3-1-70b-instruct-v1:0' },
  { key: 'bedrock/meta.llama3-1-405b-instruct-v1:0', provider: 'bedrock', litellm: 'meta.llama3-1-405b-instruct-v1:0' },
  { key: 'bedrock/meta.llama3-2-11b-instruct-v1:0', provider: 'bedrock', litellm: 'meta.llama3-2-11b-instruct-v1:0', genai: 'aws:meta.llama3-2-11b-instruct-v1:0' },
  { key: 'bedrock/meta.llama3-2-90b-instruct-v1:0', provider: 'bedrock', litellm: 'meta.llama3-2-90b-instruct-v1:0', genai: 'aws:meta.llama3-2-90b-instruct-v1:0' },
  { key: 'bedrock/meta.llama3-3-70b-instruct-v1:0', provider: 'bedrock', litellm: 'meta.llama3-3-70b-instruct-v1:0', genai: 'aws:meta.llama3-3-70b-instruct-v1:0' },
  { key: 'bedrock/meta.llama4-scout-17b-instruct-v1:0', provider: 'bedrock', genai: 'aws:meta.llama4-scout-17b-instruct-v1:0' },
  { key: 'bedrock/meta.llama4-maverick-17b-instruct-v1:0', provider: 'bedrock', genai: 'aws:meta.llama4-maverick-17b-instruct-v1:0' },
  { key: 'bedrock/mistral.mixtral-8x7b-instruct-v0:1', provider: 'bedrock', litellm: 'mistral.mixtral-8x7b-instruct-v0:1', genai: 'aws:mistral.mixtral-8x7b-instruct-v0:1' },
  { key: 'bedrock/qwen.qwen3-32b-v1:0', provider: 'bedrock', litellm: 'qwen.qwen3-32b-v1:0', genai: 'aws:qwen.qwen3-32b-v1:0' },
  { key: 'bedrock/qwen.qwen3-coder-480b-a35b-v1:0', provider: 'bedrock', litellm: 'qwen.qwen3-coder-480b-a35b-v1:0', genai: 'aws:qwen.qwen3-coder-480b-a35b-v1:0' },
  { key: 'bedrock/deepseek.r1-v1:0', provider: 'bedrock', genai: 'aws:deepseek.r1-v1:0' },
  // Cerebras
  { key: 'cerebras/llama3.1-8b', provider: 'cerebras', litellm: 'cerebras/llama3.1-8b', genai: 'cerebras:llama3.1-8b' },
  { key: 'cerebras/llama-3.3-70b', provider: 'cerebras', litellm: 'cerebras/llama-3.3-70b', genai: 'cerebras:llama-3.3-70b' },
  { key: 'cerebras/qwen-3-32b', provider: 'cerebras', litellm: 'cerebras/qwen-3-32b', genai: 'cerebras:qwen-3-32b' },
  { key: 'cerebras/gpt-oss-120b', provider: 'cerebras', litellm: 'cerebras/openai/gpt-oss-120b', genai: 'cerebras:gpt-oss-120b' },
]

export const CURATED_MODELS: readonly CuratedModel[] = [...openai, ...anthropic, ...google, ...mistral, ...deepseek, ...hosts]
