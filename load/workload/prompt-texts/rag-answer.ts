// Text for `rag-answer`: numbered policy passages retrieved for an employee's question.
import type { LineSpec, TaskText } from './types.js'
import { AMOUNTS, CITIES, COUNTS, DAYS, FILLER_WORDS, MONTHS, range } from './vocabulary.js'

const SMALL_AMOUNTS = ['EUR 150', 'USD 200', 'GBP 250', 'EUR 500', 'USD 1,000', 'CHF 2,500']

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

export const ragAnswerText: TaskText = {
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
