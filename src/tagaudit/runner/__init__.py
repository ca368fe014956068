"""The core run: targets → one browser session → visits and links → rules → Report.

The library API `tagaudit` re-exports (the CLI and the pytest plugin are callers of it):

- audit.py: `tagaudit audit` as a run (AuditRun) and `audit` / `audit_async`;
- links.py: `tagaudit links` as a run (LinkRun) and `check_links` / `check_links_async`;
- link_follow.py: following a list of links, then looking at their landings;
- common.py: what every run shares (the interrupt, the catalog, rules with the baseline);
- merge.py: shard reports joined into one; baseline.py: comparing with an earlier report;
- site_plan.py: the targets of an audit (sitemaps, robots.txt, selection, shards);
- api.py: decode, load_rules, evaluate; har.py: HAR files; reports.py: reading JSON reports;
- sitesrv.py: serving a folder on 127.0.0.1 (the demo site).

This package's __init__ imports nothing: `tagaudit links` must not pay for Playwright.
"""
