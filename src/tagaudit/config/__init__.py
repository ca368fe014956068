"""tagaudit.yaml → a typed Config, and command-line flags over it. Errors name file, line, field.

Owns what a user can configure and the one place where flags (or keyword arguments of the
library API) override the file: `apply_flags` merges them into the file's data and reads the
result with the same readers, so a flag is checked exactly like the key it overrides (a bad
one is reported under its flag's name). Knows nothing of browsers, HTTP or reporters; imports
tagaudit.errors, the model's vocabulary, tagaudit.yamlfile, the rules' option types and the
link checker's settings (plain data).

A complete tagaudit.yaml (every key optional):

    base_url: https://staging.shop.example  # then pages (and expectations) may be paths
    pages: [https://shop.example/, https://shop.example/checkout/thank-you]
    crawl: {concurrency: 4, max_pages: 50, depth: 0, quiet_ms: 400, page_timeout: 30,
            max_wait_ms: 5000, isolation: reuse,
            # discovered pages (config_site.py): sitemaps (true: robots.txt's, /sitemap.xml),
            # robots.txt, URL patterns as in rule scopes, at most N pages per URL template
            sitemap: true, robots: true, include: ["/**"], exclude: ["/admin/**"],
            per_template: 5, templates: ["/p/*"]}
    consent: [none, accept, reject]
    deliver_hits: false
    browser: {path: /usr/bin/chromium, endpoint: null, locale: en-US, timezone: Europe/Paris,
              user_agent: "…", args: [--proxy-server=http://proxy.internal:3128],
              # staging access (config_site.py): secrets as ${ENV_VARS}, sent to the site only
              headers: {X-Token: "${TOKEN}"}, cookies: [{name: preview, value: "1"}],
              basic_auth: {username: preview, password: "${STAGING_PASSWORD}"},
              storage_state: auth.json, device: iPhone 13, viewport: 390x844}
    providers:                            # first-party endpoints, as data (`tagaudit providers`)
      - id: acme_collector
        name: Acme first-party collector
        endpoints: [{kind: hit, hosts: [t.shop.example], paths: ['^/e$']}]
    links:                                # `tagaudit links`
      targets: [campaign-links.csv]
      max_hops: 10                        # any link checker setting (tagaudit.links.LinkSettings)
      sources: {social: [mastodon]}       # more names for GA4's source categories
    rules: [rules/our-shop.yaml]          # extra rule files, relative to this file
    expect:                               # site expectations, compiled into rules
      - tag: ga4:G-ABC123                 # provider[:account] on every page ("**")
      - event: ga4:purchase               # [provider:]event, with required params
        on: /checkout/thank-you*
        params: [transaction_id, value, currency]   # or {value: number, order: "re:^A-"}
      - tag: meta_pixel
        absent: true                      # must NOT fire here
        on: /privacy*
    disable: [console-errors, "pii-*"]    # rule ids, categories, globs
    severity: {tag-inferred-missing: error}   # or `off`
    args: {link-redirect-chain: {max_hops: 5}}  # a rule's arguments, by rule id
    ignore:
      - fingerprint: 3f2a9c0d11e4b7a2
        reason: legacy landing page, removed in Q3
    fail_on: warning
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tagaudit.browser.settings import SiteAccess
from tagaudit.config import rules as config_rules
from tagaudit.config import site as config_site
from tagaudit.crawl.plan import CrawlPlan
from tagaudit.errors import ConfigError, UsageError
from tagaudit.journeys.spec import Journey, read_journeys
from tagaudit.links.settings import TRANSPORTS, LinkSettings
from tagaudit.model import FAIL_ON_LEVELS, SCENARIOS
from tagaudit.rules.options import Expectation, Ignore, RuleOptions
from tagaudit.yamlfile import MarkedDict, MarkedList, Where, load_yaml, unknown_message

TOP_LEVEL_KEYS = (
    "pages",
    "crawl",
    "consent",
    "deliver_hits",
    "rules",
    "expect",
    "disable",
    "severity",
    "args",
    "ignore",
    "fail_on",
    "links",
    "browser",
    "providers",
    "journeys",
    "base_url",
)
ISOLATION_MODES = ("reuse", "context")
LINK_SOURCE_CATEGORIES = ("search", "social", "shopping", "video")


@dataclass
class CrawlSettings:
    """How pages are loaded: concurrency, timeouts, the quiet period that catches late beacons.

    `isolation`: `reuse` keeps one page per worker and wipes its state between targets
    (measured several times cheaper), `context` opens a new context per target.
    """

    concurrency: int = 4
    page_timeout: float = 30.0
    quiet_ms: int = 400
    max_wait_ms: int = 5000
    max_pages: int = 200
    depth: int = 0
    isolation: str = "reuse"


# The least value each numeric crawl setting accepts.
CRAWL_MINIMUMS = {"concurrency": 1, "max_pages": 1, "depth": 0, "quiet_ms": 0, "max_wait_ms": 0}


@dataclass
class BrowserSection:
    """`browser:`: which browser to drive (or connect to) and what its contexts look like."""

    path: str | None = None
    endpoint: str | None = None
    locale: str | None = None
    timezone: str | None = None
    user_agent: str | None = None
    args: list[str] = field(default_factory=list)  # extra command-line flags for Chromium


@dataclass
class LinksSection:
    """`links:`: the campaign links to check, the checker's settings, extra GA4 sources."""

    targets: list[str] = field(default_factory=list)
    settings: LinkSettings = field(default_factory=LinkSettings)
    sources: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Config:
    """Everything a run needs from the user, with defaults that work with zero config."""

    path: Path | None = None
    pages: list[str] = field(default_factory=list)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    consent: list[str] | None = None
    deliver_hits: bool = False
    browser: BrowserSection = field(default_factory=BrowserSection)
    links: LinksSection = field(default_factory=LinksSection)
    # The user's provider entries (catalog.yaml's schema), checked when the catalog is built.
    providers: list[dict[str, Any]] = field(default_factory=list)
    rule_files: list[Path] = field(default_factory=list)
    expect: list[Expectation] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    # rule id → arguments over the rule file's (checked against the rule's kind when the
    # rules are loaded); the values stay marked so errors can name their line.
    args: dict[str, dict[str, Any]] = field(default_factory=dict)
    ignore: list[Ignore] = field(default_factory=list)
    fail_on: str | None = None
    # Conversion journeys (tagaudit.journeys.spec): steps from a landing to a confirmation.
    journeys: list[Journey] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    # The site (config_site.py): its address, how to get in, which discovered pages to keep,
    # and the file line of each `pages:` entry (url → "tagaudit.yaml:4").
    base_url: str | None = None
    access: SiteAccess = field(default_factory=SiteAccess)
    crawl_plan: CrawlPlan = field(default_factory=CrawlPlan)
    declared: dict[str, str] = field(default_factory=dict)

    def rule_options(self) -> RuleOptions:
        """The rules half of the config, for tagaudit.rules.load_rules."""
        steps = [
            replace(exp, journey=journey.name, step=step.name)
            for journey in self.journeys
            for step in journey.steps
            for exp in step.expect
        ]
        return RuleOptions(
            files=list(self.rule_files),
            expect=[*self.expect, *steps],
            disable=list(self.disable),
            severity=dict(self.severity),
            args=self.raw.get("args") or dict(self.args),  # marked: errors name lines
            ignore=list(self.ignore),
            source=str(self.path) if self.path else None,
        )


