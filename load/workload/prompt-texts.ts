// Task-like text for prompt synthesis: templates with `<<slot>>` holes and their vocabularies.
//
// Every template is one line ending in "\n". prompts.ts checks, once per encoding, that each
// join between a literal and a slot value falls on a tiktoken pre-tokenizer boundary, so the
// token count of a rendered line is the sum of its pieces' counts (see prompts.ts).
import type { Random } from '../../core/random.js'

/** One line to render: a template and optional fixed slot values (else drawn from the vocabulary). */
export interface LineSpec {
  template: string
  bindings?: Record<string, string>
}

/** Produces the body of a prompt one unit (one or more lines kept together) at a time. */
export type BodyFactory = (random: Random) => () => LineSpec[]

export interface TaskText {
  vocab: Record<string, readonly string[]>
  /** One is picked per prompt; each is a list of lines. */
  intros: readonly (readonly string[])[]
  closings: readonly (readonly string[])[]
  body: BodyFactory
  /** Every template `body` can emit, so prompts.ts can count them all before the send path. */
  templates: readonly string[]
  /** Standalone lines tried before the filler words when a whole unit no longer fits. */
  fillLines: readonly string[]
  /** Pads the last few tokens: `prefix` + single-token words + `suffix`, one line. */
  filler: { prefix: string; suffix: string; words: readonly string[] }
  /** Single-token openers for prompts too short for the full structure. */
  tinyStarts: readonly string[]
}

const FILLER_WORDS = [
  'please', 'check', 'the', 'renewal', 'date', 'with', 'legal', 'before', 'we', 'sign', 'and', 'flag', 'any',
  'open', 'points', 'for', 'finance', 'to', 'review', 'this', 'week', 'so', 'team', 'can', 'plan', 'next', 'steps',
]

const PARTIES = ['Supplier', 'Customer', 'Provider', 'Client', 'Contractor']
const DAYS = ['5', '7', '10', '14', '15', '30', '45', '60', '90']
const PERCENTS = ['1.5', '2', '3', '4', '5', '8', '10']
const SMALL_AMOUNTS = ['EUR 150', 'USD 200', 'GBP 250', 'EUR 500', 'USD 1,000', 'CHF 2,500']
const AMOUNTS = ['EUR 250,000', 'USD 1,000,000', 'GBP 500,000', 'EUR 2,000,000', 'USD 750,000', 'CHF 300,000', 'USD 5,000', 'EUR 1,200']
const CITIES = ['London', 'Frankfurt', 'Amsterdam', 'Dublin', 'Singapore', 'New York', 'Zurich', 'Toronto', 'Madrid', 'Bangalore']
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const COUNTS = ['3', '4', '5', '8', '12', '15', '20', '25', '40', '60']

function range(from: number, to: number, pad = 0): string[] {
  const values: string[] = []
  for (let i = from; i <= to; i++) values.push(String(i).padStart(pad, '0'))
  return values
}

// ---------------------------------------------------------------- summarize-document

