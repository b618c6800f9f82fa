// Shared by the memory section and its engine script.
export const MEMORY_OUTPUT_TOKENS = 16
export const SAMPLE_EVERY_MS = 500
