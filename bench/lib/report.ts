// The results model (latest.json) and its rendering as the Markdown table (latest.md): each
// figure with its peer beside it, median and min–max over rounds, the goal, and how to reproduce.
import type { MachineInfo } from './processes.js'
import type { Spread } from './stats.js'

export const RESULTS_SCHEMA_VERSION = 1

export interface PeerFigure {
  /** e.g. `autocannon 8`, `wrk 4.1 (1 thread)`, `raw undici client`, `injected value`. */
  name: string
  value: Spread | null
}

export interface Row {
  /** What is measured, with its conditions: `req/s, 32 connections, 5 s`. */
  measure: string
  unit: string
  /** Decimals to print. */
  digits: number
  ours: Spread | null
  /** Beside ours; the first one is what the goal compares with. */
  peers: PeerFigure[]
  /** ours ÷ first peer, from the medians, when that ratio means something. */
  ratio?: number
  goal?: string
  met?: boolean
}

export type Verdict = 'met' | 'missed' | 'partly met' | 'no goal' | 'skipped' | 'failed'

export interface SectionResult {
  id: string
  title: string
  /** When it ran (ISO) and how long it took. */
  ranAt: string
  durationS: number
  machine: MachineInfo
  rounds: number
  goal: string
  verdict: Verdict
  rows: Row[]
  /** What a reader must know: shared cores, what limited a figure, where a goal was missed and why. */
  notes: string[]
  /** Commands that reproduce the figures. */
  commands: string[]
  /** Raw per-round figures for whoever wants to dig. */
  details?: unknown
}

export interface BenchResults {
  schemaVersion: number
  /** Last time any section was written. */
  updatedAt: string
  sections: Record<string, SectionResult>
}

export interface SectionInfo {
  id: string
  title: string
}

/** Thousands separators for large numbers, fixed decimals for small ones. */
export function formatNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '–'
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** `median (min–max)`; a single round prints only its value. */
export function formatSpread(value: Spread | null, digits: number): string {
  if (value === null || !Number.isFinite(value.median)) return '–'
  const median = formatNumber(value.median, digits)
  if (value.rounds.length <= 1 || value.min === value.max) return median
  return `${median} (${formatNumber(value.min, digits)}–${formatNumber(value.max, digits)})`
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>')
}

function renderRow(row: Row): string {
  const peers = row.peers.length === 0 ? '–' : row.peers.map((peer) => `${peer.name}: ${formatSpread(peer.value, row.digits)}`).join('<br>')
  const ratio = row.ratio === undefined || !Number.isFinite(row.ratio) ? '–' : `${row.ratio.toFixed(2)}×`
  const verdict = row.met === undefined ? '' : row.met ? 'met' : '**missed**'
  return `| ${cell(row.measure)} | ${cell(row.unit)} | ${cell(formatSpread(row.ours, row.digits))} | ${cell(peers)} | ${ratio} | ${cell(row.goal ?? '')} | ${verdict} |`
}

export function renderSection(section: SectionResult, number: number): string {
  const lines = [
    `## ${number}. ${section.title}`,
    '',
    `Goal: ${section.goal} — **${section.verdict}**. ${section.rounds} round${section.rounds === 1 ? '' : 's'}; ran ${section.ranAt.slice(0, 16).replace('T', ' ')} UTC in ${Math.round(section.durationS)} s, load average ${section.machine.loadAverage} at the start.`,
    '',
  ]
  if (section.rows.length > 0) {
    lines.push('| measure | unit | ours: median (min–max) | peer: median (min–max) | ours ÷ peer | goal | |', '|---|---|---|---|---|---|---|')
    for (const row of section.rows) lines.push(renderRow(row))
    lines.push('')
  }
  for (const note of section.notes) lines.push(`- ${note}`)
  if (section.notes.length > 0) lines.push('')
  lines.push('Reproduce:', '', '```sh', ...section.commands, '```', '')
  return lines.join('\n')
}

/** The whole file: a summary of every section's verdict, then each section's table. */
export function renderMarkdown(results: BenchResults, order: readonly SectionInfo[]): string {
  const present = order.filter((info) => results.sections[info.id] !== undefined)
  const first = present.map((info) => results.sections[info.id] as SectionResult)[0]
  const machine = first?.machine
  const lines = [
    '# llm-gauntlet benchmarks',
    '',
    `Written by \`make bench\` (bench/run.ts); last updated ${results.updatedAt.slice(0, 16).replace('T', ' ')} UTC.` +
      (machine === undefined ? '' : ` Machine: ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.platform}, Node ${machine.node}.`),
    '',
    'Every party runs in its own process (client, mock, proxy) and all of them share the same cores, as do other jobs on the machine (the load average is given per section). Each figure is the median over the rounds, with the lowest and highest round in brackets; "peer" is what the figure is compared with: another tool measured side by side in the same run, or the injected ground truth. See bench/README.md for how each figure is measured.',
    '',
    '| # | benchmark | goal | verdict |',
    '|---|---|---|---|',
  ]
  present.forEach((info, index) => {
    const section = results.sections[info.id] as SectionResult
    lines.push(`| ${index + 1} | ${cell(section.title)} | ${cell(section.goal)} | ${section.verdict} |`)
  })
  lines.push('')
  present.forEach((info, index) => lines.push(renderSection(results.sections[info.id] as SectionResult, index + 1)))
  return `${lines.join('\n').trimEnd()}\n`
}