const CLAUSES = [
  'The <<party>> shall provide the Services in accordance with the Statement of Work and the service levels set out in Schedule <<schedule>>.',
  'The Customer shall pay each undisputed invoice within <<days>> days of receipt, and late payments shall bear interest at <<percent>> percent per annum.',
  'Either party may terminate this Agreement for convenience on <<days>> days written notice to the other party.',
  'The <<party>> shall not disclose any Confidential Information of the <<other>> except to its employees and advisers who need to know it.',
  'The total liability of either party under this Agreement shall not exceed <<amount>> in any contract year.',
  'Nothing in this clause limits liability for death or personal injury caused by negligence, or for fraud.',
  'The <<party>> shall process Personal Data only on the documented instructions of the <<other>> and shall report any breach within <<hours>> hours.',
  'All Intellectual Property Rights in the Deliverables shall vest in the Customer on payment in full of the relevant Fees.',
  'The Supplier warrants that the Services will be performed with reasonable skill and care and in line with Good Industry Practice.',
  'The Supplier shall maintain professional indemnity insurance of not less than <<amount>> for the Term and <<years>> years after it.',
  'If the Supplier misses a Service Level, the Customer shall be entitled to a service credit of <<percent>> percent of the monthly Fees.',
  'Any change to the scope of the Services shall be agreed in writing through the change control procedure in Schedule <<schedule>>.',
  'The Supplier may not subcontract any part of the Services without the prior written consent of the Customer, which shall not be unreasonably withheld.',
  'Neither party shall be liable for any delay caused by events beyond its reasonable control, provided it gives notice within <<days>> days.',
  'Any dispute shall first be referred to the project managers, then to senior executives, and only then to mediation in <<city>>.',
  'This Agreement is governed by the laws of <<law>>, and the courts of <<city>> have exclusive jurisdiction.',
  'Notices shall be sent by email to the addresses in Schedule <<schedule>> and are deemed received on the next Business Day.',
  'The Customer may audit the records of the Supplier relating to the Services once in any <<months>> month period on <<days>> days notice.',
  'The Fees shall be adjusted each year on <<month>> 1 by the lower of the consumer price index and <<percent>> percent.',
  'On termination, the <<party>> shall return or destroy all materials of the <<other>> and certify that it has done so within <<days>> days.',
  'The <<party>> shall indemnify the <<other>> against all losses arising from any claim that the Deliverables infringe the rights of a third party.',
  'This Agreement is the entire agreement between the parties and supersedes all prior discussions, proposals and understandings.',
  'The Supplier shall keep the Customer Data in data centres located in <<region>> and shall not transfer it elsewhere without approval.',
  'Key Personnel named in Schedule <<schedule>> shall not be replaced during the first <<months>> months without the consent of the Customer.',
  'The <<party>> shall comply with all applicable anti-bribery laws and shall keep records of any gifts or hospitality above <<amount>>.',
  'Each party shall bear its own costs in connection with the negotiation and signature of this Agreement.',
]

const HEADINGS = [
  'DEFINITIONS', 'SCOPE OF SERVICES', 'FEES AND PAYMENT', 'TERM AND TERMINATION', 'CONFIDENTIALITY', 'DATA PROTECTION',
  'INTELLECTUAL PROPERTY', 'WARRANTIES', 'LIMITATION OF LIABILITY', 'INDEMNIFICATION', 'SERVICE LEVELS', 'CHANGE CONTROL',
  'SUBCONTRACTING', 'INSURANCE', 'AUDIT RIGHTS', 'FORCE MAJEURE', 'DISPUTE RESOLUTION', 'GOVERNING LAW', 'NOTICES', 'GENERAL',
]

const MAX_SECTION = 400

const summarize: TaskText = {
  vocab: {
    party: PARTIES, other: PARTIES, days: DAYS, percent: PERCENTS, amount: AMOUNTS, hours: ['24', '48', '72'],
    years: ['2', '3', '6'], schedule: range(1, 9), months: ['6', '12', '18', '24'], city: CITIES,
    law: ['England and Wales', 'Germany', 'the Netherlands', 'Ireland', 'Singapore', 'the State of New York', 'Switzerland'],
    region: ['the European Union', 'the United Kingdom', 'Germany', 'the United States', 'Canada'], month: MONTHS,
    sec: range(1, MAX_SECTION), sub: range(1, 9), heading: HEADINGS, limit: ['200', '250', '300', '400', '500'],
    company: ['Northwind Traders Ltd', 'Contoso GmbH', 'Fabrikam Inc', 'Tailspin Logistics BV', 'Litware Systems plc', 'Adatum Health SA', 'Woodgrove Bank NA'],
  },
  intros: [
    [
      'Summarize the agreement below for a busy executive. List the parties, the main obligations, payment terms, termination rights and the three biggest risks.\n',
      'MASTER SERVICES AGREEMENT between <<company>> and the Customer named in Schedule <<schedule>>\n',
    ],
    [
      'You are reviewing a contract for the legal team. Write a summary with the headings Parties, Scope, Fees, Liability, Termination and Open Questions.\n',
      'SERVICES AGREEMENT dated <<sub>> <<month>> 2024 between <<company>> and the Customer\n',
    ],
    [
      'Read the following services agreement and write a plain English summary of no more than <<limit>> words, then flag any unusual clauses.\n',
      'FRAMEWORK AGREEMENT FOR PROFESSIONAL SERVICES\n',
    ],
  ],
  closings: [['End of agreement. Write the summary now.\n'], ['End of document. Keep the summary factual and cite clause numbers.\n']],
  body: (random) => {
    let section = 0
    let clausesLeft = 0
    let sub = 0
    return () => {
      if (clausesLeft === 0) {
        section = (section % MAX_SECTION) + 1
        clausesLeft = 2 + random.int(5)
        sub = 0
        return [{ template: '<<sec>>. <<heading>>\n', bindings: { sec: String(section) } }]
      }
      clausesLeft--
      sub++
      const clause = random.pick(CLAUSES)
      return [{ template: `<<sec>>.<<sub>> ${clause}\n`, bindings: { sec: String(section), sub: String(Math.min(sub, 9)) } }]
    }
  },
  templates: ['<<sec>>. <<heading>>\n', ...CLAUSES.map((clause) => `<<sec>>.<<sub>> ${clause}\n`)],
  fillLines: CLAUSES.map((clause) => `${clause}\n`),
  filler: { prefix: 'Reviewer note:', suffix: '.\n', words: FILLER_WORDS },
  tinyStarts: ['Summarize', 'Summarise', 'Review'],
}