def load_config(path: Path | str | None) -> Config:
    """Read `path` (or return defaults when None)."""
    if path is None:
        return Config()
    data = load_yaml(Path(path))
    if data is None:
        data = MarkedDict()
    if not isinstance(data, dict):
        raise ConfigError("top level must be a mapping", path=str(path), line=1)
    return _build_config(Path(path), data)


def config_from_mapping(data: dict[str, Any], path: Path | str | None = None) -> Config:
    """A Config from a mapping with tagaudit.yaml's keys (for the library API and tests)."""
    if not isinstance(data, dict):
        raise ConfigError("a config mapping must be a dict of tagaudit.yaml keys")
    return _build_config(Path(path) if path else None, _marked(data))


def _marked(value: Any) -> Any:
    """Plain dicts and lists as the marked containers the readers expect (no lines)."""
    if isinstance(value, dict):
        marked = MarkedDict({k: _marked(v) for k, v in value.items()})
        marked.line, marked.key_lines = None, {}
        return marked
    if isinstance(value, list):
        items = MarkedList(_marked(v) for v in value)
        items.line, items.item_lines = None, []
        return items
    return value


def apply_flags(
    config: Config, flags: dict[str | tuple[str, ...], Any], names: dict[Any, str] | None = None
) -> Config:
    """A new Config: `flags` over the file. The one place flags meet the file.

    `flags` maps a config field (`"crawl.concurrency"`, or a tuple of keys when a key holds a
    dot, as rule ids may) to its value; None means "not given" and leaves the file's value.
    `rules` adds files instead of replacing them. `names` maps the same fields to what the
    user typed (`--concurrency`), so a bad value is reported under that name.
    """
    if not any(value is not None for value in flags.values()):
        return config
    if not config.raw and config != Config(path=config.path):
        raise UsageError(
            "options cannot be applied to a Config built field by field: pass a tagaudit.yaml "
            "path, a mapping of its keys, or a Config from load_config"
        )
    data = _copy(config.raw) if config.raw else _marked({})
    for key, value in flags.items():
        if value is None:
            continue
        path = tuple(key.split(".")) if isinstance(key, str) else tuple(key)
        label = (names or {}).get(key) or _flag_label(path)
        if path == ("rules",):
            value = [*(data.get("rules") or []), *(str(Path(v).resolve()) for v in value)]
        _set(data, path, value, label)
    return _build_config(config.path, data)


