// The TTY live view: bar and ETA from the planned time, live figures, and in-place redraws.
import { describe, expect, it } from 'vitest'
import { createProgressPrinter } from '../../../bin/cli-helpers.js'
import { progressBar, renderLiveView, type LiveFigures } from '../../../results/reports/live-view.js'

const FIGURES: LiveFigures = {
  elapsedMs: 30_000,
  plannedMs: 120_000,
  sent: 600,
  inFlight: 12,
  completed: 570,
  errors: 9,
  abandoned: 6,
  dropped: 0,
  ttftP50Ms: 412.3,
  ttftP95Ms: 1_830,
  e2eP95Ms: 6_200,
  spendUsd: 0.0123,
  phase: 'provider-outage',
}

describe('live view', () => {
  it('draws the bar, the share, elapsed / planned and the ETA', () => {
    expect(progressBar(30_000, 120_000, 8)).toBe('[██░░░░░░] 25 %  30.0 s / 2.0 min  ETA 90.0 s')
    expect(progressBar(200_000, 120_000, 4)).toBe('[████] 100 %  3.3 min / 2.0 min  ETA 0 ms')
    expect(progressBar(5_000, null, 4)).toBe('[····] 5.0 s')
  })

  it('shows rate, outcomes, TTFT and e2e percentiles, spend and the drill phase on three lines', () => {
    const lines = renderLiveView(FIGURES).split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/25 %.*ETA 90\.0 s  phase provider-outage$/)
    expect(lines[1]).toBe('sent 612 (20.4 req/s)  in flight 12  ok 570  errors 9  abandoned 6')
    expect(lines[2]).toBe('TTFT p50 412 ms  p95 1,830 ms  e2e p95 6,200 ms  spend $0.0123')
  })

  it('redraws the block in place on a TTY and prints plain lines otherwise', () => {
    const written: string[] = []
    const tty = createProgressPrinter(() => 'a\nb\nc', { stream: { isTTY: true, columns: 80, write: (text: string) => written.push(text) } })
    tty.update()
    tty.update()
    tty.done()
    expect(written[0]).toBe('\r\x1b[2Ka\n\x1b[2Kb\n\x1b[2Kc\x1b[J')
    // The second draw goes back up the two lines below the first before redrawing.
    expect(written[1]?.startsWith('\r\x1b[2A\x1b[2Ka')).toBe(true)
    expect(written[2]).toBe('\r\x1b[2A\x1b[J')
    const plain: string[] = []
    const log = createProgressPrinter(() => 'a\nb', { renderPlain: () => 'one line', stream: { write: (text: string) => plain.push(text) } })
    log.update()
    expect(plain).toEqual(['one line\n'])
  })
})
