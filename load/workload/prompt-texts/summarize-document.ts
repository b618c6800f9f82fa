// Text for `summarize-document`: a services agreement of numbered sections and clauses, to summarise.
import type { TaskText } from './types.js'
import { AMOUNTS, CITIES, DAYS, FILLER_WORDS, MONTHS, PERCENTS, range } from './vocabulary.js'

const PARTIES = ['Supplier', 'Customer', 'Provider', 'Client', 'Contractor']

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

export const summarizeDocumentText: TaskText = {
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
