// The shape of a task's text for prompt synthesis: templates with `<<slot>>` holes, their
// vocabularies, and the body factory that emits them (see ../prompt-texts.ts).
import type { Random } from '../../../core/random.js'

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
