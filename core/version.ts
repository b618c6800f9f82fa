// The tool's version, written into traffic headers and run records.
export const VERSION = '0.1.0'
export const GENERATOR = 'llm-gauntlet'