// ---------------------------------------------------------------- write-email

const PEOPLE = [
  ['Priya', 'Priya Natarajan, Finance'], ['Tom', 'Tom Becker, Procurement'], ['Ana', 'Ana Souza, Legal'],
  ['Kenji', 'Kenji Watanabe, IT Operations'], ['Fatima', 'Fatima Haddad, Sales'], ['Lukas', 'Lukas Novak, Engineering'],
  ['Grace', 'Grace Okafor, Customer Success'], ['Mateo', 'Mateo Rossi, Marketing'], ['Sara', 'Sara Lindqvist, HR'],
  ['David', 'David Cohen, Facilities'],
] as const

const EMAIL_SENTENCES = [
  'Thanks for sending the revised <<doc>> over on <<weekday>>.',
  'I have gone through the numbers and the <<metric>> still looks about <<percent>> percent higher than what we agreed at the kickoff.',
  'Can we move the review meeting to <<weekday>> at <<hour>>:<<minute>>? I am travelling until then.',
  'The client asked whether we can deliver the first milestone by <<day>> <<month>> instead of the end of the quarter.',
  'Legal has not signed off on the data processing addendum yet, so please do not share the customer list.',
  'I have attached the updated forecast; the main change is the <<metric>> for the <<city>> office.',
  'Please let me know if anything is unclear before I send this to <<first>>.',
  'We had a call with the vendor this morning and they confirmed the outage was caused by a faulty configuration change.',
  'Could you check whether purchase order PO-<<po>> has been approved? Finance says it is still pending.',
  'Just a reminder that the quarterly business review is on <<weekday>> and we still need slides for the <<doc>>.',
  'I agree with most of your points, but I think we should keep the original scope for phase one.',
  'The team is stretched this month, so I would prefer to push the training sessions to <<month>>.',
  'Happy to discuss on a quick call if that is easier.',
  'Following up on my last email, we still need your decision on the <<doc>> by <<weekday>>.',
  'Our budget for this project is capped at <<amount>>, so any extras will need a change request.',
  'Sorry for the slow reply, I was out of the office for a few days.',
  'Could you share the latest version of the <<doc>> so I can check the <<metric>> before the meeting?',
  'The steering committee wants a short status update every <<weekday>> until go-live.',
]

