"""tagaudit.yaml → a typed Config, and flags or keywords over it. Errors name file, line, field.

A Config composes the settings each part owns, unchanged: `page` and `session` (the browser:
tagaudit.browser.settings), `crawl`, `consent`, `links`, `rules` (tagaudit.rules.options) and
`journeys`; the site itself (`pages`, `base_url`, `providers`) sits on the Config. Every field
a user can set says where it lives in the file, its flag and its help
(tagaudit.model.settings), so the file, the command line and the library share one definition:
`with_options` checks a flag or keyword with the very reader of the key it overrides (a bad
one is reported under its flag's name). Knows nothing of browsers, HTTP or reporters.

A complete tagaudit.yaml (every key optional):

    base_url: https://staging.shop.example  # then pages (and expectations) may be paths
    pages: [https://shop.example/, https://shop.example/checkout/thank-you]
    crawl: {concurrency: 4, max_pages: 50, depth: 0, quiet_ms: 400, page_timeout: 30,
            max_wait_ms: 5000, isolation: reuse,
            action_timeout: 10,           # a journey action's wait for its element (s)
            # discovered pages (config/site.py): sitemaps (true: robots.txt's, /sitemap.xml),
            # robots.txt, URL patterns as in rule scopes, at most N pages per URL template
            sitemap: true, robots: true, include: ["/**"], exclude: ["/admin/**"],
            per_template: 5, templates: ["/p/*"]}
    consent: [none, accept, reject]       # or "none,accept,reject"; auto: from the banner
    deliver_hits: false
    browser: {path: /usr/bin/chromium, endpoint: null, locale: en-US, timezone: Europe/Paris,
              user_agent: "…", args: [--proxy-server=http://proxy.internal:3128],
              # staging access (config/site.py): secrets as ${ENV_VARS}, sent to the site only
              headers: {X-Token: "${TOKEN}"}, cookies: [{name: preview, value: "1"}],
              basic_auth: {username: preview, password: "${STAGING_PASSWORD}"},
              storage_state: auth.json, device: iPhone 13, viewport: 390x844}
    providers:                            # first-party endpoints, as data (`tagaudit providers`)
      - id: acme_collector
        name: Acme first-party collector
        endpoints: [{kind: hit, hosts: [t.shop.example], paths: ['^/e$']}]
    links:                                # `tagaudit links`
      targets: [campaign-links.csv]
      max_hops: 10                        # any link checker setting (tagaudit.links.settings)
      consent: accept                     # the choice made on a landing's banner (or none)
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
    keep_secrets: false                   # true: the JSON report keeps credentials (README)
    journeys: [...]                       # tagaudit.journeys.settings shows the format
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tagaudit.browser.settings import PageSettings, SessionSettings
from tagaudit.config import rules as config_rules
from tagaudit.config import site as config_site
from tagaudit.config.fields import Described, Reader, described, override_cursor, read_value
from tagaudit.config.journeys import read_journeys
from tagaudit.consent.settings import ConsentSettings
from tagaudit.crawl.settings import CrawlSettings
from tagaudit.errors import ConfigError, UsageError
from tagaudit.journeys.settings import JourneySettings
from tagaudit.links.settings import LinkSettings
from tagaudit.model import SCENARIOS
from tagaudit.model.settings import setting
from tagaudit.rules.options import RuleOptions
from tagaudit.yamlfile import MarkedDict, MarkedList, Where, load_yaml, unknown_message

# The sections whose keys belong to the parts' settings (`crawl.quiet_ms` is the page's).
SECTIONS = ("crawl", "browser", "links")
LINK_SOURCE_CATEGORIES = ("search", "social", "shopping", "video")


@dataclass
class Config:
    """Everything a run needs from the user, with defaults that work with zero config."""

    path: Path | None = None
    pages: list[str] = field(default_factory=list)
    base_url: str | None = setting(
        None,
        key="base_url",
        flag="--base-url",
        metavar="URL",
        help="The site's address: pages given as paths (/checkout/) are joined to it "
        "(default: the config's base_url).",
    )
    keep_secrets: bool = setting(
        False,
        key="keep_secrets",
        flag="--keep-secrets",
        help="Keep credentials (URL passwords, tokens, Authorization and Cookie headers) in "
        "the JSON report. Without it every report masks them as ***; the terminal, HTML, "
        "Markdown, JUnit and SARIF always do. Do not publish a JSON written with it.",
    )
    page: PageSettings = field(default_factory=PageSettings)
    session: SessionSettings = field(default_factory=SessionSettings)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    consent: ConsentSettings = field(default_factory=ConsentSettings)
    links: LinkSettings = field(default_factory=LinkSettings)
    rules: RuleOptions = field(default_factory=RuleOptions)
    journeys: JourneySettings = field(default_factory=JourneySettings)
    # The user's provider entries (catalog.yaml's schema), checked when the catalog is built.
    providers: list[dict[str, Any]] = field(default_factory=list)
    # Each `pages:` entry as written → its place in the file ("tagaudit.yaml:4").
    page_lines: dict[str, str] = field(default_factory=dict)

    @property
    def declared(self) -> dict[str, str]:
        """Each `pages:` entry's URL (joined to the base URL in force, a flag's included) →
        its place in the file, for reports that point at it (SARIF)."""
        return config_site.declared_pages(self.page_lines, self.base_url)

    def rule_options(self) -> RuleOptions:
        """The rules' settings as the rules engine takes them: with the links' own GA4
        source names (`links.sources`), which the channel rules read."""
        return replace(self.rules, link_sources=dict(self.links.sources))

    def with_options(
        self, values: dict[str, Any], allowed: tuple[str, ...], as_flags: bool = False
    ) -> Config:
        """A new Config: `values` (keyword → value; None: not given) over this one.

        `allowed` are the object paths a command accepts (`crawl.concurrency`); a keyword
        outside them is a UsageError. Each value is read by the reader of the key it
        overrides, and a bad one is reported under its keyword, or with `as_flags` under its
        flag (`--concurrency`). List settings that extend (`rules`) are added to the file's.
        """
        table = {d.keyword: d for d in SETTINGS if d.path in allowed}
        unknown = sorted(set(values) - set(table))
        if unknown:
            known = ", ".join(sorted(table))
            raise UsageError(f"unknown option {unknown[0]!r} (known: {known})")
        given = {name: value for name, value in values.items() if value is not None}
        if not given:
            return self
        config = copy.deepcopy(self)
        for name, value in given.items():
            _override(config, table[name], value, as_flags)
        return config

    def with_rule_arg(self, rule_id: str, name: str, value: Any, label: str) -> Config:
        """A new Config where rule `rule_id` takes argument `name` from an option (the
        file's other arguments of that rule kept); the rules engine checks it when the rules
        load, and a bad one is reported under the option's `label`."""
        config = copy.deepcopy(self)
        args = config.rules.args
        if not isinstance(args, MarkedDict):
            args = _marked(dict(args))
        inner = override_cursor(name, value, label).data
        for key, existing in (args.get(rule_id) or {}).items():
            inner.setdefault(key, existing)
        args[rule_id] = inner
        config.rules.args = args
        return config


SETTINGS: tuple[Described, ...] = described(Config, "")
BY_KEY: dict[str, Described] = {d.setting.key: d for d in SETTINGS if d.setting.key}
TOP_LEVEL_KEYS = tuple(dict.fromkeys(["pages", *(k.split(".")[0] for k in BY_KEY), "providers"]))


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


def _readers(base: Path, config: Config) -> dict[str, Reader]:
    """Every key that needs more than its type, by its tagaudit.yaml key."""
    missing = config.session.access.unresolved
    return {
        **config_site.readers(base, missing),
        "consent": _scenarios,
        "links.sources": _link_sources,
        "rules": lambda where, key: [base / p for p in config_rules.string_list(where, key)],
        "expect": lambda where, key: [
            config_rules.expectation(w) for w in config_rules.entries(where, key)
        ],
        "ignore": lambda where, key: [
            config_rules.ignore(w) for w in config_rules.entries(where, key)
        ],
        "severity": lambda where, key: config_rules.severities(where),
        "args": lambda where, key: config_rules.rule_args(where),
    }


def _build_config(path: Path | None, data: MarkedDict) -> Config:
    where = Where(path, data)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            where.fail(key, unknown_message(key, TOP_LEVEL_KEYS))
    config = Config(path=path)
    base = path.parent if path is not None else Path.cwd()
    readers = _readers(base, config)
    config.pages = config_rules.string_list(where, "pages")
    config.base_url, credentials = config_site.base_url(where)
    for key in data:
        if key in SECTIONS:
            _read_section(where, key, config, readers)
        elif key in BY_KEY and key not in ("base_url", "journeys"):
            _assign(config, BY_KEY[key], read_value(where, key, BY_KEY[key], readers))
    config.journeys.journeys, expected = read_journeys(where, base)
    config.rules.expect = [*config.rules.expect, *expected]
    browser = _section(where, "browser")
    config_site.bind_access(config.session.access, credentials, browser)
    crawl = _section(where, "crawl")
    if config.crawl.sitemap and crawl is not None and crawl.line("sitemap") is not None:
        config.crawl.sitemap_source = f"{path}:{crawl.line('sitemap')}"
    config.providers = [entry.data for entry in config_rules.entries(where, "providers")]
    config.page_lines = config_site.page_lines(where)
    config.rules.source = str(path) if path else None
    return config


def _read_section(where: Where, name: str, config: Config, readers: dict[str, Reader]) -> None:
    """Every key of section `name` (`crawl:`), each into the part's settings that owns it."""
    inner = _section(where, name)
    if inner is None:
        return
    keys = {d.leaf_key: d for k, d in BY_KEY.items() if k.startswith(name + ".")}
    for key in inner.data:
        if key not in keys:
            inner.fail(key, unknown_message(key, keys))
        _assign(config, keys[key], read_value(inner, key, keys[key], readers))


def _section(where: Where, key: str) -> Where | None:
    """A cursor on the mapping under `key`, None when absent; refuses anything else."""
    value = where.data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        where.fail(key, "must be a mapping")
    return where.child(key)


def _owner(config: Config, setting_: Described) -> Any:
    """The settings object a setting lives on (`crawl.concurrency` → config.crawl)."""
    target: Any = config
    for owner in setting_.path.split(".")[:-1]:
        target = getattr(target, owner)
    return target


def _assign(config: Config, setting_: Described, value: Any) -> None:
    setattr(_owner(config, setting_), setting_.name, value)


def _override(config: Config, setting_: Described, value: Any, as_flags: bool) -> None:
    label = (setting_.setting.flag or setting_.keyword) if as_flags else setting_.keyword
    if setting_.setting.key == "base_url":
        cursor = override_cursor("base_url", value, label)
        config.base_url, credentials = config_site.base_url(cursor)
        config_site.bind_access(config.session.access, credentials, None)
        return
    key = setting_.leaf_key
    cursor = override_cursor(key, value, label)
    read = read_value(cursor, key, setting_, _readers(Path.cwd(), config))
    if setting_.setting.extends:
        read = [*getattr(_owner(config, setting_), setting_.name), *read]
    _assign(config, setting_, read)
    if setting_.setting.key == "browser.storage_state":
        config_site.bind_access(config.session.access, None, None)


def _scenarios(where: Where, key: str) -> list[str] | None:
    """`consent:` as a list of scenarios (`none,accept` text too); None or `auto`: decide
    from the banner."""
    value = where.data.get(key)
    if value is None or (isinstance(value, str) and value.strip() in ("", "auto")):
        return None
    if isinstance(value, str):
        chosen = [part.strip() for part in value.split(",") if part.strip()]
    else:
        chosen = config_rules.string_list(where, key)
    unknown = [c for c in chosen if c not in SCENARIOS]
    if unknown:
        where.fail(key, f"scenarios are {', '.join(SCENARIOS)}, not {unknown[0]!r}")
    return list(dict.fromkeys(chosen))


def _link_sources(inner: Where, key: str) -> dict[str, list[str]]:
    """`links.sources`: more names for GA4's source categories, {category: [names]}."""
    sources = _section(inner, key)
    if sources is None:
        return {}
    for category in sources.data:
        if category not in LINK_SOURCE_CATEGORIES:
            sources.fail(category, f"must be one of {', '.join(LINK_SOURCE_CATEGORIES)}")
    return {str(c): config_rules.string_list(sources, c) for c in sources.data}
