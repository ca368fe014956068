"""The HTML report's stylesheet, inlined into every report (no external assets).

One palette for every state, the same as the terminal's colours (tagaudit.report.matrix
STYLES, consent verdicts): red = error / blocked / failed / a consent violation, amber =
warning / loaded but silent / cookieless after accept, green = fired / as it should, blue =
info / held by consent, grey = absent / not run. Long URLs and console errors wrap anywhere:
no element is wider than the window, at 1,400 px or on a 390 px phone.
"""

from __future__ import annotations

STYLE = """
:root { --err: #b42318; --err-bg: #fef3f2; --warn: #b54708; --warn-bg: #fffaeb;
  --info: #175cd3; --info-bg: #eff8ff; --ok: #067647; --ok-bg: #ecfdf3; --line: #e4e7ec;
  --muted: #667085; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; background: #f9fafb; color: #101828; line-height: 1.45; }
main, header .inner { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }
h1 { margin: 0 0 4px; font-size: 1.5rem; } h2 { margin-top: 32px; font-size: 1.25rem; }
h3.error { color: var(--err); } h3.warning { color: var(--warn); } h3.info { color: var(--info); }
h4 { margin: 4px 0; font-size: 1rem; }
p, li, td, th, h1, h2, h3, h4, summary, pre, .url { overflow-wrap: anywhere; }
.muted { color: var(--muted); } .small { font-size: .8rem; } .ok { color: var(--ok); }
header.verdict { border-bottom: 4px solid var(--muted); background: #fff; }
header.verdict.fail { border-color: var(--err); background: var(--err-bg); }
header.verdict.pass { border-color: var(--ok); background: var(--ok-bg); }
header.verdict.incomplete { border-color: var(--warn); background: var(--warn-bg); }
header.verdict .word { text-transform: uppercase; letter-spacing: .04em; }
header.verdict.fail .word { color: var(--err); } header.verdict.pass .word { color: var(--ok); }
header.verdict.incomplete .word { color: var(--warn); }
header.verdict .why { font-weight: 500; font-size: 1.1rem; }
header .site { margin: 0; font-weight: 600; color: var(--muted); }
header .ran { margin: 4px 0; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 4px 0 8px; }
nav.toc a { color: var(--info); text-decoration: none; }
.badges { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0 4px; }
.badge { padding: 6px 12px; border-radius: 8px; background: #fff; border: 1px solid var(--line);
  color: inherit; text-decoration: none; }
.badge b { font-size: 1.3rem; margin-right: 4px; }
.badge.error b { color: var(--err); } .badge.warning b { color: var(--warn); }
.badge.info b { color: var(--info); }
table { border-collapse: collapse; background: #fff; max-width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top;
  font-size: .9rem; }
table.facts th { background: #f2f4f7; font-weight: 500; white-space: nowrap; }
table.facts td { white-space: pre-wrap; }
table.matrix { width: 100%; } table.matrix td { text-align: center; }
table.matrix:not(.consent-matrix) td { white-space: nowrap; }
table.matrix th { font-size: .8rem; }
table.matrix th a { color: inherit; }
table.matrix tr.alike ul { max-height: 14em; overflow: auto; margin: .3em 0;
  padding-left: 1.2em; font-weight: normal; }
table.matrix th.col span { white-space: nowrap; overflow-wrap: normal; }
table.matrix th.col .colon { display: none; }
table.matrix.tall th.col { writing-mode: vertical-rl; transform: rotate(180deg);
  text-align: left; vertical-align: bottom; padding: 8px 4px; }
@media (max-width: 760px) {
  table.matrix th.col { writing-mode: vertical-rl; transform: rotate(180deg);
    text-align: left; vertical-align: bottom; padding: 8px 2px; }
  table.matrix th.col br { display: none; }
  table.matrix th.col .colon { display: inline; }
  table.matrix .cell .word { display: none; }
  table.matrix td, table.matrix th { padding: 3px 4px; font-size: .8rem; }
  main, header .inner { padding: 12px; }
}
.cell.fired { color: var(--ok); font-weight: 600; }
.cell.loaded { color: var(--warn); background: var(--warn-bg); }
.cell.blocked, .cell.failed { color: var(--err); background: var(--err-bg); font-weight: 600; }
.cell.consent { color: var(--info); background: var(--info-bg); }
.cell.absent { color: var(--muted); }
.legend .cell { display: inline-block; padding: 0 6px; border: 1px solid var(--line);
  border-radius: 4px; margin-left: 8px; }
table.params th { font-family: ui-monospace, monospace; font-weight: 400; background: #f9fafb; }
table.params td { font-family: ui-monospace, monospace; }
.scroll { max-width: 100%; overflow-x: auto; }
table.hits { width: 100%; }
table.links-overview td:first-child, table.links-overview th:first-child
  { width: 1%; white-space: nowrap; }
table.links-overview td:nth-child(2) { overflow-wrap: anywhere; min-width: 3em; max-width: 16rem; }
article.rule-card table { margin-top: 6px; font-size: .9rem; }
article.finding, article.link { background: #fff; border: 1px solid var(--line); border-left: 5px
  solid var(--muted); border-radius: 6px; padding: 10px 14px; margin: 10px 0; }
article.finding.error, article.link.v-broken { border-left-color: var(--err); }
article.finding.warning, article.link.v-warning, article.link.v-unverifiable
  { border-left-color: var(--warn); }
article.finding.info { border-left-color: var(--info); }
article.link.v-ok { border-left-color: var(--ok); }
.where { margin: 0; color: var(--muted); font-size: .85rem; }
.where a { color: inherit; }
.fix { background: #f0f9ff; padding: 6px 10px; border-radius: 4px; }
.tag { font-size: .75rem; background: #f2f4f7; border-radius: 4px; padding: 1px 6px;
  font-weight: 400; }
pre { background: #f2f4f7; padding: 8px; font-size: .8rem; white-space: pre-wrap; }
form.filters { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center;
  background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
form.filters select { max-width: 70vw; }
form.filters label { display: inline-flex; gap: 4px; align-items: center; max-width: 100%; }
details.page { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--ok);
  border-radius: 6px; margin: 8px 0; padding: 6px 12px; }
details.page.error { border-left-color: var(--err); }
details.page.warning { border-left-color: var(--warn); }
details.page.info { border-left-color: var(--info); }
details.page > summary { cursor: pointer; font-weight: 600; }
ul.page-findings li.error b { color: var(--err); }
ul.page-findings li.warning b { color: var(--warn); }
ul.page-findings li.info b { color: var(--info); }
section.consent h3 { font-size: 1rem; }
.consent-matrix td[data-verdict=pass] { color: var(--ok); background: var(--ok-bg); }
.consent-matrix td[data-verdict=fail] { color: var(--err); background: var(--err-bg);
  font-weight: 600; }
.consent-matrix td[data-verdict=warn] { color: var(--warn); background: var(--warn-bg); }
.consent-matrix td[data-verdict=na] { color: var(--muted); }
.consent-shots { display: flex; gap: 12px; flex-wrap: wrap; }
.consent-shots figure { margin: 8px 0; }
.consent-shots img { max-width: min(320px, 100%); height: auto; border: 1px solid var(--line); }
.verdict-word { margin: 0; font-weight: 700; text-transform: uppercase; font-size: .85rem; }
.verdict-word.v-broken { color: var(--err); } .verdict-word.v-ok { color: var(--ok); }
.verdict-word.v-warning, .verdict-word.v-unverifiable { color: var(--warn); }
article.link .url { font-family: ui-monospace, monospace; font-size: .85rem; }
ol.hops { margin: 8px 0 0; padding-left: 28px; }
ol.hops li { margin: 4px 0; }
.hop-status { display: inline-block; min-width: 3em; font-weight: 600; }
.chips { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 2px; }
.chip { font-size: .75rem; border-radius: 10px; padding: 0 8px; border: 1px solid var(--line); }
.chip.kept { color: var(--ok); background: var(--ok-bg); }
.chip.changed, .chip.fragment { color: var(--warn); background: var(--warn-bg); }
.chip.dropped { color: var(--err); background: var(--err-bg); text-decoration: line-through;
  font-weight: 600; }
.journey { background: #fff; border: 1px solid var(--line); border-radius: 6px;
  margin: 8px 0; padding: 6px 12px; }
ol.steps li.step-failed b, .journey .error { color: var(--err); }
ol.steps li.step-skipped { color: var(--muted); }
.journey code { word-break: break-all; }
.chain .links { display: flex; flex-wrap: wrap; gap: 4px; align-items: stretch; }
.chain .link { flex: 1 1 110px; border: 2px solid var(--line); border-radius: 6px;
  padding: 4px 8px; display: flex; flex-direction: column; min-width: 0; }
.chain .link small { color: var(--muted); overflow-wrap: anywhere; }
.chain .link.ok { border-color: var(--ok); } .chain .link.broken { border-color: var(--err); }
.chain .link.broken b { color: var(--err); }
img.shot { max-width: 100%; border: 1px solid var(--line); margin-top: 4px; }
.tag.base-new { background: var(--err-bg); color: var(--err); border-color: var(--err); }
.tag.base-unchanged { color: var(--muted); }
#baseline th { overflow-wrap: normal; }
#baseline td.lost { color: var(--err); } #baseline td.gained { color: var(--ok); }
ul.fixed li::marker { content: "✓ "; color: var(--ok); }
"""
