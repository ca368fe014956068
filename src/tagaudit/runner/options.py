"""The settings each run takes as keywords of the library and flags of the CLI.

Named by their place in the Config (`crawl.concurrency`); each setting's keyword, flag, help
and bounds are its own (tagaudit.model.settings), so listing it here is all it takes for
`audit()`, `tagaudit audit --help` and the checks of both to know it. Imports nothing: the
CLI reads these tables at start-up without loading a run.
"""

from __future__ import annotations

# `tagaudit.audit()` and `tagaudit audit`, in the order `--help` lists them.
AUDIT_OPTIONS = (
    "rules.files",
    "consent.scenarios",
    "crawl.max_pages",
    "crawl.depth",
    "crawl.concurrency",
    "session.deliver_hits",
    "session.allow_hosts",
    "page.quiet_ms",
    "page.page_timeout",
    "journeys.action_timeout",
    "page.max_wait_ms",
    "page.isolation",
    "session.path",
    "session.endpoint",
    "session.args",
    "journeys.only",
    "base_url",
    "session.access.device",
    "session.access.viewport",
    "session.access.storage_state",
    "session.access.headers",
    "session.access.cookies",
    "session.user_agent",
    "session.locale",
    "session.timezone",
    "keep_secrets",
)

# `tagaudit.check_links()` and `tagaudit links`.
LINK_OPTIONS = (
    "links.max_hops",
    "links.concurrency",
    "links.per_host",
    "links.timeout",
    "links.retries",
    "links.transport",
    "links.extra_params",
    "links.consent",
    "session.path",
    "rules.files",
    "keep_secrets",
)
# Keywords of earlier releases → the option they name now.
LINK_ALIASES = {"browser_path": "browser"}
# `tagaudit.merge()` and `tagaudit merge`.
MERGE_OPTIONS = ("rules.files", "keep_secrets")
