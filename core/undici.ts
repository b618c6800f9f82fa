// undici's Agent and global dispatcher, loaded from their own modules. The package's index also
// loads fetch, WebSocket, EventSource, the cache and mock agents and the interceptors, ~9 MB of a
// small run's memory the engine never uses. Like the index, this gives every dispatcher its
// request()/stream()/pipeline()/connect()/upgrade() methods (the chaos proxy and users' adapter
// plugins call them). The paths are undici 7's (package-lock pins it); test/unit/core/undici.test.ts
// checks they are the classes the index exports, test/integration/undici-by-path.test.ts that the
// methods are there in a process that never loads the index.
import { createRequire } from 'node:module'
import type { Agent as UndiciAgent, Dispatcher } from 'undici'

const requireUndici = createRequire(import.meta.url)

const dispatcherClass = requireUndici('undici/lib/dispatcher/dispatcher.js') as { prototype: object }
// What undici's index does on load (`Object.assign(Dispatcher.prototype, api)`); doing it again is harmless.
Object.assign(dispatcherClass.prototype, requireUndici('undici/lib/api/index.js') as object)

export const Agent = requireUndici('undici/lib/dispatcher/agent.js') as typeof UndiciAgent
export type Agent = UndiciAgent

/** undici's global dispatcher (the same one `import { getGlobalDispatcher } from 'undici'` gives). */
export function getGlobalDispatcher(): Dispatcher {
  return (requireUndici('undici/lib/global.js') as { getGlobalDispatcher(): Dispatcher }).getGlobalDispatcher()
}
