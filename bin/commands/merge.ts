// `gauntlet merge`: segment run folders -> one summary (exact counts, merged histograms) and report.
import { mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { basename, join, resolve } from 'node:path'
import type { Command } from 'commander'
import { mergeRuns } from '../../results/merge.js'
import { writeHtmlReport } from '../../results/reports/html.js'
import { renderTerminalSummary } from '../../results/reports/terminal.js'
import { summaryMetric } from '../../results/summary-metrics.js'
import { evaluateThresholds, parseThresholds } from '../../results/thresholds.js'
import { collect } from '../cli-helpers.js'
import { EXIT_OK, EXIT_THRESHOLDS_FAILED, type SetExitCode } from '../exit-codes.js'

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('merge')
    .description('Merge run folders of segments (run --segment i/n) into one summary and report')
    .argument('<dirs...>', 'run folders to merge')
    .requiredOption('--out <dir>', 'folder for the merged summary.json and report.html')
    .option('--threshold <expr>', 'pass/fail rule, repeatable', collect)
    .action(async (dirs: string[], flags: { out: string; threshold?: string[] }) => {
      const thresholds = parseThresholds(flags.threshold ?? [])
      const out = resolve(flags.out)
      const summary = await mergeRuns(dirs.map((dir) => resolve(dir)), { runId: `merged-${basename(out)}`, name: basename(out) })
      summary.thresholds = evaluateThresholds(thresholds, (metric, stat) => summaryMetric(summary, metric, stat))
      await mkdir(out, { recursive: true })
      await writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`)
      await writeHtmlReport(summary, out)
      process.stdout.write(`${renderTerminalSummary(summary, { outDir: out, files: ['summary.json', 'report.html'] })}\n`)
      setExitCode(summary.thresholds.every((row) => row.pass) ? EXIT_OK : EXIT_THRESHOLDS_FAILED)
    })
}
