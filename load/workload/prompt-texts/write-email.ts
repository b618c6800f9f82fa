// Text for `write-email`: an email thread (headers, a few sentences each, quoted replies) to answer.
import type { LineSpec, TaskText } from './types.js'
import { AMOUNTS, CITIES, FILLER_WORDS, MONTHS, PERCENTS, range, WEEKDAYS } from './vocabulary.js'

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

export const writeEmailText: TaskText = {
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