const email: TaskText = {
  vocab: {
    person: PEOPLE.map((p) => p[1]), first: PEOPLE.map((p) => p[0]), weekday: WEEKDAYS, day: range(1, 28), month: MONTHS,
    hour: range(7, 18, 2), minute: ['00', '05', '10', '15', '20', '30', '40', '45', '50', '55'],
    subject: ['Q3 budget review', 'Vendor contract renewal', 'Onboarding plan for new hires', 'Data migration timeline', 'Travel policy update', 'Customer escalation', 'Office move logistics'],
    doc: ['budget', 'project plan', 'statement of work', 'risk register', 'forecast', 'proposal', 'board pack'],
    metric: ['headcount cost', 'cloud spend', 'travel budget', 'licence cost', 'contractor spend', 'delivery estimate'],
    percent: PERCENTS, city: CITIES, po: range(4100, 4299), amount: AMOUNTS, limit: ['120', '150', '200', '250'],
  },
  intros: [
    ['Draft a reply to the email thread below. Keep it friendly, concise and under <<limit>> words.\n'],
    ['Read this email thread and write the next reply from me. Match the tone of the thread and confirm the next steps.\n'],
    ['Help me answer this email. Be polite but firm, and do not promise anything we have not agreed.\n'],
  ],
  closings: [
    ['Write my reply now. Confirm the new date, ask for the updated figures and keep it short.\n'],
    ['Reply as me, and end with a clear next step.\n'],
  ],
  body: (random) => {
    let first = true
    return () => {
      const from = random.int(PEOPLE.length)
      const to = (from + 1 + random.int(PEOPLE.length - 1)) % PEOPLE.length
      const sender = PEOPLE[from] as readonly [string, string]
      const recipient = PEOPLE[to] as readonly [string, string]
      const lines: LineSpec[] = []
      if (!first) lines.push({ template: '-----Original Message-----\n' })
      first = false
      lines.push({ template: 'From: <<person>>\n', bindings: { person: sender[1] } })
      lines.push({ template: 'Sent: <<weekday>>, <<day>> <<month>> 2024 <<hour>>:<<minute>>\n' })
      lines.push({ template: 'To: <<person>>\n', bindings: { person: recipient[1] } })
      lines.push({ template: 'Subject: Re: <<subject>>\n' })
      lines.push({ template: 'Hi <<first>>,\n', bindings: { first: recipient[0] } })
      const sentences = 2 + random.int(4)
      for (let i = 0; i < sentences; i++) lines.push({ template: `${random.pick(EMAIL_SENTENCES)}\n` })
      lines.push({ template: 'Best regards,\n' })
      lines.push({ template: '<<first>>\n', bindings: { first: sender[0] } })
      return lines
    }
  },
  templates: [
    '-----Original Message-----\n', 'From: <<person>>\n', 'Sent: <<weekday>>, <<day>> <<month>> 2024 <<hour>>:<<minute>>\n',
    'To: <<person>>\n', 'Subject: Re: <<subject>>\n', 'Hi <<first>>,\n', 'Best regards,\n', '<<first>>\n',
    ...EMAIL_SENTENCES.map((sentence) => `${sentence}\n`),
  ],
  fillLines: EMAIL_SENTENCES.map((sentence) => `${sentence}\n`),
  filler: { prefix: 'PS:', suffix: '.\n', words: FILLER_WORDS },
  tinyStarts: ['Draft', 'Write', 'Reply'],
}

// ---------------------------------------------------------------- chat

const TOPICS = [
  'cloud cost optimisation', 'our new expense policy', 'zero trust security', 'the quarterly forecast', 'vendor risk management',
  'customer churn', 'the hybrid work policy', 'data retention rules', 'the onboarding process', 'inventory planning',
  'performance reviews', 'incident postmortems',
]

const CHAT_SENTENCES = [
  'I am preparing a presentation on <<topic>> for the leadership team next <<weekday>>.',
  'Our team has <<count>> people and most of them work remotely from <<city>>.',
  'The current process takes about <<count>> minutes per request and people complain that it is too slow.',
  'I tried to explain it to my manager but I do not think I made the trade offs clear.',
  'We use spreadsheets for most of this today, and the numbers rarely match between teams.',
  'Last quarter we missed the target by <<percent>> percent, mostly because of late approvals.',
  'I am not an expert in this area, so please avoid jargon.',
  'The auditors asked us to document how decisions about <<topic>> are made.',
  'Some colleagues think we should buy a tool, others want to improve the process first.',
  'We have a budget of about <<amount>> for the next six months.',
  'I need to send a summary to <<count>> stakeholders by the end of the week.',
  'My previous attempt was too long and nobody read it.',
]

const chat: TaskText = {
  vocab: { topic: TOPICS, weekday: WEEKDAYS, count: COUNTS, city: CITIES, percent: PERCENTS, amount: AMOUNTS },
  intros: [['Quick question.\n'], ['I need some help with something at work.\n'], ['Hi, can you help me with this?\n']],
  closings: [
    ['Can you explain <<topic>> in simple terms and give me three practical examples?\n'],
    ['What are the main risks of <<topic>>, and how would you reduce them?\n'],
    ['How should I structure a one page summary about <<topic>> for executives?\n'],
    ['Can you suggest a short agenda for a meeting about <<topic>>?\n'],
  ],
  body: (random) => () => [{ template: `${random.pick(CHAT_SENTENCES)}\n` }],
  templates: CHAT_SENTENCES.map((sentence) => `${sentence}\n`),
  fillLines: CHAT_SENTENCES.map((sentence) => `${sentence}\n`),
  filler: { prefix: 'Also', suffix: '.\n', words: FILLER_WORDS },
  tinyStarts: ['Explain', 'What', 'How', 'Help'],
}

