// Types for the xk6-sse extension (module `k6/x/sse`, github.com/phymbert/xk6-sse), as its
// README documents them: sse.open(url, params, setup) blocks until the stream closes.
declare module 'k6/x/sse' {
  export interface SseEvent {
    id: string
    name: string
    data: string
    comment?: string
  }
  /** The extension passes a Go error; its text comes from `error()`. */
  export interface SseError {
    error(): string
  }
  export interface SseClient {
    on(event: 'open', handler: () => void): void
    on(event: 'event', handler: (event: SseEvent) => void): void
    on(event: 'error', handler: (error: SseError) => void): void
    close(): void
  }
  export interface SseParams {
    method?: string
    body?: string
    headers?: Record<string, string>
    tags?: Record<string, string>
  }
  export interface SseResponse {
    url: string
    status: number
    headers: Record<string, string>
    /** Set when the connection could not be opened. */
    error: string
  }
  const sse: {
    open(url: string, params: SseParams, setup: (client: SseClient) => void): SseResponse
  }
  export default sse
}
