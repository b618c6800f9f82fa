// Registers every subcommand. Each command module exports `register(program, setExitCode)`.
import type { Command } from 'commander'

export type SetExitCode = (code: number) => void

export function registerCommands(program: Command, setExitCode: SetExitCode): void {
  void program
  void setExitCode
}
