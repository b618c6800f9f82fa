// Headless Chromium for report tests: Debian's `chromium` driven by playwright-core, with
// every background service off (the machine has no internet) and every non-file request
// blocked and recorded, so a report that tries to fetch anything fails its test. Also the setup
// the report browser tests share: a browser and a temporary folder per suite, where screenshots
// go, and what a drawn chart looks like.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'

/** Override with GAUNTLET_CHROMIUM=/path/to/chrome. */
export const CHROMIUM_PATH = process.env['GAUNTLET_CHROMIUM'] ?? '/usr/bin/chromium'

export const CHROMIUM_MISSING = `${CHROMIUM_PATH} not found: install it with \`apt-get install -y chromium\` (Debian) or set GAUNTLET_CHROMIUM`

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH)
}

/** Whether Chromium is there; if not, warns that `suite` is skipped and how to install it. */
export function chromiumForSuite(suite: string): boolean {
  const available = chromiumAvailable()
  if (!available) console.warn(`skipping ${suite}: ${CHROMIUM_MISSING}`)
  return available
}

/** A describe title that says why the suite is skipped when Chromium is missing. */
export function browserSuiteTitle(title: string, available: boolean): string {
  return `${title}${available ? '' : ` (skipped: ${CHROMIUM_MISSING})`}`
}

/** Where browser tests save their screenshots: test/output. */
export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'output')

/** Set by the report's script once every chart is built. Strings: the DOM is not in our TS lib. */
export const CHARTS_DRAWN = "document.documentElement.getAttribute('data-charts') !== null"

/** Pixels on a canvas that are clearly coloured (series, fills), not white, grey axes or text. */
export const COUNT_COLOURED = `(canvas) => {
  const context = canvas.getContext('2d')
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
  let coloured = 0
  for (let i = 0; i < data.length; i += 4) {
    const max = Math.max(data[i], data[i + 1], data[i + 2])
    const min = Math.min(data[i], data[i + 1], data[i + 2])
    if (data[i + 3] > 0 && max - min > 60) coloured++
  }
  return coloured
}`

/** Coloured pixels (COUNT_COLOURED) on the canvas of chart `id` (`#chart-<id>`). */
export async function colouredPixels(page: Page, id: string): Promise<number> {
  return (await page.evaluate(`(${COUNT_COLOURED})(document.querySelector('#chart-${id} canvas'))`)) as number
}

export interface BrowserSuite {
  /** Set in beforeAll. */
  readonly browser: Browser
  /** A fresh temporary folder for the suite's files, removed in afterAll. */
  readonly dir: string
}

/** Call inside a describe: launches Chromium and makes a temporary folder before its tests, and closes and removes both after. */
export function useBrowserSuite(tempPrefix: string): BrowserSuite {
  const suite: { browser?: Browser; dir?: string } = {}
  beforeAll(async () => {
    suite.browser = await launchChromium()
    suite.dir = await mkdtemp(join(tmpdir(), tempPrefix))
  })
  afterAll(async () => {
    await suite.browser?.close()
    if (suite.dir !== undefined) await rm(suite.dir, { recursive: true, force: true })
  })
  return {
    get browser() {
      if (suite.browser === undefined) throw new Error('the browser starts in beforeAll: use it inside a test')
      return suite.browser
    },
    get dir() {
      if (suite.dir === undefined) throw new Error('the folder is made in beforeAll: use it inside a test')
      return suite.dir
    },
  }
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