def parse_scenarios(text: str | None) -> list[str] | None:
    """`"none,accept,reject"` → a list; None or `auto` → None (decide from the banner)."""
    if text is None or text.strip() in ("", "auto"):
        return None
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [c for c in chosen if c not in SCENARIOS]
    if unknown:
        raise UsageError(
            f"--consent: unknown scenario {unknown[0]!r}", f"use any of {', '.join(SCENARIOS)}"
        )
    return list(dict.fromkeys(chosen))


def _flag_label(path: tuple[str, ...]) -> str:
    return "--" + path[-1].replace("_", "-")


def _copy(value: Any) -> Any:
    """A copy of marked YAML data that keeps the line marks (flags must not touch the file's)."""
    if isinstance(value, MarkedDict):
        copy = MarkedDict({k: _copy(v) for k, v in value.items()})
        copy.line, copy.key_lines = value.line, dict(getattr(value, "key_lines", {}))
        copy.flag_names = dict(getattr(value, "flag_names", {}))
        return copy
    if isinstance(value, MarkedList):
        copy = MarkedList(_copy(v) for v in value)
        copy.line, copy.item_lines = value.line, list(getattr(value, "item_lines", []))
        return copy
    return value


def _set(data: MarkedDict, path: tuple[str, ...], value: Any, label: str) -> None:
    for key in path[:-1]:
        inner = data.get(key)
        if not isinstance(inner, MarkedDict):
            inner = MarkedDict(inner or {})
            inner.line, inner.key_lines = None, {}
            data[key] = inner
        data = inner
    data[path[-1]] = value
    names = getattr(data, "flag_names", None)
    if names is None:
        names = data.flag_names = {}
    names[path[-1]] = label


def _build_config(path: Path | None, data: MarkedDict) -> Config:
    where = Where(path, data)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            where.fail(key, unknown_message(key, TOP_LEVEL_KEYS))
    config = Config(path=path, raw=data)
    config.pages = config_rules.string_list(where, "pages")
    config.base_url, credentials = config_site.base_url(where)
    base = path.parent if path is not None else Path.cwd()
    config.access = config_site.access(_section(where, "browser"), base, credentials)
    config.crawl_plan = config_site.plan(_section(where, "crawl"))
    config.declared = config_site.declared_pages(where, config.base_url)
    config.crawl = _crawl_settings(where)
    config.consent = _scenarios(where)
    config.deliver_hits = _flag(where, "deliver_hits")
    config.browser = _browser(where)
    config.links = _links(where)
    config.providers = [entry.data for entry in config_rules.entries(where, "providers")]
    config.rule_files = [base / p for p in config_rules.string_list(where, "rules")]
    config.expect = [config_rules.expectation(w) for w in config_rules.entries(where, "expect")]
    config.disable = config_rules.string_list(where, "disable")
    config.severity = config_rules.severities(where)
    config.args = config_rules.rule_args(where)
    config.ignore = [config_rules.ignore(w) for w in config_rules.entries(where, "ignore")]
    config.fail_on = config_rules.choice(where, "fail_on", FAIL_ON_LEVELS)
    config.journeys = read_journeys(where, base)
    return config


