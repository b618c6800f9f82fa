// Every benchmark party (mock, proxy, engine, peers) runs in its own process, so each one's CPU
// is its own: roles are forked from this same bundle (`--role NAME`) and talk over IPC.
//
//   orchestrator ──fork──► server role (mock, proxy, upstream)  ◄─ {stats} ─► {stats, cpu}
//                └─fork──► client role (engine, autocannon, raw)  ─► {result}  then exit
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BUNDLE_PATH = fileURLToPath(import.meta.url)

/** CPU seconds (user + system) from `process.cpuUsage()` microseconds. */
export function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6
}

export interface ServerStats {
  /** Whatever the server reports (mock stats, proxy stats). */
  stats: unknown
  /** CPU seconds the server process used since it started. */
  cpuS: number
  rssMb: number
}

export interface ServerHandle {
  readonly url: string
  readonly pid: number
  stats(): Promise<ServerStats>
  stop(): Promise<void>
}

/**
 * `--cpu-prof` for the roles named in BENCH_CPU_PROF (comma list), into bench/results/tmp/; node
 * flags from BENCH_EXEC_ARGV (space-separated, e.g. `--expose-gc`) for every role.
 */
function execArgvFor(role: string): string[] {
  const wanted = (process.env['BENCH_CPU_PROF'] ?? '').split(',').map((name) => name.trim())
  const extra = (process.env['BENCH_EXEC_ARGV'] ?? '').split(' ').filter((flag) => flag !== '')
  return [...extra, ...(wanted.includes(role) ? ['--cpu-prof', '--cpu-prof-dir', 'bench/results/tmp'] : [])]
}

function forkChild(role: string, options: unknown): ChildProcess {
  return fork(BUNDLE_PATH, ['--role', role, JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: execArgvFor(role),
    // Client roles read the ground truth from their own figures; nothing should colour them.
    env: { ...process.env, NODE_OPTIONS: '' },
  })
}

interface Message {
  type: string
  [key: string]: unknown
}

/** Starts a server role and resolves once it reports its URL. */
export function startServerRole(role: string, options: unknown): Promise<ServerHandle> {
  const child = forkChild(role, options)
  const waiting: ((message: Message) => void)[] = []
  child.on('message', (raw) => {
    const message = raw as Message
    if (message.type === 'stats') waiting.shift()?.(message)
  })
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`${role} exited with ${code} before it was ready`))
    child.once('exit', onExit)
    child.once('error', reject)
    child.on('message', (raw) => {
      const message = raw as Message
      if (message.type !== 'ready') return
      child.off('exit', onExit)
      resolve({
        url: message['url'] as string,
        pid: child.pid ?? -1,
        stats: () =>
          new Promise((resolveStats) => {
            waiting.push((reply) => resolveStats({ stats: reply['stats'], cpuS: reply['cpuS'] as number, rssMb: reply['rssMb'] as number }))
            child.send({ type: 'stats' })
          }),
        stop: () =>
          new Promise<void>((resolveStop) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolveStop()
            const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000)
            child.once('exit', () => {
              clearTimeout(killTimer)
              resolveStop()
            })
            child.send({ type: 'stop' })
          }),
      })
    })
  })
}

/** Runs a client role to completion and returns the result it sends; its progress lines go to `onProgress`. */
export function runClientRole<T>(role: string, options: unknown, timeoutMs: number, onProgress?: (line: string) => void): Promise<T> {
  return awaitResult<T>(forkChild(role, options), role, timeoutMs, onProgress)
}

/**
 * The same for a script bundled on its own (`buildStandaloneScript`, not a role of this bundle), to
 * measure its memory without the bench's other sections; BENCH_EXEC_ARGV applies to it as `name`.
 */
export function runClientScript<T>(path: string, args: readonly string[], timeoutMs: number, onProgress?: (line: string) => void): Promise<T> {
  const name = basename(path, '.mjs')
  const child = fork(path, [...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: execArgvFor(name), env: { ...process.env, NODE_OPTIONS: '' } })
  return awaitResult<T>(child, name, timeoutMs, onProgress)
}

/**
 * bench/NAME.ts bundled alone into a folder beside the bench bundle (so its packages resolve from
 * node_modules), split at dynamic imports: what the engine imports only when a run needs it stays
 * unloaded, as in dist/.
 */
