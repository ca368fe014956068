"""The HTML report's stylesheet, inlined into every report (no external assets)."""

from __future__ import annotations

STYLE = """
:root { --err: #b42318; --warn: #b54708; --info: #175cd3; --ok: #067647; --line: #e4e7ec;
  --muted: #667085; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0; background: #f9fafb; color: #101828; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 1.6rem; } h2 { margin-top: 32px; font-size: 1.25rem; }
h3.error { color: var(--err); } h3.warning { color: var(--warn); } h3.info { color: var(--info); }
h4 { margin: 4px 0; font-size: 1rem; }
.muted { color: var(--muted); } .small { font-size: .8rem; } .ok { color: var(--ok); }
.warn { color: var(--warn); font-weight: 600; }
.badges { display: flex; gap: 12px; margin: 16px 0; }
.badge { padding: 8px 14px; border-radius: 8px; background: #fff; border: 1px solid var(--line); }
.badge b { font-size: 1.4rem; margin-right: 4px; }
.badge.error b { color: var(--err); } .badge.warning b { color: var(--warn); }
.badge.info b { color: var(--info); }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top;
  font-size: .9rem; }
table.facts th { background: #f2f4f7; font-weight: 500; }
table.matrix td { text-align: center; min-width: 4em; }
td.sent, td.ok { color: var(--ok); font-weight: 600; } td.bad, td.failed, td.broken
  { color: var(--err); font-weight: 600; } td.none { color: var(--muted); }
table.params th { font-family: ui-monospace, monospace; font-weight: 400; background: #f9fafb; }
table.params td { font-family: ui-monospace, monospace; word-break: break-all; }
.scroll { overflow-x: auto; }
article.finding { background: #fff; border: 1px solid var(--line); border-left: 5px solid
  var(--muted); border-radius: 6px; padding: 10px 14px; margin: 10px 0; }
article.finding.error { border-left-color: var(--err); }
article.finding.warning { border-left-color: var(--warn); }
article.finding.info { border-left-color: var(--info); }
.where { margin: 0; color: var(--muted); font-size: .85rem; word-break: break-all; }
.fix { background: #f0f9ff; padding: 6px 10px; border-radius: 4px; }
.tag { font-size: .75rem; background: #f2f4f7; border-radius: 4px; padding: 1px 6px;
  font-weight: 400; }
pre { background: #f2f4f7; padding: 8px; overflow-x: auto; font-size: .8rem; }
details.page { background: #fff; border: 1px solid var(--line); border-radius: 6px;
  margin: 8px 0; padding: 6px 12px; }
details.page.error { border-left: 5px solid var(--err); }
.c-fires-before-consent { color: var(--err); font-weight: 600; }
.c-fires { color: var(--ok); } .c-cookieless { color: var(--warn); }
.c-blocked, .c-not-run { color: var(--muted); }
.consent-shots { display: flex; gap: 12px; flex-wrap: wrap; }
ul.page-findings li.error b { color: var(--err); }
ul.page-findings li.warning b { color: var(--warn); }
ul.page-findings li.info b { color: var(--info); }
details.page > summary { cursor: pointer; font-weight: 600; word-break: break-all; }
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
"""
