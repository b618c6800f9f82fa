// Runs the built CLI (dist/bin/gauntlet.js) as a child process, as a user would.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

export const CLI = fileURLToPath(new URL('../../dist/bin/gauntlet.js', import.meta.url))

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'make build' (make test does it) before the integration tests`)
}

export function runCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; onSpawn?: (child: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {},
): Promise<CliResult> {
  assertBuilt()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
    options.onSpawn?.(child)
  })
}

/** An `onSpawn` that kills the child with `signal` once the file at `path` holds more than `lines` lines. */
export function killAfterLines(path: string, lines: number, signal: NodeJS.Signals = 'SIGKILL'): (child: ReturnType<typeof spawn>) => void {
  return (child) => {
    const timer = setInterval(async () => {
      const { readFile } = await import('node:fs/promises')
      const text = await readFile(path, 'utf8').catch(() => '')
      if (text.split('\n').filter((line) => line !== '').length > lines) {
        clearInterval(timer)
        child.kill(signal)
      }
    }, 50)
    child.on('close', () => clearInterval(timer))
  }
}

/** A usage error as users must see it: exit 2, nothing on stdout, one stderr line matching `pattern`. */
export function expectOneLine(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(2)
  expect(result.stdout).toBe('')
  const lines = result.stderr.trim().split('\n')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
}
