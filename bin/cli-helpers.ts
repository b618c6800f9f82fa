// Small helpers shared by CLI commands: number parsing with one-line errors, signals, prompts.
import type { RunProgress } from '../load/run.js'
import { renderLiveView } from '../results/reports/live-view.js'
import { renderProgressLine } from '../results/reports/terminal.js'
import { createInterface } from 'node:readline/promises'
import { UserError } from '../core/errors.js'

export function parseNumberFlag(flag: string, text: string, options: { min?: number; max?: number; integer?: boolean } = {}): number {
  const value = Number(text)
  const { min, max, integer } = options
  const bad =
    text.trim() === '' ||
    !Number.isFinite(value) ||
    (integer === true && !Number.isInteger(value)) ||
    (min !== undefined && value < min) ||
    (max !== undefined && value > max)
  if (bad) {
    const range = [min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : ''].filter((x) => x !== '').join(' and ')
    throw new UserError('USAGE_INVALID', `${flag} '${text}' must be ${integer === true ? 'a whole number' : 'a number'}${range === '' ? '' : ` ${range}`}; e.g. ${flag} ${min ?? 1}`)
  }
  return value
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/**
 * Turns the first SIGINT/SIGTERM into an abort (finish cleanly, write a partial summary);
 * a second one exits at once with 130.
 */
export function abortOnSignals(onFirst?: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const handler = (): void => {
    if (controller.signal.aborted) process.exit(130)
    onFirst?.()
    controller.abort()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    },
  }
}

export async function confirmOnTty(question: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = await rl.question(`${question} [y/N] `)
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}

/** Live progress: a line rewritten in place on a TTY, a plain line every few seconds otherwise. */
export interface ProgressStream {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

/**
 * On a TTY, `render()` (one line or several) is redrawn in place; otherwise a plain line every
 * `plainEveryMs`. `renderPlain` (default `render`) is what a non-TTY gets.
 */
export function createProgressPrinter(
  render: () => string,
  options: { plainEveryMs?: number; renderPlain?: () => string; stream?: ProgressStream } = {},
): { update(): void; done(): void } {
  const stream = options.stream ?? process.stderr
  const tty = stream.isTTY === true
  let lastPlain = 0
  let shown = 0
  const plainEveryMs = options.plainEveryMs ?? 5_000
  // Back to the first line of the block drawn last time.
  const home = (): string => (shown > 1 ? `\r\x1b[${shown - 1}A` : '\r')
  return {
    update() {
      if (tty) {
        const width = (stream.columns ?? 200) - 1
        const lines = render().split('\n').map((line) => line.slice(0, width))
        stream.write(`${home()}${lines.map((line) => `\x1b[2K${line}`).join('\n')}\x1b[J`)
        shown = lines.length
        return
      }
      const now = Date.now()
      if (now - lastPlain >= plainEveryMs) {
        lastPlain = now
        stream.write(`${(options.renderPlain ?? render)()}\n`)
      }
    },
    done() {
      if (tty && shown > 0) stream.write(`${home()}\x1b[J`)
      shown = 0
    },
  }
}

/**
 * What every long-running command (run, compare, drill) wires the same way: live progress,
 * log lines that do not tear the progress line, and Ctrl-C turned into a clean stop.
 */
export interface CliRunChrome {
  /** Redraw the progress line (call from onProgress). */
  progress(): void
  /** Print a line to stderr above the progress line. */
  log(line: string): void
  /** Aborted by the first SIGINT/SIGTERM. */
  readonly signal: AbortSignal
  /** Clear the progress line before printing results. */
  done(): void
  /** Stop listening for signals. */
  dispose(): void
}

export function createCliRunChrome(
  render: () => string,
  interruptedMessage: string,
  stderr: { write(text: string): unknown } = process.stderr,
  /** What a non-TTY prints (one line); `render` is then the TTY's live view. */
  renderPlain?: () => string,
): CliRunChrome {
  const printer = createProgressPrinter(render, renderPlain === undefined ? {} : { renderPlain })
  const signals = abortOnSignals(() => {
    printer.done()
    stderr.write(`${interruptedMessage} (Ctrl-C again to quit at once)\n`)
  })
  return {
    progress: () => printer.update(),
    log(line) {
      printer.done()
      stderr.write(`${line}\n`)
    },
    signal: signals.signal,
    done: () => printer.done(),
    dispose: () => signals.dispose(),
  }
}

/**
 * The chrome of `run` and `drill`: the live view on a TTY, a plain line every 5 s otherwise, and
 * the progress callback to hand to the run (undefined with --quiet).
 */
export function createLiveRunChrome(interruptedMessage: string, quiet: boolean): { chrome: CliRunChrome; onProgress: ((progress: RunProgress) => void) | undefined } {
  let latest: RunProgress | undefined
  const chrome = createCliRunChrome(
    () => (latest === undefined ? '' : renderLiveView(latest)),
    interruptedMessage,
    process.stderr,
    () => (latest === undefined ? '' : renderProgressLine(latest)),
  )
  const onProgress = quiet
    ? undefined
    : (progress: RunProgress): void => {
        latest = progress
        chrome.progress()
      }
  return { chrome, onProgress }
}
