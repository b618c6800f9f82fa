// `gauntlet traffic from-files`: the user's own tables (CSV/TSV/XLSX/JSON/JSONL/text) in, a
// traffic file of questions about them out, each with its expected answer, over the clean and
// the dirty version of each table (a clean.csv + dirty.csv folder, or --dirty-rate).
import type { Command } from 'commander'
import { UserError } from '../../core/errors.js'
import { DEFAULT_ENCODING } from '../../core/tokens.js'
import { VERSION } from '../../core/version.js'
import { buildTrafficFromFiles } from '../../load/files/build-traffic.js'
import { discoverInputs } from '../../load/files/discover.js'
import { createTrafficWriter } from '../../load/traffic-writer.js'
import { REPRODUCIBLE_CREATED_AT } from '../../load/workload/generate.js'
import { parseNumberFlag } from '../cli-helpers.js'
import { EXIT_OK, type SetExitCode } from '../exit-codes.js'

interface FromFilesFlags {
  out: string
  seed: string
  questionsPerFile: string
  skipBad?: boolean
  dirtyRate: string
  maxRows: string
  intervalMs: string
  maxOutputTokens: string
}

/** Adds `from-files` under the `traffic` command. */
export function registerFromFiles(trafficCommand: Command, setExitCode: SetExitCode): void {
  trafficCommand
    .command('from-files')
    .description('Questions with known answers over your own tables (CSV, TSV, XLSX, JSON, JSONL, text), clean vs dirty')
    .argument('<paths...>', 'folders or files; a folder holding clean.<ext> and dirty.<ext> is asked as a pair')
    .requiredOption('--out <file>', 'traffic file (JSONL) to write')
    .option('--seed <n>', 'seed of every draw (same seed and files, same output)', '1')
    .option('--questions-per-file <k>', 'questions per table: look-ups, then one row count', '5')
    .option('--skip-bad', 'warn about unreadable files and go on without them')
    .option('--dirty-rate <r>', 'single files: also ask over a copy with this share of cells dirtied (typos, mixed dates, mojibake)', '0')
    .option('--max-rows <n>', 'rows of the table embedded per question', '25')
    .option('--interval-ms <ms>', 'gap between requests in the traffic', '20')
    .option('--max-output-tokens <n>', 'answer length cap per request', '64')
    .action(async (paths: string[], flags: FromFilesFlags) => {
      const seed = parseNumberFlag('--seed', flags.seed, { min: 0, max: 0xffffffff, integer: true })
      const options = {
        seed,
        questionsPerFile: parseNumberFlag('--questions-per-file', flags.questionsPerFile, { min: 1, integer: true }),
        dirtyRate: parseNumberFlag('--dirty-rate', flags.dirtyRate, { min: 0, max: 1 }),
        maxRows: parseNumberFlag('--max-rows', flags.maxRows, { min: 1, integer: true }),
        intervalMs: parseNumberFlag('--interval-ms', flags.intervalMs, { min: 0 }),
        maxOutputTokens: parseNumberFlag('--max-output-tokens', flags.maxOutputTokens, { min: 1, integer: true }),
        encoding: DEFAULT_ENCODING,
        skipBad: flags.skipBad === true,
        warn: (line: string) => process.stderr.write(`${line}\n`),
      }
      const inputs = await discoverInputs(paths)
      const built = await buildTrafficFromFiles(inputs, options)
      if (built.requests.length === 0) {
        throw new UserError('USAGE_INVALID', `traffic from-files: no questions could be built from ${paths.join(' ')} (${built.skipped.length} file(s) skipped); give readable tables`)
      }
      const writer = createTrafficWriter(flags.out, {
        type: 'header',
        schemaVersion: 1,
        generator: 'gauntlet traffic from-files',
        generatorVersion: VERSION,
        seed,
        source: `files:${built.tables.map((table) => table.source).join(',')}`,
        createdAt: REPRODUCIBLE_CREATED_AT,
        encoding: DEFAULT_ENCODING,
        parameters: {
          questionsPerFile: options.questionsPerFile,
          dirtyRate: options.dirtyRate,
          maxRows: options.maxRows,
          tables: built.tables,
          ...(built.skipped.length === 0 ? {} : { skipped: built.skipped }),
        },
      })
      try {
        for (const request of built.requests) await writer.write(request)
      } catch (error) {
        await writer.discard()
        throw error
      }
      await writer.close()
      const dirty = built.requests.filter((request) => request.variant === 'dirty').length
      const lines = [`traffic from-files: ${built.requests.length} requests (${built.requests.length - dirty} clean, ${dirty} dirty) from ${built.tables.length} table(s) -> ${flags.out}`]
      for (const table of built.tables) {
        lines.push(`  ${table.source}${table.dirtySource === undefined ? '' : ` + ${table.dirtySource}`}: ${table.rows} rows × ${table.columns} columns, ${table.encoding}, ${table.questions} questions`)
      }
      process.stdout.write(`${lines.join('\n')}\n`)
      setExitCode(EXIT_OK)
    })
}
