"""The small public functions that need no browser: decode requests, load and apply rules.

`decode` explains tracking requests (pasted URLs, HAR entries, Requests you recorded
yourself) with the same catalog an audit uses; `load_rules` builds a rule set from a
tagaudit.yaml (its rule files, `expect:`, selections); `evaluate` runs a rule set on a
Report, purely. Re-exported by `tagaudit`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tagaudit.config import Config, config_from_mapping, load_config
from tagaudit.config.targets import check_url
from tagaudit.model import Finding, Report, Request, TagHit
from tagaudit.providers import decode_requests, load_catalog
from tagaudit.rules.engine import RuleSet
from tagaudit.rules.engine import evaluate as evaluate_rules
from tagaudit.rules.engine import load_rules as load_ruleset


def _config(config: Config | dict[str, Any] | str | Path | None) -> Config:
    if isinstance(config, dict):
        return config_from_mapping(config)
    return config if isinstance(config, Config) else load_config(config)


def decode(
    requests: Iterable[str | Request], config: Config | dict[str, Any] | str | Path | None = None
) -> list[TagHit]:
    """The tag hits in `requests` (URLs are GET requests), with the config's `providers:`.

    >>> [h.event for h in decode(["https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view"])]
    ['page_view']
    """
    settings = _config(config)
    source = str(settings.path) if settings.path else None
    catalog = load_catalog(settings.providers, source=source) if settings.providers else None
    prepared = [
        r if isinstance(r, Request) else Request(url=check_url(r, assume_https=False))
        for r in requests
    ]
    return decode_requests(prepared, catalog)


def load_rules(config: Config | dict[str, Any] | str | Path | None = None) -> RuleSet:
    """The built-in rules plus a config's rule files and `expect:`, selections applied."""
    return load_ruleset(_config(config).rule_options())


def evaluate(report: Report, rules: RuleSet | None = None) -> list[Finding]:
    """Every finding of `rules` (default: the built-in rules) on `report`. Pure."""
    return evaluate_rules(report, rules or load_ruleset())
