// What every HTML page inlines: uPlot's browser build and stylesheet (read once from
// node_modules), and the policy that forbids any fetch.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

export interface UplotAssets {
  script: string
  style: string
}

let assets: UplotAssets | undefined

export function uplotAssets(): UplotAssets {
  if (assets === undefined) {
    const require = createRequire(import.meta.url)
    assets = {
      script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      style: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    }
  }
  return assets
}

/** Nothing may be fetched: inline scripts and styles, data: images, and nothing else. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
