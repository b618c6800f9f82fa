// The plan of this export. `__GAUNTLET_PLAN__` is replaced by a JSON literal when
// load/k6/export.ts bundles the script (esbuild `define`), so the script is one file.
import type { K6Plan } from './plan.js'

declare const __GAUNTLET_PLAN__: K6Plan

export const plan: K6Plan = __GAUNTLET_PLAN__
