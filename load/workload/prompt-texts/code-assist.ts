// Text for `code-assist`: TypeScript units with planted bugs, to review or explain.
import type { TaskText } from './types.js'
import { COUNTS, FILLER_WORDS } from './vocabulary.js'

const CODE_UNITS: readonly (readonly string[])[] = [
  [
    'export async function fetchWithRetry(url: string, attempts = <<count>>): Promise<Response> {\n',
    '  for (let attempt = 0; attempt <= attempts; attempt++) {\n',
    '    const response = await fetch(url)\n',
    '    if (response.ok || response.status < 500) return response\n',
    '    await sleep(2 ** attempt * <<delay>>)\n',
    '  }\n',
    '  throw new Error(`request to ${url} failed after ${attempts} attempts`)\n',
    '}\n',
  ],
  [
    'export function invoiceTotal(lines: InvoiceLine[], taxRate = 0.<<rate>>): number {\n',
    '  let net = 0\n',
    '  for (const line of lines) net += line.quantity * line.unitPrice\n',
    '  const tax = Math.round(net * taxRate * 100) / 100\n',
    '  return Math.floor((net + tax) * 100) / 100\n',
    '}\n',
  ],
  [
    'class PriceCache {\n',
    '  private readonly entries = new Map<string, { price: number; storedAt: number }>()\n',
    '  constructor(private readonly ttlMs = <<ttl>>) {}\n',
    '  get(sku: string): number | undefined {\n',
    '    const entry = this.entries.get(sku)\n',
    '    if (entry === undefined) return undefined\n',
    '    if (Date.now() - entry.storedAt > this.ttlMs) return entry.price\n',
    '    return entry.price\n',
    '  }\n',
    '  set(sku: string, price: number): void {\n',
    '    this.entries.set(sku, { price, storedAt: Date.now() })\n',
    '  }\n',
    '}\n',
  ],
  [
    'export function toCsv(rows: Record<string, unknown>[]): string {\n',
    '  const columns = Object.keys(rows[0] ?? {})\n',
    "  const lines = [columns.join(',')]\n",
    '  for (let i = 0; i < rows.length - 1; i++) {\n',
    "    lines.push(columns.map((column) => String(rows[i]?.[column] ?? '')).join(','))\n",
    '  }\n',
    "  return lines.join('\\n')\n",
    '}\n',
  ],
  [
    'export async function handlePayment(event: PaymentEvent, store: PaymentStore): Promise<void> {\n',
    '  const existing = await store.find(event.id)\n',
    "  if (existing?.status === 'settled') return\n",
    '  await store.save({ id: event.id, amount: event.amount, status: <<status>> })\n',
    '  await notifyLedger(event)\n',
    '}\n',
  ],
  [
    'const MAX_BATCH = <<count>>\n',
    'const DEFAULT_TIMEOUT_MS = <<ttl>>\n',
  ],
  [
    'export function parseAmount(text: string): number {\n',
    "  const cleaned = text.replace(/[^0-9.,-]/g, '').replace(',', '.')\n",
    '  const value = Number.parseFloat(cleaned)\n',
    '  if (Number.isNaN(value)) throw new Error(`not an amount: ${text}`)\n',
    '  return value\n',
    '}\n',
  ],
]

const CODE_FILL_LINES = [
  'const MAX_BATCH = <<count>>\n',
  'const DEFAULT_TIMEOUT_MS = <<ttl>>\n',
  'const RETRY_DELAY_MS = <<delay>>\n',
  "  // TODO: check this against the ledger before release\n",
  "  // FIXME: rounding differs from the finance report\n",
  "  // NOTE: the upstream API returns amounts as strings\n",
  "  // keep in sync with the billing schema\n",
]

export const codeAssistText: TaskText = {
  vocab: {
    count: COUNTS, delay: ['100', '200', '250', '500', '1000'], rate: ['07', '08', '19', '2', '21'],
    ttl: ['1000', '5000', '30000', '60000', '300000'], status: ["'pending'", "'settled'", "'failed'"],
    symptom: ['the retry loop keeps going after a client error', 'totals are sometimes one cent too low', 'payments are recorded twice', 'the cache returns stale prices', 'the export skips the last row'],
  },
  intros: [
    ['Review the TypeScript module below. Users report that <<symptom>>. Find the bug, explain it in two sentences and propose a fix.\n', '```ts\n'],
    ['Here is some code from our billing service. Can you explain what it does and suggest improvements?\n', '```ts\n'],
  ],
  closings: [['```\n', 'Explain the bug first, then show the corrected code.\n'], ['```\n', 'Add unit tests for the edge cases you find.\n']],
  body: (random) => () => random.pick(CODE_UNITS).map((template) => ({ template })),
  templates: CODE_UNITS.flat(),
  fillLines: CODE_FILL_LINES,
  filler: { prefix: '  // notes:', suffix: '\n', words: FILLER_WORDS },
  tinyStarts: ['Fix', 'Refactor', 'Explain'],
}
