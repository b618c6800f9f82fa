// Small helpers shared by CLI commands: number parsing with one-line errors, signals, prompts.
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
export function createProgressPrinter(render: () => string, options: { plainEveryMs?: number } = {}): { update(): void; done(): void } {
  const tty = process.stderr.isTTY === true
  let lastPlain = 0
  const plainEveryMs = options.plainEveryMs ?? 5_000
  return {
    update() {
      if (tty) {
        process.stderr.write(`\r\x1b[2K${render().slice(0, (process.stderr.columns ?? 200) - 1)}`)
        return
      }
      const now = Date.now()
      if (now - lastPlain >= plainEveryMs) {
        lastPlain = now
        process.stderr.write(`${render()}\n`)
      }
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[2K')
    },
  }
}
