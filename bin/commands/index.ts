// Registers every subcommand. Each command module exports `register(program, setExitCode)`; only
// this file imports the commands, and they import no command (shared code: ../cli-helpers.ts,
// ../run-options.ts, ../exit-codes.ts).
import type { Command } from 'commander'
import type { SetExitCode } from '../exit-codes.js'
import { register as registerCompare } from './compare.js'
import { register as registerDrill } from './drill.js'
import { register as registerExport } from './export.js'
import { register as registerForecast } from './forecast.js'
import { register as registerK6 } from './k6.js'
import { register as registerMerge } from './merge.js'
import { register as registerMock } from './mock.js'
import { register as registerProbe } from './probe.js'
import { register as registerProxy } from './proxy.js'
import { register as registerRun } from './run.js'
import { register as registerSweep } from './sweep.js'
import { getTrafficCommand, register as registerTraffic } from './traffic.js'
import { registerMutate } from './traffic-mutate.js'
import { registerFromFiles } from './traffic-from-files.js'

export function registerCommands(program: Command, setExitCode: SetExitCode): void {
  registerRun(program, setExitCode)
  registerCompare(program, setExitCode)
  registerDrill(program, setExitCode)
  registerSweep(program, setExitCode)
  registerForecast(program, setExitCode)
  registerTraffic(program, setExitCode)
  registerMutate(getTrafficCommand(program), setExitCode)
  registerFromFiles(getTrafficCommand(program), setExitCode)
  registerMock(program, setExitCode)
  registerProxy(program, setExitCode)
  registerProbe(program, setExitCode)
  registerK6(program, setExitCode)
  registerMerge(program, setExitCode)
  registerExport(program, setExitCode)
}