// ---------------------------------------------------------------- rag-answer

const POLICY_SENTENCES = [
  'Employees may work remotely up to <<count>> days per month with the approval of their line manager.',
  'Travel expenses above <<small>> require approval from the cost centre owner before booking.',
  'Laptops must be encrypted, and lost devices must be reported to the service desk within <<hours>> hours.',
  'Annual leave requests should be submitted at least <<days>> days in advance through the HR portal.',
  'Customer data may only be stored in approved systems listed in the data register.',
  'The on call engineer must acknowledge a severity one incident within <<count>> minutes.',
  'Supplier invoices are paid on net <<days>> terms unless the contract says otherwise.',
  'Contractors must complete security training before they receive access to production systems.',
  'Hotel stays are reimbursed up to <<small>> per night in <<city>>.',
  'Purchases above <<amount>> need three competing quotes and a signed purchase order.',
  'Passwords must be at least <<chars>> characters long and changed when a compromise is suspected.',
  'Parental leave is <<weeks>> weeks at full pay for employees with more than one year of service.',
  'Backups are kept for <<days>> days and restore tests are run every quarter.',
  'Gifts from suppliers worth more than <<small>> must be declared to the compliance team.',
  'Managers must complete the annual review for each direct report before the end of <<month>>.',
  'Personal data requests from customers must be answered within <<days>> days.',
  'Offices in <<city>> are open from 7 am to 8 pm on working days.',
  'Exceptions to this policy must be approved in writing by the Chief Financial Officer.',
]

const rag: TaskText = {
  vocab: {
    n: range(1, 99), doc: ['Employee Handbook', 'Travel and Expense Policy', 'Information Security Standard', 'Procurement Policy', 'Data Protection Policy', 'IT Service Catalogue', 'Leave Policy'],
    sec: range(1, 40), count: COUNTS, amount: AMOUNTS, small: SMALL_AMOUNTS, chars: ['12', '14', '16'], hours: ['4', '24', '48'], days: DAYS, city: CITIES, weeks: ['12', '16', '18', '26'], month: MONTHS,
    question: [
      'How many days per month can I work remotely', 'Do I need approval for a hotel that costs more than the limit',
      'How quickly must I report a lost laptop', 'What is the payment term for supplier invoices', 'How long is parental leave',
      'Who approves travel expenses above the limit', 'How long are backups kept', 'When do contractors get production access',
    ],
  },
  intros: [
    ['Answer the question using only the passages below. Cite passages by number in square brackets, and say you do not know if the passages do not contain the answer.\n'],
    ['You are the internal policy assistant. Use the retrieved passages to answer, quote the relevant rule and give its passage number.\n'],
  ],
  closings: [['Question: <<question>>?\n'], ['Employee question: <<question>>? Answer in at most three sentences.\n']],
  body: (random) => {
    let passage = 0
    return () => {
      passage = (passage % 99) + 1
      const lines: LineSpec[] = [{ template: '[<<n>>] <<doc>>, section <<sec>>\n', bindings: { n: String(passage) } }]
      const sentences = 2 + random.int(4)
      for (let i = 0; i < sentences; i++) lines.push({ template: `${random.pick(POLICY_SENTENCES)}\n` })
      return lines
    }
  },
  templates: ['[<<n>>] <<doc>>, section <<sec>>\n', ...POLICY_SENTENCES.map((sentence) => `${sentence}\n`)],
  fillLines: POLICY_SENTENCES.map((sentence) => `${sentence}\n`),
  filler: { prefix: 'Editor note:', suffix: '.\n', words: FILLER_WORDS },
  tinyStarts: ['Answer', 'Question', 'What'],
}

// ---------------------------------------------------------------- extract-table

