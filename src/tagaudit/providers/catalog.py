"""The provider catalog: loading catalog.yaml (+ user entries), validating it, typed access.

This module owns the catalog *schema* (documented at the top of catalog.yaml) and turns the
data into frozen `Provider` / `Endpoint` objects. Malformed entries raise `ConfigError` naming
the field, and the line when the entry came from YAML. It must not import a browser or httpx.

Example of a user entry (tagaudit.yaml) adding a first-party GA4 endpoint and a new vendor::

    providers:
      - id: ga4
        endpoints: [{kind: hit, hosts: [t.example.com], paths: ['^/collect/v2$']}]
      - id: acme
        name: Acme Pixel
        account: [aid]
        event: [ev]
        endpoints: [{kind: hit, hosts: [px.acme.test], paths: ['^/hit$']}]

    >>> providers = parse_providers([{"id": "acme", "name": "Acme", "account": ["aid"],
    ...     "endpoints": [{"kind": "hit", "hosts": ["px.acme.test"], "paths": ["^/hit$"]}]}])
    >>> providers["acme"].endpoints[0].hosts
    ('px.acme.test',)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from tagaudit.errors import ConfigError
from tagaudit.patterns import BoundedRegex, regex_problem
from tagaudit.yamlfile import FastSafeLoader, load_bounded

ENDPOINT_KINDS = ("hit", "aux", "ping", "library", "config")
# Answered locally, never delivered: hits, their side requests (aux), and pings.
COLLECTION_KINDS = frozenset({"hit", "aux", "ping"})
SHARED_NAMES = ("value", "currency", "transaction_id", "event_id", "items", "page_url")
DECODERS = (
    "generic",
    "ga4",
    "universal_analytics",
    "google_ads",
    "floodlight",
    "x_ads",
    "criteo",
    "matomo",
    "adobe_analytics",
    "cdp",
    "snowplow",
    "launchdarkly",
    "faro",
    "clarity",
)
_PROVIDER_KEYS = {
    "id", "name", "type", "decoder", "account", "event", "shared", "json_params", "records",
    "consent", "labels", "endpoints", "queues", "unique_event_ids", "family",
}  # fmt: skip
_FAMILY_KEYS = {"name", "paths", "require", "files"}
_ENDPOINT_KEYS = {"kind", "hosts", "paths", "require", "account", "event", "transport", "answer"}
_ANSWER_KEYS = {"status", "body", "content_type"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
BUILTIN_SOURCE = "tagaudit/providers/catalog.yaml"


@dataclass(frozen=True)
class Pick:
    """One way to read a value: a param/template, a literal, or a literal if a param is set."""

    template: str | None = None
    value: str | None = None
    when: str | None = None


@dataclass(frozen=True)
class Endpoint:
    """Where a provider's requests go: hosts, path patterns, kind, optional query needs."""

    provider: str
    kind: str
    hosts: tuple[str, ...]
    paths: tuple[re.Pattern[str], ...]
    require: tuple[tuple[str, re.Pattern[str]], ...] = ()
    account: tuple[Pick, ...] | None = None
    event: tuple[Pick, ...] | None = None
    transport: str | None = None
    # How the vendor answers (status, body, content_type): SDKs that read the answer
    # (PostHog, Amplitude, Mixpanel) re-send on anything else, faking duplicate events.
    answer: tuple[tuple[str, Any], ...] = ()

    @property
    def is_collection(self) -> bool:
        return self.kind in COLLECTION_KINDS