def _flag(where: Where, key: str) -> bool:
    value = where.data.get(key, False)
    if not isinstance(value, bool):
        where.fail(key, f"must be true or false, not {value!r}")
    return value


def _scenarios(where: Where) -> list[str] | None:
    if where.data.get("consent") is None:
        return None
    chosen = config_rules.string_list(where, "consent")
    unknown = [c for c in chosen if c not in SCENARIOS]
    if unknown:
        where.fail("consent", f"scenarios are {', '.join(SCENARIOS)}, not {unknown[0]!r}")
    return list(dict.fromkeys(chosen))


def _section(where: Where, key: str) -> Where | None:
    """A cursor on the mapping under `key`, None when absent; refuses anything else."""
    value = where.data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        where.fail(key, "must be a mapping")
    return where.child(key)


def _typed_fields(inner: Where, target: Any, skip: tuple[str, ...] = ()) -> None:
    """Set each key of `inner` on the dataclass `target`, converted to its field's type."""
    types = {f.name: f for f in dataclasses.fields(target)}
    for key, value in inner.data.items():
        if key in skip:
            continue
        if key not in types:
            inner.fail(key, unknown_message(key, [*skip, *types]))
        setattr(target, key, _converted(inner, key, value, getattr(target, key)))


def _converted(inner: Where, key: str, value: Any, default: Any) -> Any:
    if default is None or isinstance(default, str):
        if value is not None and not isinstance(value, (str, int, float)):
            inner.fail(key, f"must be a string, not {value!r}")
        return None if value is None else str(value)
    kind = type(default)
    if isinstance(value, bool) and kind is not bool:
        inner.fail(key, f"must be a {kind.__name__}, not {value!r}")
    if kind is list:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            inner.fail(key, f"must be a list, not {value!r}")
        return [str(v) for v in value]
    try:
        return kind(value)
    except (TypeError, ValueError):
        inner.fail(key, f"must be a {kind.__name__}, not {value!r}")
        raise  # unreachable: fail() raises


def _crawl_settings(where: Where) -> CrawlSettings:
    settings = CrawlSettings()
    inner = _section(where, "crawl")
    if inner is None:
        return settings
    _typed_fields(inner, settings, skip=config_site.PLAN_KEYS)
    for key, least in CRAWL_MINIMUMS.items():
        if getattr(settings, key) < least:
            inner.fail(key, f"must be at least {least}, not {getattr(settings, key)!r}")
    if settings.page_timeout <= 0:
        inner.fail("page_timeout", "must be more than 0 seconds")
    if settings.isolation not in ISOLATION_MODES:
        inner.fail("isolation", f"must be one of {', '.join(ISOLATION_MODES)}")
    return settings


def _browser(where: Where) -> BrowserSection:
    section = BrowserSection()
    inner = _section(where, "browser")
    if inner is not None:
        _typed_fields(inner, section, skip=config_site.ACCESS_KEYS)
    return section


def _links(where: Where) -> LinksSection:
    section = LinksSection()
    inner = _section(where, "links")
    if inner is None:
        return section
    section.targets = config_rules.string_list(inner, "targets")
    section.sources = _link_sources(inner)
    _typed_fields(inner, section.settings, skip=("targets", "sources"))
    settings = section.settings
    for key in ("max_hops", "concurrency", "per_host"):
        if getattr(settings, key) < 1:
            inner.fail(key, "must be at least 1")
    if settings.timeout <= 0:
        inner.fail("timeout", "must be more than 0 seconds")
    if settings.transport not in TRANSPORTS:
        inner.fail("transport", f"must be one of {', '.join(TRANSPORTS)}")
    return section


def _link_sources(inner: Where) -> dict[str, list[str]]:
    """`links.sources`: more names for GA4's source categories, {category: [names]}."""
    sources = _section(inner, "sources")
    if sources is None:
        return {}
    for category in sources.data:
        if category not in LINK_SOURCE_CATEGORIES:
            sources.fail(category, f"must be one of {', '.join(LINK_SOURCE_CATEGORIES)}")
    return {str(c): config_rules.string_list(sources, c) for c in sources.data}
