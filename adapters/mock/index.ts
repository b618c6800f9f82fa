// The embedded mock LLM endpoint: public surface (server factory, profiles, types, test helpers).
export { MOCK_HEADERS } from './gates.js'
export { createMockServer } from './server.js'
export { getMockProfile, MOCK_PROFILES, resolveMockProfile } from './profiles.js'
export { countInputTokens, countTextTokens } from './input-tokens.js'
export { mockText, mockTextKey } from './text.js'
export type {
  MockExactTiming,
  MockPrefixCache,
  MockProfile,
  MockProtocol,
  MockRateLimits,
  MockRequestInfo,
  MockScript,
  MockServer,
  MockServerOptions,
  MockStats,
  MockTiming,
} from './types.js'
