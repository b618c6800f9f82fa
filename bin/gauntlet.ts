#!/usr/bin/env node
// CLI entry: argv -> commands -> exit code. `main` only maps errors to exit codes.
import { setFlagsFromString } from 'node:v8'
import { Command, CommanderError } from 'commander'
import { isUserError } from '../core/errors.js'
import { VERSION } from '../core/version.js'
import { EXIT_BUG, EXIT_OK, EXIT_USAGE } from './exit-codes.js'
import { registerCommands } from './commands/index.js'

// undici's HTTP parser is WebAssembly; V8 recompiles it with its optimising tier once ~1.8 MB of
// it has run, a 30 MB, one-core burst that made a one-request run's peak RSS 134 MB (100 MB
// without). Ten times the budget still reaches the fast code within the first second of any real
// load (tens of thousands of responses a second) and spares short runs and probes the burst.
setFlagsFromString('--wasm-tiering-budget=20000000')

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
  program
    .name('gauntlet')
    .description('Chaos and load testing for LLM endpoints: enterprise traffic, faults, tail latency, spend, abandonment.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
  let exitCode = EXIT_OK
  try {
    await registerCommands(
      program,
      (code) => {
        exitCode = code
      },
      argv,
    )
    await program.parseAsync(argv)
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE
    }
    if (isUserError(error)) {
      process.stderr.write(`gauntlet: ${error.message}\n`)
      return EXIT_USAGE
    }
    process.stderr.write(`gauntlet: internal error (a bug, please report it):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return EXIT_BUG
  }
}

const code = await main(process.argv)
process.exitCode = code
