"""The core run: targets → one browser session → visits and links → rules → Report.

The library API `tagaudit` re-exports (the CLI and the pytest plugin are its callers):

- run.py: what every run shares: prepare → execute → finish (Run), the interrupt
  (Interrupted, carrying the partial Report), options over the config, the catalog, the
  session's settings bound to the site, the rules with the baseline comparison around them;
- options.py: the settings each run takes as keywords and flags;
- audit.py: `tagaudit audit` as a run (AuditRun, prepare_audit) and `audit` / `audit_async`;
- links.py: `tagaudit links` as a run (LinkRun, prepare_links), following a list of links
  and then looking at their landings, and `check_links` / `check_links_async`;
- merge.py: shard reports joined into one; baseline.py: comparing with an earlier report;
- site_plan.py: the targets of an audit (sitemaps, robots.txt, selection, shards);
- api.py: decode, load_rules, evaluate, and what the CLI's inspection commands show;
  har.py: HAR files; reports.py: reading JSON reports; sitesrv.py: serving a folder on
  127.0.0.1 (the demo site).

This package's __init__ imports nothing: `tagaudit links` must not pay for Playwright.
"""
