// Text for `chat`: a short workplace question with some context sentences.
import type { TaskText } from './types.js'
import { AMOUNTS, CITIES, COUNTS, FILLER_WORDS, PERCENTS, WEEKDAYS } from './vocabulary.js'

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

export const chatText: TaskText = {
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
