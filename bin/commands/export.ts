// `gauntlet export DIR --format csv|jsonl|prom [--out PATH]`: a run folder as files other tools read.
import type { Command } from 'commander'
import { exportRun, parseExportFormat } from '../../results/export/export-run.js'
import { EXIT_OK, type SetExitCode } from '../exit-codes.js'

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('export')
    .description('Export a run folder: records and summary tables as CSV, records as JSON lines, or final figures as Prometheus text')
    .argument('<dir>', 'run folder (records.jsonl + summary.json)')
    .requiredOption('--format <format>', 'csv, jsonl or prom')
    .option('--out <dir>', 'folder to write into (default DIR/export)')
    .action(async (dir: string, flags: { format: string; out?: string }) => {
      const format = parseExportFormat(flags.format)
      const written = await exportRun({ dir, format, ...(flags.out === undefined ? {} : { outDir: flags.out }) })
      for (const path of written) process.stdout.write(`${path}\n`)
      setExitCode(EXIT_OK)
    })
}
