// Headless Chromium for report tests: Debian's `chromium` driven by playwright-core, with
// every background service off (the machine has no internet) and every non-file request
// blocked and recorded, so a report that tries to fetch anything fails its test.
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Override with GAUNTLET_CHROMIUM=/path/to/chrome. */
export const CHROMIUM_PATH = process.env['GAUNTLET_CHROMIUM'] ?? '/usr/bin/chromium'

export const CHROMIUM_MISSING = `${CHROMIUM_PATH} not found: install it with \`apt-get install -y chromium\` (Debian) or set GAUNTLET_CHROMIUM`

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH)
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

export interface PageProblems {
  /** console.error messages, uncaught exceptions and CSP violations. */
  errors: string[]
  /** Requests that failed to load. */
  failedRequests: string[]
  /** Requests to anything but a file: or data: URL (blocked). */
  networkRequests: string[]
}

/** Opens a local HTML file and collects every problem the page runs into. */
export async function openFile(
  browser: Browser,
  path: string,
  options: { javaScriptEnabled?: boolean; width?: number; height?: number } = {},
): Promise<{ page: Page; problems: PageProblems; close: () => Promise<void> }> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    deviceScaleFactor: 1,
  })
  const page = await context.newPage()
  const problems: PageProblems = { errors: [], failedRequests: [], networkRequests: [] }
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(message.text())
  })
  page.on('pageerror', (error) => problems.errors.push(`uncaught: ${error.message}`))
  page.on('requestfailed', (request) => problems.failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`))
  await context.route('**/*', async (route) => {
    const url = route.request().url()
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue()
    problems.networkRequests.push(url)
    return route.abort('blockedbyclient')
  })
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' })
  return { page, problems, close: () => context.close() }
}
