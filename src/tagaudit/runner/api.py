"""The small public functions that need no browser, and what the CLI's inspection commands
show: decode requests, load and apply rules, the catalog, the check kinds, the browser found.

`decode` explains tracking requests (pasted URLs, HAR entries, Requests you recorded
yourself) through the same pipeline and catalog a page of an audit goes through
(providers.decode_requests: batches split, one action sent twice merged, side requests
linked), so `tagaudit decode`, `tagaudit.decode()` and the pytest plugin give the same hits
for the same requests; `load_rules` builds a rule set from a tagaudit.yaml (its rule files,
`expect:`, selections, link sources); `evaluate` runs a rule set on a Report, purely.
The types these return are re-exported here: callers above the core (the CLI) read them
without reaching into the parts.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tagaudit.browser.discovery import INSTALL_HINT, Search, browser_version, search_browser
from tagaudit.config import Config, config_from_mapping, load_config
from tagaudit.config.targets import check_url, resolve_target
from tagaudit.consent.engines import describe_engine
from tagaudit.consent.settings import ConsentSettings
from tagaudit.errors import EnvironmentProblem
from tagaudit.journeys.python import step
from tagaudit.model import Finding, Report, Request, TagHit
from tagaudit.providers import Catalog, decode_requests, default_catalog
from tagaudit.rules.engine import RuleSet
from tagaudit.rules.engine import evaluate as evaluate_rules
from tagaudit.rules.engine import load_rules as load_ruleset
from tagaudit.rules.kinds import Kinds
from tagaudit.rules.registry import CHECK_KINDS
from tagaudit.rules.rule import Rule
from tagaudit.runner.har import read_har
from tagaudit.runner.run import ConfigLike, build_catalog

__all__ = [
    "CHECK_KINDS",
    "Catalog",
    "Config",
    "Kinds",
    "Rule",
    "RuleSet",
    "catalog_of",
    "decode",
    "demo_site_root",
    "doctor",
    "evaluate",
    "load_config",
    "load_rules",
    "read_har",
    "resolve_target",
    "step",
]


def as_config(config: ConfigLike) -> Config:
    """A Config from a path, a mapping of tagaudit.yaml's keys, a Config, or None."""
    if isinstance(config, dict):
        return config_from_mapping(config)
    return config if isinstance(config, Config) else load_config(config)


def catalog_of(config: ConfigLike = None) -> Catalog:
    """The catalog a run of `config` decodes with: the built-in one plus its `providers:`."""
    return build_catalog(as_config(config)) or default_catalog()


def decode(requests: Iterable[str | Request], config: ConfigLike = None) -> list[TagHit]:
    """The tag hits in `requests` (URLs are GET requests), with the config's `providers:`;
    each hit's `request_index` is the place of its request in `requests`.

    >>> [h.event for h in decode(["https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view"])]
    ['page_view']
    """
    prepared = [
        r if isinstance(r, Request) else Request(url=check_url(r, assume_https=False))
        for r in requests
    ]
    return decode_requests(prepared, catalog_of(config))


def load_rules(config: ConfigLike = None, extra_files: Iterable[str | Path] = ()) -> RuleSet:
    """The built-in rules plus a config's rule files and `expect:` (and `extra_files`),
    selections applied, the config's link sources handed to the channel rules."""
    options = as_config(config).rule_options()
    options.files = [*options.files, *(Path(p) for p in extra_files)]
    return load_ruleset(options)


def evaluate(report: Report, rules: RuleSet | None = None) -> list[Finding]:
    """Every finding of `rules` (default: the built-in rules) on `report`. Pure."""
    return evaluate_rules(report, rules or load_ruleset())


def doctor(browser: str | None = None) -> tuple[Search, list[str]]:
    """Which browser a run would drive (and where it looked), with what a person should
    know beside it: its version, the consent engine, the Python."""
    search = search_browser(browser)
    if search.found is None:
        return search, [
            *(f"looked at {line}" for line in search.tried),
            f"no browser: {INSTALL_HINT}",
        ]
    found = search.found
    version = browser_version(found.path) or "version unknown"
    return search, [
        f"browser: {found.path} ({found.source}) {version}",
        describe_engine(ConsentSettings()),
        f"python: {sys.version.split()[0]}",
    ]


def demo_site_root() -> Path:
    """The bundled demo site: in the repository checkout, or inside the installed wheel."""
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[3] / "fixtures" / "demo-site",
        here.parents[1] / "_demo_site",
    ):
        if (candidate / "index.html").is_file():
            return candidate
    raise EnvironmentProblem("the demo site is not bundled with this installation")


def provider_rows(catalog: Catalog) -> list[dict[str, Any]]:
    """The catalog as plain data: id, name, type, decoder, endpoints (a wire-format family
    last, as kind `family`: tried on hosts no endpoint lists, its rules on the body)."""
    return [
        {
            "id": p.id,
            "name": p.name,
            "type": p.type,
            "decoder": p.decoder,
            "endpoints": [
                {
                    "kind": e.kind,
                    "hosts": list(e.hosts),
                    "paths": [x.pattern for x in e.paths if x.pattern],
                    "require": {name: rx.pattern for name, rx in e.require},
                    "transport": e.transport,
                }
                for e in p.endpoints
            ]
            + _family_rows(p),
        }
        for p in catalog.providers.values()
    ]


def _family_rows(provider: Any) -> list[dict[str, Any]]:
    """The provider's wire format on any other host, as one more endpoint row (`family`)."""
    family = provider.family
    if family is None:
        return []
    return [
        {
            "kind": "family",
            "hosts": ["*"],
            "paths": [x.pattern for x in family.paths],
            "require": {"|".join(names): rx.pattern for names, rx in family.require},
            "transport": None,
            "name": family.name,
        }
    ]