export async function buildStandaloneScript(name: string): Promise<string> {
  const outdir = join(dirname(BUNDLE_PATH), name)
  // Imported here, not at the top: every role process loads this bundle, and esbuild would add to their memory.
  const { build } = await import('esbuild')
  await build({ entryPoints: [resolve('bench', `${name}.ts`)], bundle: true, splitting: true, platform: 'node', format: 'esm', packages: 'external', outdir, outExtension: { '.js': '.mjs' }, logLevel: 'warning' })
  return join(outdir, `${name}.mjs`)
}

function awaitResult<T>(child: ChildProcess, name: string, timeoutMs: number, onProgress?: (line: string) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let result: T | undefined
    let received = false
    const killTimer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${name} did not finish within ${Math.round(timeoutMs / 1000)} s`))
    }, timeoutMs)
    child.on('message', (raw) => {
      const message = raw as Message
      if (message.type === 'result') {
        result = message['result'] as T
        received = true
      } else if (message.type === 'progress') onProgress?.(String(message['line']))
    })
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(killTimer)
      if (received) resolve(result as T)
      else reject(new Error(`${name} exited with ${code} without a result`))
    })
  })
}

/** In a server role: report readiness, answer stats requests, stop on request or disconnect. */
export function serveRole(url: string, stats: () => unknown, close: () => Promise<void>): void {
  const send = (message: Message): void => {
    process.send?.(message)
  }
  let closing = false
  const shutdown = async (): Promise<void> => {
    if (closing) return
    closing = true
    await close().catch(() => undefined)
    process.exit(0)
  }
  process.on('message', (raw) => {
    const message = raw as Message
    if (message.type === 'stats') {
      send({ type: 'stats', stats: stats(), cpuS: cpuSeconds(process.cpuUsage()), rssMb: process.memoryUsage().rss / 2 ** 20 })
    } else if (message.type === 'stop') void shutdown()
  })
  process.on('disconnect', () => void shutdown())
  process.on('SIGTERM', () => void shutdown())
  process.on('SIGINT', () => void shutdown())
  // Started by hand (no IPC): say where it listens, as `gauntlet mock` does.
  if (process.send === undefined) process.stdout.write(`listening on ${url}\n`)
  send({ type: 'ready', url })
}

/** In a client role: a progress line for the orchestrator's log. */
export function sendProgress(line: string): void {
  process.send?.({ type: 'progress', line })
}

/** In a client role: hand the result to the orchestrator, then exit. */
export function sendResult(result: unknown): void {
  if (process.send === undefined) {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    process.exit(0)
  }
  process.send({ type: 'result', result }, () => process.exit(0))
}

export interface TimedCommand {
  code: number | null
  stdout: string
  stderr: string
  /** User + system CPU seconds of the command, from /usr/bin/time; undefined without it. */
  cpuS: number | undefined
  wallS: number
}

const TIME_BINARY = '/usr/bin/time'
const TIME_MARK = 'GAUNTLET_TIME'

export function hasBinary(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    // Missing or not executable: the caller skips what needs it and says so.
    return false
  }
}

/** Finds an executable on PATH (no shell). */
export function whichBinary(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (dir !== '' && hasBinary(`${dir}/${name}`)) return `${dir}/${name}`
  }
  return undefined
}

/** Runs an external program, measuring its CPU with /usr/bin/time when that exists. */
export function runTimed(command: string, args: readonly string[], timeoutMs: number): Promise<TimedCommand> {
  const timed = hasBinary(TIME_BINARY)
  const file = timed ? TIME_BINARY : command
  const argv = timed ? ['-f', `${TIME_MARK} %U %S`, command, ...args] : [...args]
  const startedAt = performance.now()
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  return new Promise((resolve, reject) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(killTimer)
      const match = new RegExp(`${TIME_MARK} ([\\d.]+) ([\\d.]+)`).exec(stderr)
      resolve({
        code,
        stdout,
        stderr: stderr.replace(/GAUNTLET_TIME [^\n]*\n?/, ''),
        cpuS: match === null ? undefined : Number(match[1]) + Number(match[2]),
        wallS: (performance.now() - startedAt) / 1000,
      })
    })
  })
}

export interface MachineInfo {
  node: string
  platform: string
  cpuModel: string
  cores: number
  memoryGb: number
  /** 1-minute load average when the section started (other work on the machine). */
  loadAverage: number
}

export function machineInfo(): MachineInfo {
  const list = cpus()
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  }
}
