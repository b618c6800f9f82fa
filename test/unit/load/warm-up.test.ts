// The pre-run client warm-up talks only to its own loopback server, finishes quickly and leaves
// nothing open behind it (no server, no sockets keeping the process alive).
import { describe, expect, it } from 'vitest'
import { warmHttpClient } from '../../../load/warm-up.js'

describe('warmHttpClient', () => {
  it('completes its rounds and closes its server and connections', async () => {
    const handlesBefore = process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap' || kind === 'TCPSocketWrap').length
    const ms = await warmHttpClient(2, 3)
    expect(ms).toBeGreaterThan(0)
    expect(ms).toBeLessThan(5_000)
    // Closed sockets are released on the next turns.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const handlesAfter = process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap' || kind === 'TCPSocketWrap').length
    expect(handlesAfter).toBeLessThanOrEqual(handlesBefore)
  })
})