const MESSY_DATES = [
  '2024-03-04', '03/04/2024', '4 Mar 2024', '2024/3/4', 'March 4th, 2024', '04.03.24', 'n/a', '2024-13-01', '12/31/2023',
  '31/12/2023', '2023-12-31T23:59', 'Jan 15 2024', '15-01-2024', '2024-02-30', 'tbc', '2024-06-01',
]
const VENDORS = [
  'Acme Corp', 'ACME Corporation', 'acme corp', 'Northwind Traders', 'Nortwind Traders Ltd', 'Contoso GmbH', 'Contoso Gmbh',
  'Fabrikam Inc', 'Fabrikam, Inc', 'Tailspin Toys', 'Tailspin  Toys', 'Litware', 'LITWARE PLC', 'Adatum', 'Woodgrove Bank',
]

const INVOICE_IDS = range(4100, 4299)
const INVOICE_ROW = 'INV-<<inv>> | <<date>> | <<vendor>> | <<money>> | <<currency>> | <<status>>\n'
const SHIPMENT_ROW = 'SHP-<<inv>> | <<date>> | <<city>> | <<city>> | <<weight>> | <<carrier>>\n'

const invoices: TaskText = {
  vocab: {
    inv: INVOICE_IDS, date: MESSY_DATES, vendor: VENDORS,
    money: ['1,250.00', '1250', 'EUR 980.50', '1.250,00', '$3,400', '-', '12 500', '980.5', '0', '-45.00', '7,000,000', '199.99', '1 234,56', 'N/A'],
    currency: ['EUR', 'USD', 'usd', 'GBP', 'eur', '-', 'CHF', 'E'],
    status: ['paid', 'PAID', 'Paid', 'overdue', 'open', 'disputed', 'pending approval', 'Pd', 'cancelled', 'unknown'],
  },
  intros: [
    [
      'Extract every row of the invoice table below as JSON matching the schema: invoice_id, date as YYYY-MM-DD, vendor, amount as a number, currency and status. Fix obvious typos and use null for missing values.\n',
      'Invoice No | Date | Vendor | Amount | Curr | Status\n',
    ],
  ],
  closings: [['Return only the JSON, with one object per row.\n'], ['Return only JSON. Keep duplicate rows and mark nothing as invented.\n']],
  body: (random) => () => {
    // Messy exports repeat an invoice number with conflicting fields now and then.
    const line: LineSpec = { template: INVOICE_ROW, bindings: { inv: random.pick(INVOICE_IDS) } }
    return random.chance(0.08) ? [line, line] : [line]
  },
  templates: [INVOICE_ROW],
  fillLines: [INVOICE_ROW],
  filler: { prefix: 'Comment:', suffix: '\n', words: FILLER_WORDS },
  tinyStarts: ['Extract', 'Parse', 'Convert'],
}

const shipments: TaskText = {
  vocab: {
    inv: range(4100, 4299), date: MESSY_DATES, city: [...CITIES, 'Londn', 'Frankfrut', 'amsterdam', 'SINGAPORE', 'Zuerich', 'NYC'],
    weight: ['12.5', '12,5', '1 200', '1200 kg', '0.8 t', '350 lbs', '-', '7', '88.25', '2,400.0', '??'],
    carrier: ['DHL', 'DHL Express', 'dhl', 'FedEx', 'Fed Ex', 'UPS', 'Maersk', 'MAERSK LINE', 'Kuehne Nagel', 'unknown'],
  },
  intros: [
    [
      'Extract each shipment row below as JSON matching the schema: shipment_id, ship_date as YYYY-MM-DD, origin, destination, weight_kg as a number and carrier. Correct misspelt city names and use null for unknown values.\n',
      'Shipment | Shipped | From | To | Weight | Carrier\n',
    ],
  ],
  closings: [['Return only the JSON, with one object per row.\n']],
  body: () => () => [{ template: SHIPMENT_ROW }],
  templates: [SHIPMENT_ROW],
  fillLines: [SHIPMENT_ROW],
  filler: { prefix: 'Comment:', suffix: '\n', words: FILLER_WORDS },
  tinyStarts: ['Extract', 'Parse', 'Convert'],
}

// ---------------------------------------------------------------- code-assist

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

const code: TaskText = {
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

/** Text for each task (extraction has two table kinds, chosen by the prompt seed). */
export const TASK_TEXTS: Record<string, TaskText> = {
  'summarize-document': summarize,
  'write-email': email,
  chat,
  'rag-answer': rag,
  'extract-table/invoices': invoices,
  'extract-table/shipments': shipments,
  'code-assist': code,
}