@dataclass(frozen=True)
class Family:
    """A provider's wire format recognised on any host: a path, then the decoded body.

    `name` is what reports call such a collector ("Segment-compatible"); `paths` are searched
    in the URL path; `require` maps record fields to regexes that every event the request
    carries must meet (a key `a|b` is met by either field). The catalog's hosts are tried
    first: a family is for hosts nobody listed (first-party proxies, self-hosted or
    server-side collectors, SDKs that speak another vendor's protocol). `files` are paths of
    the family's settings (a GET that carries no event) that an SDK of the family must load
    before it sends anything: on any host they load like a known vendor's (browser/gate.py).
    """

    name: str
    paths: tuple[re.Pattern[str], ...]
    require: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = ()
    files: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Provider:
    """A vendor: its id, how to read account/event/shared params, and its endpoints."""

    id: str
    name: str
    type: str = "other"
    decoder: str = "generic"
    account: tuple[Pick, ...] = ()
    event: tuple[Pick, ...] = ()
    shared: dict[str, tuple[Pick, ...]] = field(default_factory=dict)
    json_params: tuple[str, ...] = ()
    records: tuple[str, ...] = ()
    consent: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    endpoints: tuple[Endpoint, ...] = ()
    # localStorage keys (regexes) where the SDK keeps events it has not sent yet
    queues: tuple[re.Pattern[str], ...] = ()
    # Its event_id is made by the SDK, one per event: a repeat is a re-send, not a new event
    unique_event_ids: bool = False
    # Its wire format on hosts the catalog does not list (see Family)
    family: Family | None = None


class _Where:
    """Names the place of an error: source file, line (when YAML gave one), field path."""

    def __init__(self, source: str | None, line: int | None, path: str) -> None:
        self.source, self.line, self.path = source, line, path

    def at(self, key: str | int, node: Any = None) -> _Where:
        line = getattr(node, "line", None) or self.line
        sep = f"[{key}]" if isinstance(key, int) else f".{key}"
        return _Where(self.source, line, f"{self.path}{sep}")

    def fail(self, message: str) -> ConfigError:
        return ConfigError(message, path=self.source, line=self.line, field=self.path)

    def describe(self) -> str:
        """`tagaudit.yaml:12 providers[0].endpoints[0].paths[0]`: where, in words."""
        place = f"{self.source or 'providers'}" + (f":{self.line}" if self.line else "")
        return f"{place} {self.path}"


class LineDict(dict):
    """A dict that remembers the YAML line it started on (1-based)."""

    line: int | None = None


def _construct_line_dict(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(yaml.constructor.SafeConstructor.construct_mapping(loader, node))
    mapping.line = node.start_mark.line + 1
    return mapping


class _LineLoader(yaml.SafeLoader):
    """Mappings as LineDict, for the user's provider files."""


class _FastLineLoader(FastSafeLoader):  # type: ignore[misc, valid-type]
    """The same on libyaml's parser, for the catalog shipped with tagaudit."""


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_line_dict)


def load_yaml(text: str, source: str | None = None, shipped: bool = False) -> Any:
    """YAML text → data whose mappings carry `.line`; syntax errors become ConfigError.

    `shipped`: tagaudit's own catalog, read with the fast parser (yamlfile.FastSafeLoader)."""
    try:
        return load_bounded(text, _FastLineLoader if shipped else _LineLoader, source)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ConfigError(f"not valid YAML: {problem}", path=source, line=line) from None


def _str_list(value: Any, where: _Where) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise where.fail("must be a list of strings")
    return tuple(str(v) for v in value)


def _picks(value: Any, where: _Where) -> tuple[Pick, ...]:
    """Alternatives: 'param', 'AW-{a}/{b}', {value: x}, {if: param, value: x}."""
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        raise where.fail("must be a list of alternatives (param names, templates or {value: x})")
    picks: list[Pick] = []
    for index, item in enumerate(value):
        spot = where.at(index, item)
        if isinstance(item, (str, int)):
            text = str(item)
            picks.append(Pick(template=text if "{" in text else "{" + text + "}"))
        elif isinstance(item, dict) and "value" in item and set(item) <= {"value", "if"}:
            when = item.get("if")
            picks.append(Pick(value=str(item["value"]), when=None if when is None else str(when)))
        else:
            raise spot.fail("each alternative is a param name, a template or {value: x, if: p}")
    return tuple(picks)


def _regex(text: Any, where: _Where) -> Any:
    """A compiled regex: `re` for the shipped catalog; for a user's, a BoundedRegex (each
    match time-limited) after refusing the catastrophic forms (tagaudit.patterns)."""
    if not isinstance(text, str):
        raise where.fail("must be a regular expression string")
    try:
        compiled = re.compile(text)
    except re.error as problem:
        raise where.fail(f"invalid regular expression {text!r}: {problem}") from None
    if where.source == BUILTIN_SOURCE:
        return compiled
    problem = regex_problem(text)
    if problem is not None:
        raise where.fail(f"{text!r}: {problem}")
    return BoundedRegex(text, where.describe())


