// Registers the subcommands. Each command module exports `register(program, setExitCode)`; only
// this file imports the commands, and they import no command (shared code: ../cli-helpers.ts,
// ../run-options.ts, ../exit-codes.ts).
//
// A command's module is imported only when that command runs: `gauntlet run` loads the run's code
// and not esbuild (k6), autocannon (probe), the proxy or the drill, which kept a one-request run's
// memory at twice its own. Top-level help, an unknown word or no word at all registers every one.
import type { Command } from 'commander'
import type { SetExitCode } from '../exit-codes.js'

type Register = (program: Command, setExitCode: SetExitCode) => void

/** Command name → how to load its registration (`traffic` carries its subcommands). */
const COMMANDS: Record<string, () => Promise<Register[]>> = {
  run: async () => [(await import('./run.js')).register],
  compare: async () => [(await import('./compare.js')).register],
  drill: async () => [(await import('./drill.js')).register],
  sweep: async () => [(await import('./sweep.js')).register],
  forecast: async () => [(await import('./forecast.js')).register],
  traffic: async () => {
    const [traffic, mutate, fromFiles] = await Promise.all([import('./traffic.js'), import('./traffic-mutate.js'), import('./traffic-from-files.js')])
    return [
      traffic.register,
      (program, setExitCode) => mutate.registerMutate(traffic.getTrafficCommand(program), setExitCode),
      (program, setExitCode) => fromFiles.registerFromFiles(traffic.getTrafficCommand(program), setExitCode),
    ]
  },
  mock: async () => [(await import('./mock.js')).register],
  proxy: async () => [(await import('./proxy.js')).register],
  probe: async () => [(await import('./probe.js')).register],
  k6: async () => [(await import('./k6.js')).register],
  merge: async () => [(await import('./merge.js')).register],
  export: async () => [(await import('./export.js')).register],
}

/** Every command names itself in `program`'s help; `argv` (process.argv) picks the one to load. */
export async function registerCommands(program: Command, setExitCode: SetExitCode, argv?: readonly string[]): Promise<void> {
  const word = argv?.slice(2).find((arg) => !arg.startsWith('-'))
  const names = word !== undefined && word in COMMANDS ? [word] : Object.keys(COMMANDS)
  for (const name of names) for (const register of await (COMMANDS[name] as () => Promise<Register[]>)()) register(program, setExitCode)
}
