// Task-like text for prompt synthesis: templates with `<<slot>>` holes and their vocabularies.
//
// Every template is one line ending in "\n". prompts.ts checks, once per encoding, that each
// join between a literal and a slot value falls on a tiktoken pre-tokenizer boundary, so the
// token count of a rendered line is the sum of its pieces' counts (see prompts.ts).
//
// One file a task in prompt-texts/ (extract-table has two table kinds); the shapes are in
// prompt-texts/types.ts, the shared vocabularies in prompt-texts/vocabulary.ts.
import { chatText } from './prompt-texts/chat.js'
import { codeAssistText } from './prompt-texts/code-assist.js'
import { invoicesText, shipmentsText } from './prompt-texts/extract-table.js'
import { ragAnswerText } from './prompt-texts/rag-answer.js'
import { summarizeDocumentText } from './prompt-texts/summarize-document.js'
import type { TaskText } from './prompt-texts/types.js'
import { writeEmailText } from './prompt-texts/write-email.js'

export type { BodyFactory, LineSpec, TaskText } from './prompt-texts/types.js'

/** Text for each task (extraction has two table kinds, chosen by the prompt seed). */
export const TASK_TEXTS: Record<string, TaskText> = {
  'summarize-document': summarizeDocumentText,
  'write-email': writeEmailText,
  chat: chatText,
  'rag-answer': ragAnswerText,
  'extract-table/invoices': invoicesText,
  'extract-table/shipments': shipmentsText,
  'code-assist': codeAssistText,
}

