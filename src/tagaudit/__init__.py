"""tagaudit: does your conversion tracking actually work? Find out before launch and in CI.

The public API (the `tagaudit` command is one caller of it; the library never prints):

    import tagaudit
    report = tagaudit.audit(["https://staging.shop.example/"], config="tagaudit.yaml")
    report = tagaudit.audit(pages, consent=["none", "accept"], concurrency=4)
    links = tagaudit.check_links(["https://shop.example/go/x?utm_source=a"])
    report = tagaudit.audit(pages, shard="2/4")        # one of four CI jobs …
    report = tagaudit.merge(["1.json", "2.json", "3.json", "4.json"])  # … joined again
    hits = tagaudit.decode(["https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=x"])
    findings = tagaudit.evaluate(report, tagaudit.load_rules("tagaudit.yaml"))
    report.findings, report.pages, report.links, report.exit_code(fail_on="error")

`audit_async` and `check_links_async` are the twins for callers with their own event loop;
`prepare_audit` / `prepare_links` give the run itself (checked at once, then `run.run()`),
which is what the CLI drives.
Bad input raises `ConfigError` / `UsageError` (exit code 2 on the exception), a missing
browser `EnvironmentProblem` (3); Ctrl-C raises `Interrupted` with the partial Report.
The functions load on first use, so `import tagaudit` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tagaudit.errors import ConfigError, EnvironmentProblem, TagauditError, UsageError
from tagaudit.model import (
    Banner,
    ConsentMatrix,
    ConsentRecord,
    Cookie,
    Finding,
    Hop,
    LinkResult,
    PageVisit,
    ParamChange,
    Report,
    Request,
    RuleInfo,
    RunInfo,
    TagHit,
)
from tagaudit.model.vocabulary import TOOL_VERSION

__version__ = TOOL_VERSION

if TYPE_CHECKING:
    from tagaudit.config import Config, load_config
    from tagaudit.runner.api import decode, evaluate, load_rules, step
    from tagaudit.runner.audit import AuditRun, Progress, audit, audit_async, prepare_audit
    from tagaudit.runner.links import LinkRun, check_links, check_links_async, prepare_links
    from tagaudit.runner.merge import merge
    from tagaudit.runner.run import Interrupted

_LAZY = {
    "audit": "tagaudit.runner.audit",
    "audit_async": "tagaudit.runner.audit",
    "prepare_audit": "tagaudit.runner.audit",
    "AuditRun": "tagaudit.runner.audit",
    "Interrupted": "tagaudit.runner.run",
    "Progress": "tagaudit.runner.audit",
    "check_links": "tagaudit.runner.links",
    "check_links_async": "tagaudit.runner.links",
    "prepare_links": "tagaudit.runner.links",
    "LinkRun": "tagaudit.runner.links",
    "decode": "tagaudit.runner.api",
    "evaluate": "tagaudit.runner.api",
    "load_rules": "tagaudit.runner.api",
    "Config": "tagaudit.config",
    "load_config": "tagaudit.config",
    "merge": "tagaudit.runner.merge",
    "step": "tagaudit.runner.api",
}

__all__ = [
    "AuditRun",
    "Banner",
    "Config",
    "ConfigError",
    "ConsentMatrix",
    "ConsentRecord",
    "Cookie",
    "EnvironmentProblem",
    "Finding",
    "Hop",
    "Interrupted",
    "LinkResult",
    "LinkRun",
    "PageVisit",
    "ParamChange",
    "Progress",
    "Report",
    "Request",
    "RuleInfo",
    "RunInfo",
    "TagHit",
    "TagauditError",
    "UsageError",
    "__version__",
    "audit",
    "audit_async",
    "check_links",
    "check_links_async",
    "decode",
    "evaluate",
    "load_config",
    "load_rules",
    "merge",
    "prepare_audit",
    "prepare_links",
    "step",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'tagaudit' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
