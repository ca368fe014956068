"""tagaudit.yaml → a typed Config. Errors name the file, line and field.

Owns reading the user's configuration (and the line-aware YAML reading that rule files share);
knows nothing of browsers, HTTP or reporters. Imports only `tagaudit.errors` and the
model's vocabulary (`tagaudit.model`).

A complete tagaudit.yaml (every key optional):

    pages: [https://shop.example/, https://shop.example/checkout/thank-you]
    crawl: {concurrency: 4, max_pages: 50}
    consent: [none, accept, reject]
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

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tagaudit.errors import ConfigError
from tagaudit.model import SCENARIOS

SEVERITY_CHOICES = ("error", "warning", "info", "off")
FAIL_ON_CHOICES = ("error", "warning", "info", "never")
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
)
# Keys a user may reasonably write that this version cannot honour: refused, never ignored.
NOT_YET_SUPPORTED = {"journeys": "scripted journeys are not supported yet; list the pages"}


class MarkedDict(dict):
    """A YAML mapping that remembers where it and each of its keys stood (1-based lines)."""

    line: int | None = None
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int | None:
        return getattr(self, "key_lines", {}).get(key, self.line)


class MarkedList(list):
    """A YAML sequence that remembers its line and the line of each item."""

    line: int | None = None
    item_lines: list[int]

    def line_of(self, index: int) -> int | None:
        lines = getattr(self, "item_lines", [])
        return lines[index] if index < len(lines) else self.line


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int) -> None:
        super().__init__(key)
        self.key, self.line = key, line


class _MarkedLoader(yaml.SafeLoader):
    """SafeLoader building MarkedDict / MarkedList, refusing duplicate keys."""


def _construct_mapping(loader: _MarkedLoader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    result = MarkedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _MarkedLoader, node: yaml.SequenceNode) -> MarkedList:
    result = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_MarkedLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
# YAML 1.1 reads `on`, `off`, `yes`, `no` as booleans; `on:` is our page-scope key, so only
# `true` / `false` are booleans here (as in YAML 1.2).
_MarkedLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_MarkedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file into Marked containers; any problem is a ConfigError with a line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as problem:
        raise ConfigError(f"cannot read file: {problem.strerror}", path=str(path)) from None
    try:
        return yaml.load(text, Loader=_MarkedLoader)  # a SafeLoader subclass
    except _DuplicateKey as dup:
        raise ConfigError(
            "key appears twice", path=str(path), line=dup.line, field=str(dup.key)
        ) from None
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(problem, "problem", None) or "not valid YAML"
        raise ConfigError(f"not valid YAML ({reason})", path=str(path), line=line) from None


@dataclass
class CrawlSettings:
    """How pages are loaded: concurrency, timeouts, the quiet period that catches late beacons."""

    concurrency: int = 4
    page_timeout: float = 30.0
    quiet_ms: int = 800
    max_wait_ms: int = 5000
    max_pages: int = 200
    depth: int = 0


@dataclass
class Expectation:
    """One compact site expectation from `expect:`, compiled into rules by tagaudit.rules."""

    provider: str
    account: str | None = None
    event: str | None = None
    on: list[str] = field(default_factory=lambda: ["**"])
    not_on: list[str] = field(default_factory=list)
    params: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    absent: bool = False
    min: int | None = None
    max: int | None = None
    severity: str | None = None
    id: str | None = None
    line: int | None = None


@dataclass
class Ignore:
    """A known finding to keep reporting but not count: by fingerprint, or by rule (+ pages)."""

    reason: str
    fingerprint: str | None = None
    rule: str | None = None
    on: list[str] = field(default_factory=list)


@dataclass
class Config:
    """Everything a run needs from the user, with defaults that work with zero config."""

    path: Path | None = None
    pages: list[str] = field(default_factory=list)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    consent: list[str] | None = None
    deliver_hits: bool = False
    rule_files: list[Path] = field(default_factory=list)
    expect: list[Expectation] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    # rule id → arguments over the rule file's (checked against the rule's kind when the
    # rules are loaded); the values stay marked so errors can name their line.
    args: dict[str, dict[str, Any]] = field(default_factory=dict)
    ignore: list[Ignore] = field(default_factory=list)
    fail_on: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def load_config(path: Path | None) -> Config:
    """Read `path` (or return defaults when None)."""
    if path is None:
        return Config()
    data = load_yaml(Path(path))
    if data is None:
        data = MarkedDict()
    if not isinstance(data, dict):
        raise ConfigError("top level must be a mapping", path=str(path), line=1)
    return _build_config(Path(path), data)


def _build_config(path: Path, data: MarkedDict) -> Config:
    where = Where(path, data)
    for key in data:
        if key in NOT_YET_SUPPORTED:
            where.fail(key, NOT_YET_SUPPORTED[key])
        if key not in TOP_LEVEL_KEYS:
            where.fail(key, f"unknown setting (known: {', '.join(TOP_LEVEL_KEYS)})")
    config = Config(path=path, raw=dict(data))
    config.pages = _string_list(where, "pages")
    config.crawl = _crawl_settings(where)
    config.consent = None if data.get("consent") is None else _string_list(where, "consent")
    unknown = [c for c in config.consent or [] if c not in SCENARIOS]
    if unknown:
        where.fail("consent", f"scenarios are {', '.join(SCENARIOS)}, not {unknown[0]!r}")
    config.deliver_hits = bool(data.get("deliver_hits", False))
    config.rule_files = [path.parent / p for p in _string_list(where, "rules")]
    config.expect = [_expectation(where.child("expect", i)) for i in _indexes(where, "expect")]
    config.disable = _string_list(where, "disable")
    config.severity = _severities(where)
    config.args = _rule_args(where)
    config.ignore = [_ignore(where.child("ignore", i)) for i in _indexes(where, "ignore")]
    config.fail_on = _choice(where, "fail_on", FAIL_ON_CHOICES)
    return config


class Where:
    """A mapping read from a file, with the dotted field path that led to it, for errors."""

    def __init__(self, path: Path | str | None, data: Any, prefix: str = "") -> None:
        self.path, self.data, self.prefix = path, data, prefix

    def name(self, key: Any) -> str:
        if isinstance(key, int):
            return f"{self.prefix}[{key}]"
        return f"{self.prefix}.{key}" if self.prefix else str(key)

    def line(self, key: Any = None) -> int | None:
        if key is not None and isinstance(self.data, (MarkedDict, MarkedList)):
            return self.data.line_of(key)
        return getattr(self.data, "line", None)

    def fail(self, key: Any, message: str) -> None:
        field_name = self.name(key) if key is not None else self.prefix or None
        raise ConfigError(message, path=str(self.path), line=self.line(key), field=field_name)

    def child(self, key: Any, index: int | None = None) -> Where:
        value = self.data[key]
        name = self.name(key)
        if index is not None:
            item = value[index]
            where = Where(self.path, item, f"{name}[{index}]")
            if not isinstance(item, MarkedDict):
                Where(self.path, value, name).fail(index, "each entry must be a mapping")
            return where
        return Where(self.path, value, name)


def _indexes(where: Where, key: str) -> range:
    value = where.data.get(key)
    if value is None:
        return range(0)
    if not isinstance(value, list):
        where.fail(key, "must be a list")
    return range(len(value))


def _string_list(where: Where, key: str, *, single_ok: bool = True) -> list[str]:
    value = where.data.get(key)
    if value is None:
        return []
    if isinstance(value, str) and single_ok:
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        where.fail(key, "must be a list of strings")
    return [str(v) for v in value]


def _choice(where: Where, key: str, choices: tuple[str, ...]) -> str | None:
    value = where.data.get(key)
    if value is None:
        return None
    if value not in choices:
        where.fail(key, f"must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def _crawl_settings(where: Where) -> CrawlSettings:
    settings = CrawlSettings()
    crawl = where.data.get("crawl")
    if crawl is None:
        return settings
    if not isinstance(crawl, dict):
        where.fail("crawl", "must be a mapping")
    inner = where.child("crawl")
    for key, value in crawl.items():
        if not hasattr(settings, key):
            inner.fail(key, "unknown setting")
        kind = type(getattr(settings, key))
        try:
            setattr(settings, key, kind(value))
        except (TypeError, ValueError):
            inner.fail(key, f"must be a {kind.__name__}, not {value!r}")
    return settings


def _severities(where: Where) -> dict[str, str]:
    def problem(level: Any) -> str | None:
        if level in SEVERITY_CHOICES:
            return None
        return f"must be one of {', '.join(SEVERITY_CHOICES)}, not {level!r}"

    return _per_rule(where, "severity", "error|warning|info|off", problem)


def _rule_args(where: Where) -> dict[str, dict[str, Any]]:
    def problem(args: Any) -> str | None:
        return None if isinstance(args, dict) else f"must be a mapping of arguments, not {args!r}"

    return _per_rule(where, "args", "a mapping of arguments", problem)


def _per_rule(
    where: Where, key: str, shape: str, problem: Callable[[Any], str | None]
) -> dict[str, Any]:
    """A `rule id → value` mapping under `key`; `problem(value)` says what is wrong with one."""
    value = where.data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        where.fail(key, f"must map rule ids to {shape}")
    inner = where.child(key)
    for rule_id, item in value.items():
        wrong = problem(item)
        if wrong:
            inner.fail(rule_id, wrong)
    return {str(k): v for k, v in value.items()}


EXPECT_KEYS = ("tag", "event", "on", "not_on", "params", "absent", "min", "max", "severity", "id")


def _expectation(where: Where) -> Expectation:
    data = where.data
    for key in data:
        if key not in EXPECT_KEYS:
            where.fail(key, f"unknown key (known: {', '.join(EXPECT_KEYS)})")
    tag, event = data.get("tag"), data.get("event")
    if not tag and not event:
        where.fail(None, "needs `tag: provider[:account]` or `event: [provider:]event`")
    provider, account = _split_tag(where, "tag", tag) if tag else (None, None)
    if event:
        event_provider, event = _split_event(where, str(event))
        if provider and event_provider and event_provider != provider:
            where.fail("event", f"provider {event_provider!r} differs from tag's {provider!r}")
        provider = provider or event_provider
    if not provider:
        where.fail("event", "name the provider: `ga4:purchase`, or add `tag: ga4`")
    result = Expectation(provider=str(provider), account=account, event=event, line=where.line())
    result.on = _string_list(where, "on") or ["**"]
    result.not_on = _string_list(where, "not_on")
    result.params, result.formats = _params(where)
    result.absent = data.get("absent", False)
    if not isinstance(result.absent, bool):
        where.fail("absent", f"must be true or false, not {result.absent!r}")
    result.min, result.max = _count(where, "min"), _count(where, "max")
    result.severity = _choice(where, "severity", ("error", "warning", "info"))
    result.id = str(data["id"]) if data.get("id") else None
    return result


PARAM_FORMATS = ("number", "integer", "currency", "nonempty")


def _params(where: Where) -> tuple[list[str], dict[str, str]]:
    """`params: [value, currency]`, or a mapping to formats: `{value: number, order: re:^A-}`."""
    value = where.data.get("params")
    if not isinstance(value, dict):
        return _string_list(where, "params"), {}
    inner = where.child("params")
    formats = {}
    for name, fmt in value.items():
        if fmt is None:
            continue
        if not isinstance(fmt, str) or not (fmt in PARAM_FORMATS or fmt.startswith("re:")):
            inner.fail(name, f"format must be one of {', '.join(PARAM_FORMATS)} or re:<regex>")
        if fmt.startswith("re:"):
            try:
                re.compile(fmt[3:])
            except re.error as bad:
                inner.fail(name, f"bad regex: {bad}")
        formats[str(name)] = fmt
    return [str(name) for name in value], formats


def _split_tag(where: Where, key: str, value: Any) -> tuple[str, str | None]:
    if not isinstance(value, str) or not value.strip():
        where.fail(key, "must be `provider` or `provider:account`, e.g. ga4:G-ABC123")
    provider, _, account = value.partition(":")
    return provider.strip(), (account.strip() or None)


def _split_event(where: Where, value: str) -> tuple[str | None, str]:
    provider, sep, event = value.rpartition(":")
    if not event:
        where.fail("event", "must be `event` or `provider:event`, e.g. ga4:purchase")
    return (provider or None) if sep else None, event


def _count(where: Where, key: str) -> int | None:
    value = where.data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        where.fail(key, f"must be a whole number >= 0, not {value!r}")
    return value


def _ignore(where: Where) -> Ignore:
    data = where.data
    for key in data:
        if key not in ("fingerprint", "rule", "on", "reason"):
            where.fail(key, "unknown key (known: fingerprint, rule, on, reason)")
    if not data.get("reason"):
        where.fail(None, "needs a `reason` saying why this finding is accepted")
    if not data.get("fingerprint") and not data.get("rule"):
        where.fail(None, "needs a `fingerprint` (from the report) or a `rule` id")
    return Ignore(
        reason=str(data["reason"]),
        fingerprint=str(data["fingerprint"]) if data.get("fingerprint") else None,
        rule=str(data["rule"]) if data.get("rule") else None,
        on=_string_list(where, "on"),
    )