def _check_keys(data: Any, allowed: set[str], where: _Where, what: str) -> None:
    if not isinstance(data, dict):
        raise where.fail(f"{what} must be a mapping")
    unknown = sorted(set(map(str, data)) - allowed)
    if unknown:
        raise where.at(unknown[0]).fail(f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _hosts(value: Any, where: _Where) -> tuple[str, ...]:
    hosts = tuple(h.strip().lower() for h in _str_list(value, where))
    if not hosts:
        raise where.fail("needs at least one host")
    for host in hosts:
        bare = host.removeprefix("*.").removesuffix(".*")
        if host != "*" and (not bare or "/" in bare or "*" in bare or ":" in bare):
            raise where.fail(f"bad host pattern {host!r} (host, *.domain, prefix.* or *)")
    return hosts


def parse_endpoint(data: Any, provider_id: str, where: _Where) -> Endpoint:
    """One endpoint mapping → Endpoint (validated)."""
    _check_keys(data, _ENDPOINT_KEYS, where, "an endpoint")
    kind = data.get("kind", "hit")
    if kind not in ENDPOINT_KINDS:
        raise where.at("kind").fail(f"must be one of {', '.join(ENDPOINT_KINDS)}, not {kind!r}")
    if "hosts" not in data:
        raise where.at("hosts").fail("is required")
    hosts = _hosts(data["hosts"], where.at("hosts"))
    raw_paths = data.get("paths", [])
    paths = tuple(
        _regex(p, where.at("paths").at(i)) for i, p in enumerate(_str_list(raw_paths, where))
    )
    if "*" in hosts and not paths:
        raise where.at("paths").fail('is required when hosts contains "*" (any host)')
    require = data.get("require") or {}
    if not isinstance(require, dict):
        raise where.at("require").fail("must map param names to regexes")
    return Endpoint(
        provider=provider_id,
        kind=kind,
        hosts=hosts,
        paths=paths or (re.compile(""),),
        require=tuple(
            (str(k), _regex(v, where.at("require").at(str(k)))) for k, v in require.items()
        ),
        account=_picks(data["account"], where.at("account")) if "account" in data else None,
        event=_picks(data["event"], where.at("event")) if "event" in data else None,
        transport=str(data["transport"]) if data.get("transport") else None,
        answer=_answer(data.get("answer"), where.at("answer")),
    )


def _answer(data: Any, where: _Where) -> tuple[tuple[str, Any], ...]:
    """`answer: {status: 200, body: '{"status":1}', content_type: application/json}`."""
    if data is None:
        return ()
    _check_keys(data, _ANSWER_KEYS, where, "an answer")
    status = data.get("status", 200)
    if not isinstance(status, int) or not 200 <= status < 600:
        raise where.at("status").fail("must be an HTTP status, like 200")
    answer: dict[str, Any] = {"status": status, "body": str(data.get("body", ""))}
    if data.get("content_type"):
        answer["content_type"] = str(data["content_type"])
    return tuple(answer.items())


def _family(data: Any, where: _Where) -> Family:
    """`family: {name, paths, require, files}` → Family (validated like an endpoint's fields)."""
    _check_keys(data, _FAMILY_KEYS, where, "a family")
    if not data.get("name"):
        raise where.at("name").fail("is required (what reports call such a collector)")
    raw_paths = _str_list(data.get("paths", []), where.at("paths"))
    if not raw_paths:
        raise where.at("paths").fail("needs at least one path regex")
    paths = tuple(_regex(p, where.at("paths").at(i)) for i, p in enumerate(raw_paths))
    raw_files = _str_list(data.get("files", []), where.at("files"))
    files = tuple(_regex(p, where.at("files").at(i)) for i, p in enumerate(raw_files))
    require = data.get("require") or {}
    if not isinstance(require, dict):
        raise where.at("require").fail("must map record fields to regexes")
    return Family(
        name=str(data["name"]),
        paths=paths,
        require=tuple(
            (tuple(str(k).split("|")), _regex(v, where.at("require").at(str(k))))
            for k, v in require.items()
        ),
        files=files,
    )


def _endpoints(data: Any, provider_id: str, where: _Where) -> tuple[Endpoint, ...]:
    if not isinstance(data, list) or not data:
        raise where.fail("must be a non-empty list of endpoints")
    return tuple(parse_endpoint(e, provider_id, where.at(i, e)) for i, e in enumerate(data))


def _shared(data: Any, where: _Where) -> dict[str, tuple[Pick, ...]]:
    if not isinstance(data, dict):
        raise where.fail("must map shared names to alternatives")
    for name in data:
        if name not in SHARED_NAMES:
            raise where.at(str(name)).fail(f"unknown shared name (use {', '.join(SHARED_NAMES)})")
    return {str(k): _picks(v, where.at(str(k))) for k, v in data.items()}


def parse_provider(data: Any, where: _Where, base: Provider | None = None) -> Provider:
    """One provider mapping → Provider; with `base`, the mapping extends an existing one."""
    _check_keys(data, _PROVIDER_KEYS, where, "a provider")
    pid = str(data.get("id", ""))
    if not _ID.match(pid):
        raise where.at("id").fail("must be a lowercase id like ga4 or my_vendor")
    if base is None and not data.get("name"):
        raise where.at("name").fail("is required for a new provider")
    decoder = data.get("decoder", base.decoder if base else "generic")
    if decoder not in DECODERS:
        raise where.at("decoder").fail(f"must be one of {', '.join(DECODERS)}")
    labels = data.get("labels", {})
    if not isinstance(labels, dict):
        raise where.at("labels").fail("must map param names to labels")
    own = ()
    if base is None or "endpoints" in data:
        own = _endpoints(data.get("endpoints"), pid, where.at("endpoints"))
    fields: dict[str, Any] = {
        "id": pid,
        "name": str(data.get("name") or base.name),  # type: ignore[union-attr]
        "type": str(data.get("type") or (base.type if base else "other")),
        "decoder": decoder,
        "endpoints": (base.endpoints if base else ()) + own,
        "labels": {**(base.labels if base else {}), **{str(k): str(v) for k, v in labels.items()}},
    }
    for key in ("account", "event"):
        if key in data:
            fields[key] = _picks(data[key], where.at(key))
    if "shared" in data:
        fields["shared"] = {
            **(base.shared if base else {}),
            **_shared(data["shared"], where.at("shared")),
        }
    for key in ("json_params", "records", "consent"):
        if key in data:
            fields[key] = _str_list(data[key], where.at(key))
    if "queues" in data:
        queues = _str_list(data["queues"], where.at("queues"))
        fields["queues"] = tuple(_regex(q, where.at("queues")) for q in queues)
    if "family" in data:
        fields["family"] = _family(data["family"], where.at("family"))
    if "unique_event_ids" in data:
        if not isinstance(data["unique_event_ids"], bool):
            raise where.at("unique_event_ids").fail("must be true or false")
        fields["unique_event_ids"] = data["unique_event_ids"]
    if base is None:
        return Provider(**fields)
    return Provider(**{**base.__dict__, **fields})


def parse_providers(
    entries: Any, source: str | None = None, base: dict[str, Provider] | None = None
) -> dict[str, Provider]:
    """A list of provider mappings → {id: Provider}, extending `base` (kept in order)."""
    root = _Where(source, getattr(entries, "line", None), "providers")
    if not isinstance(entries, list):
        raise root.fail("must be a list of providers")
    out = dict(base or {})
    for index, entry in enumerate(entries):
        line = getattr(entry, "line", None) or (
            entry.get("__line__") if isinstance(entry, dict) else None
        )
        where = _Where(source, line or root.line, f"providers[{index}]")
        if isinstance(entry, dict):
            entry = {k: v for k, v in entry.items() if k != "__line__"}
        pid = entry.get("id") if isinstance(entry, dict) else None
        out[str(pid)] = parse_provider(entry, where, out.get(str(pid)))
    return out


@functools.lru_cache(maxsize=1)
def builtin_providers() -> dict[str, Provider]:
    """The catalog.yaml shipped in the package, parsed once per process."""
    text = resources.files("tagaudit.providers").joinpath("catalog.yaml").read_text("utf-8")
    data = load_yaml(text, BUILTIN_SOURCE, shipped=True)
    return parse_providers(data.get("providers"), BUILTIN_SOURCE)
