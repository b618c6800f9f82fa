// Machine-wide TCP counters from /proc/net/netstat: a full accept queue (ListenOverflows) and
// SYN retransmits show when connection set-up, not the client, made a request late (a dropped
// SYN is retried after 1 s). Linux only; elsewhere the counters are absent.
import { readFileSync } from 'node:fs'

export interface TcpCounters {
  listenOverflows: number
  synRetransmits: number
}

/** Parses the `TcpExt:` header/value line pair of /proc/net/netstat. */
export function parseNetstat(text: string): TcpCounters | undefined {
  const lines = text.split('\n').filter((line) => line.startsWith('TcpExt:'))
  const names = lines[0]?.split(/\s+/).slice(1)
  const values = lines[1]?.split(/\s+/).slice(1).map(Number)
  if (names === undefined || values === undefined) return undefined
  const value = (name: string): number | undefined => {
    const at = names.indexOf(name)
    return at === -1 ? undefined : values[at]
  }
  const listenOverflows = value('ListenOverflows')
  const synRetransmits = value('TCPSynRetrans')
  if (listenOverflows === undefined || synRetransmits === undefined) return undefined
  return { listenOverflows, synRetransmits }
}

export function readTcpCounters(): TcpCounters | undefined {
  try {
    return parseNetstat(readFileSync('/proc/net/netstat', 'utf8'))
  } catch {
    // Not Linux: the figures that need these counters say "unknown".
    return undefined
  }
}

/** after − before, or undefined when either is unknown. */
export function tcpDelta(before: TcpCounters | undefined, after: TcpCounters | undefined): TcpCounters | undefined {
  if (before === undefined || after === undefined) return undefined
  return { listenOverflows: after.listenOverflows - before.listenOverflows, synRetransmits: after.synRetransmits - before.synRetransmits }
}
