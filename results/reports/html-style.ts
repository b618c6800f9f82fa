// The HTML report's stylesheet: light, system fonts only (no web fonts), and print-friendly.

export const REPORT_STYLE = `
:root { color-scheme: light; --ink: #1d232a; --muted: #58636d; --line: #dde2e6; --pass: #1f7a44; --fail: #b3261e; --none: #58636d; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
header h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 4px; }
header .subtitle { color: var(--muted); margin: 0 0 14px; }
nav.toc { font-size: .85rem; margin: 0 0 14px; color: var(--muted); }
nav.toc a { color: #1d5fa8; margin-right: 12px; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.verdict { border-radius: 6px; padding: 14px 18px; margin: 4px 0 20px; border-left: 8px solid; }
.verdict-pass { background: #e9f5ed; border-color: var(--pass); }
.verdict-fail { background: #fdeceb; border-color: var(--fail); }
.verdict-none { background: #f1f3f5; border-color: var(--none); }
.verdict-headline { font-size: 1.35rem; font-weight: 700; margin: 0; }
.verdict-pass .verdict-headline { color: var(--pass); }
.verdict-fail .verdict-headline { color: var(--fail); }
.verdict-failures { margin: 8px 0 0; padding-left: 20px; }
.verdict-failures li { margin: 2px 0; }
.partial-marker { background: #fff4d6; border: 1px solid #e0b440; padding: 6px 10px; border-radius: 4px; margin: 10px 0 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(165px, 1fr)); gap: 12px; margin: 0 0 8px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card-title { color: var(--muted); font-size: .82rem; }
.card-value { font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card-detail { color: var(--muted); font-size: .78rem; }
h2 { font-size: 1.2rem; margin: 32px 0 6px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.02rem; margin: 20px 0 2px; }
.intro, .caption { color: var(--muted); margin: 0 0 8px; font-size: .9rem; max-width: 90ch; }
table.data { border-collapse: collapse; width: 100%; font-size: .88rem; margin: 4px 0 8px; }
table.data caption { text-align: left; color: var(--muted); font-size: .85rem; padding-bottom: 4px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
table.data thead th { background: #f4f6f8; font-weight: 600; }
table.data tbody th { font-weight: 600; }
table.summary-table tbody th { white-space: nowrap; }
table.data td.num, table.data th.num { text-align: right; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.detail { color: var(--muted); }
tr.fail td.result { color: var(--fail); font-weight: 700; }
tr.pass td.result { color: var(--pass); font-weight: 600; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; background: #f3f4f6; padding: 0 3px; border-radius: 3px; }
.chart { margin: 6px 0 24px; }
.chart-area { min-height: 120px; }
.chart-fallback { color: var(--muted); font-style: italic; border: 1px dashed var(--line); padding: 12px; }
.bars { max-width: 100%; height: auto; }
.uplot { font-family: inherit; }
.u-legend { font-size: 12.5px; }
.u-inline.u-live th::after { content: ""; }
.u-legend .u-series:first-child:has(.u-value:empty) { visibility: hidden; }
.u-legend .u-value { min-width: 5ch; color: #3a434b; }
.u-legend .u-marker { border-radius: 2px; }
footer { margin-top: 40px; color: var(--muted); font-size: .8rem; }
@page { margin: 14mm; }
@media print {
  body { font-size: 11pt; }
  main { padding: 0; max-width: none; }
  nav.toc { display: none; }
  h2 { break-after: avoid; }
  .chart, table, .cards, .verdict, .card, svg { break-inside: avoid; }
  .verdict, .card, table.data thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
`
