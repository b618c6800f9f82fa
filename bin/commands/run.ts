// `gauntlet run`: traffic x target -> run folder, terminal summary, exit code from thresholds.
import type { Command } from 'commander'
import { loadConfig } from '../../load/config.js'
import { run } from '../../load/run.js'
import { scheduleCliOptions } from '../../load/schedules/registry.js'
import { writeHtmlReport } from '../../results/reports/html.js'
import { writeJunit } from '../../results/reports/junit.js'
import { renderTerminalSummary } from '../../results/reports/terminal.js'
import { collect, confirmOnTty, createLiveRunChrome } from '../cli-helpers.js'
import { addLiveOutputOptions, prepareLiveOutputs, type LiveOutputFlags, type LiveOutputs } from '../live-outputs.js'
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_THRESHOLDS_FAILED, EXIT_WRITE_FAILED, type SetExitCode } from '../exit-codes.js'
import { applyFileSchedule } from '../file-schedule.js'
import { buildRunOptions, runShapeFlags, type RunFlags } from '../run-options.js'

export function register(program: Command, setExitCode: SetExitCode): void {
  const command = program
    .command('run')
    .description('Replay traffic against an endpoint and record tail latency, spend and abandonment')
    .option('--config <file>', 'config file (default: gauntlet.config.{ts,js,mjs,json} in the current folder)')
    .option('--traffic <file>', 'traffic file (JSONL) to replay')
    .option('--preset <name>', 'generate traffic on the fly: peak-hour, workday, weekend')
    .option('--shape <spec>', "fixed-shape traffic: 'rate=50,input=512,output=128,duration=60s[,arrivals=poisson][,users=N][,input-spread=S]' (or the flags --rate ...)")
    .option('--employees <n>', 'with --preset: workforce size')
    .option('--time-scale <k>', 'compress time by k (60: an hour in a minute)')
    .option('--window <hours>', 'with --preset: hours to keep, e.g. 9-10')
    .option('--max-requests <n>', 'stop the traffic after n requests')
    .option('--max-output-tokens <n>', 'cap every request’s output tokens (cost control, quick runs)')
    .option('--target <spec>', 'adapter:model[@baseURL], e.g. openai:gpt-4o-mini, mock:typical-cloud')
    .option('--mock <profile>', 'start the embedded mock endpoint in-process with this profile')
    .option('--threshold <expr>', "pass/fail rule, repeatable: 'ttft_ms.p95<2000'", collect)
    .option('--slo <list>', 'SLOs for goodput: ttft_ms=2000,e2e_ms=10000,tpot_ms=100')
    .option('--out <dir>', 'run folder (default results/runs/<time>-<name>)')
    .option('--resume <dir>', 'continue the killed or interrupted run in DIR: give the same flags as the first run; recorded requests are not sent again')
    .option('--max-spend <usd>', 'hard spend cap: stop new sends before it would be passed')
    .option('--retries <policy>', 'off (default), sdk (2 retries like the official SDKs), or a number')
    .option('--patience <spec>', "simulated users: 'ttft=4s,e2e=10s,sigma=0.5,quit=3/5' or 'off'")
    .option('--segment <i/n>', 'run only segment i of n of the traffic')
    .option('--chaos <file>', 'fault timeline (JSON) applied through an in-process proxy')
    .option('--max-in-flight <n>', 'open model: drop requests past this many in flight (default 2000)')
    .option('--workers <n|auto>', 'worker threads sharing the traffic by user, merged exactly (default 1; auto sizes from the traffic)')
    .option('--tokenizer <mode>', 'lazy (default: load tiktoken only if an answer lacks usage) or eager')
    .option('--max-duration <time>', 'stop sending after this long, e.g. 90s or 10m (in-flight requests get --grace to finish)')
    .option('--grace <time>', 'after --max-duration, abort requests still in flight after this long (default 30s)')
    .option('--request-timeout <time>', "total limit per attempt from its send, e.g. 2m, or 'off' (default 10m): recorded as request-timeout")
    .option('--seed <n>', 'seed for generation, patience and jitter (default 1)')
    .option('--yes', 'allow a non-loopback endpoint without asking')
    .option('--prices <file>', 'your own price table (JSON), merged over the built-in one')
    .option('--price-as <model>', 'price the run as this model')
    .option('--no-stream', 'send non-streaming requests')
    .option('--keep-itl', 'keep every inter-token gap in records.jsonl')
    .option('--records-max-mb <n>', 'past this size records.jsonl is gzipped as records-000N.jsonl.gz and a new one begins (default 256; 0: never)')
    .option('--history <mode>', "conversations: earlier answers re-sent as 'stand-in' text of their length (default: identical on every target) or the 'actual' answers")
    .option('--headers-timeout <ms>', 'give up waiting for response headers after this (default 60000)')
    .option('--body-timeout <ms>', 'give up when the stream is idle this long (default 60000)')
    .option('--junit <file>', 'write thresholds as JUnit XML for CI')
    .option('--no-report', 'do not write report.html')
    .option('--name <name>', 'label of the run')
    .option('--quiet', 'no live progress')
    .action(async (flags: RunFlags & LiveOutputFlags) => {
      const config = await loadConfig(flags.config)
      const options = buildRunOptions(flags, config)
      const fileSchedule = await applyFileSchedule(options, flags)
      const liveOutputs = prepareLiveOutputs(flags)
      // A TTY gets the live view (bar, ETA, percentiles, phase); a log gets one line every 5 s.
      const { chrome, onProgress } = createLiveRunChrome('interrupted: stopping sends, aborting in-flight requests, writing a partial summary', flags.quiet === true)
      if (onProgress !== undefined) options.onProgress = onProgress
      options.log = chrome.log
      if (fileSchedule !== undefined) chrome.log(fileSchedule)
      options.signal = chrome.signal
      options.confirm = confirmOnTty
      let outputs: LiveOutputs | undefined
      let finished = false
      try {
        outputs = await liveOutputs.start(options, chrome.log)
        const result = await run(options)
        chrome.done()
        // After a write error the folder is on a failing disk: no report.html, and the files not written are not listed.
        const failed = new Set((result.writeFailures ?? []).map((failure) => failure.file))
        const report = flags.report && failed.size === 0
        if (result.outDir !== null && report) await writeHtmlReport(result.summary, result.outDir)
        if (flags.junit !== undefined) await writeJunit(flags.junit, [{ name: result.summary.name, summary: result.summary }])
        const files = (['summary', 'records', 'histograms'] as const).filter((file) => !failed.has(file)).map((file) => (file === 'records' ? 'records.jsonl' : `${file}.json`))
        process.stdout.write(`${renderTerminalSummary(result.summary, { outDir: result.outDir, files: [...files, ...(report ? ['report.html'] : [])] })}\n`)
        // summary.json could not be written: the summary itself goes to stdout, so nothing measured is lost.
        if (failed.has('summary')) process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`)
        const code = result.interrupted ? EXIT_INTERRUPTED : result.thresholdsPassed ? EXIT_OK : EXIT_THRESHOLDS_FAILED
        setExitCode(failed.size > 0 ? EXIT_WRITE_FAILED : code)
        finished = true
      } finally {
        await outputs?.close(finished, chrome.signal)
        chrome.dispose()
      }
    })
  // Fixed-shape flags (--rate, --input-tokens, ...: the flag form of --shape), then the schedule
  // flags (--users, --think-time, --on-cap, ...) from the schedules that own them.
  addLiveOutputOptions(command)
  for (const flag of runShapeFlags()) command.option(flag.flag, flag.description)
  for (const option of scheduleCliOptions()) command.option(option.flag, option.description)
}
