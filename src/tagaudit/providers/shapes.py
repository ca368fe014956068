"""Is a request event-shaped? Its events, read from any query or body, without a vendor.

This module owns the judgement behind provider `unknown` (unknown.py): a payload is
event-shaped when one of its records names an event *and* identifies who or when. A record
is a JSON object (the body, each element of a batch at any depth, each line of NDJSON) or
the query string, merged with the fields of its envelope (a batch's `api_key`, `sentAt` …).

- An event name: a strong key (`event`, `event_type`, `eventName`, `en`, `ev` …) with a short
  text value, which counts with an id, a time or page context; or a weak one (`type`, `name`,
  `key`, `action`, `kind`, `t`, `e`, looked for one or two objects down when the record has
  none: `{"payload": {"name": …}}`), which counts with an id and a time, or with page context
  and an id, a time or a protocol verb beside it (`{"type": "track", …}`). A verb (`track`,
  `event`) is no name itself; a dotted type tag holding an id (`Vendor.Sdk.<key>.Pageview`)
  names its last part.
- An id: an anonymous, device, client, session, user, visitor, message or trace id
  (`anonymousId`, `device_id`, `cid`, `session.id`, `ai.user.id` …); a time: `timestamp`,
  `ts`, `time`, `sentAt`, `date` … holding an epoch (s or ms) or an ISO date; page context: a
  page field (`url`, `path`, `pg` …) holding a URL or a path.
- A page view without a name: a page field beside a referrer (empty or a URL), or beside
  both a locale and a time zone (`{"pg": "/cart", "lc": "en-US", "tz": "UTC"}`), is the
  event `page_view`.
- A record wrapped alone in a typed key (`{"transaction": {…}}`, NDJSON of RUM intakes) is
  read inside.

So `{"event": "Signup", "anonymous_id": "a1"}` is an event; a GraphQL query, a cart update
(`{"id": "SKU-1", "quantity": 2}`), a search suggest (`?q=sho`) or a feature-flag fetch
(`{"user": {"key": "u1"}}`) is not (tests/providers/test_unknown.py keeps a set of ordinary
API calls that must stay silent). Keys compare without case, `$`, `_` or `-`, so
`$device_id`, `deviceId` and `device-id` are one name. Pure: imports only wire.py.

    >>> [r.event for r in event_records({"event": "Signup", "anonymous_id": "a1"})]
    ['Signup']
    >>> event_records({"query": "{ cart { id } }", "variables": {"id": "c1"}})
    []
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tagaudit.providers.wire import parse_json_loose

STRONG_NAMES = ("event", "eventtype", "eventname", "eventaction", "eventkey", "en", "ev", "evt")
WEAK_NAMES = ("key", "name", "action", "type", "kind", "t", "e")
IDS = frozenset(
    (
        "anonymousid", "anonid", "distinctid", "deviceid", "clientid", "cid", "uid", "userid",
        "visitorid", "visitid", "sessionid", "sid", "uuid", "messageid", "insertid", "vid",
        "stableid", "eventid", "browserid", "viewid", "pageviewid", "userkey", "contextkey",
        "traceid",
    )
)  # fmt: skip
# A longer id at the end of a namespaced key (`ai.user.id`, `app_session_id`) is that id.
ID_SUFFIXES = tuple(sorted(i for i in IDS if len(i) >= 6))
PAGES = frozenset(("url", "href", "path", "pathname", "page", "pg", "p", "pageurl", "dl"))
REFERRERS = frozenset(("referrer", "referer", "ref", "r", "dr", "pagereferrer"))
LOCALES = frozenset(("locale", "lc", "language", "lang", "ul"))
ZONES = frozenset(("timezone", "tz"))
# Verbs of a protocol, not names of events: `{"type": "track", "payload": {"name": …}}`.
VERBS = frozenset(("track", "event", "events", "custom", "customevent", "hit", "collect"))
PAGE_VIEW = "page_view"
TIMES = frozenset(
    (
        "timestamp", "ts", "time", "sentat", "createdat", "creationdate", "date", "clientts",
        "originaltimestamp", "eventtime", "clienttime", "clienttimestamp", "receivedat",
        "startdate", "enddate",
    )
)  # fmt: skip
ACCOUNTS = (
    "writekey", "apikey", "token", "appkey", "clienttoken", "clientkey", "sdkkey", "siteid",
    "idsite", "projectid", "projectkey", "projecttoken", "licensekey", "applicationid",
    "appid", "trackingid", "measurementid", "propertyid", "pixelid", "configid", "ddapikey",
    "sentrykey", "accountid", "environmentid", "envid", "websiteid", "datasetid", "ikey",
    "instrumentationkey", "pid", "key",
)  # fmt: skip
MAX_DEPTH = 4
MAX_RECORDS = 500
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_ID_TOKEN = re.compile(
    r"^(?:[0-9a-f]{16,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.I
)


@dataclass
class EventRecord:
    """One event found in a payload: its name, what made it an event, the record itself."""

    event: str
    record: dict[str, Any]
    signals: list[str] = field(default_factory=list)


def norm(key: Any) -> str:
    """`$device_id`, `deviceId`, `device-id` → `deviceid`."""
    return _NOT_ALNUM.sub("", str(key).lower())


def event_records(payload: Any, envelope: dict[str, Any] | None = None) -> list[EventRecord]:
    """Every event-shaped record of `payload` (a dict, a list, or JSON text), in order."""
    found: list[EventRecord] = []
    for record, outer in explode(payload, envelope or {}):
        judged = judge(record, outer)
        if judged is not None:
            found.append(judged)
    return found


def explode(
    payload: Any, envelope: dict[str, Any], depth: int = 0
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(record, envelope) pairs: lists of objects are opened (batches), at any depth."""
    if isinstance(payload, str):
        payload = parse_json_loose(payload)
    if isinstance(payload, list):
        items = [i for i in payload[:MAX_RECORDS] if isinstance(i, (dict, list))]
        return [pair for item in items for pair in explode(item, envelope, depth)]
    if not isinstance(payload, dict):
        return []
    if len(payload) == 1 and depth < MAX_DEPTH:  # `{"transaction": {…}}`: a typed wrapper
        (inner,) = payload.values()
        if isinstance(inner, dict):
            return explode(inner, envelope, depth + 1)
    batches = {k: v for k, v in payload.items() if _is_batch(v)}
    if not batches or depth >= MAX_DEPTH:
        return [(payload, envelope)]
    inner = {**envelope, **{k: v for k, v in payload.items() if k not in batches}}
    pairs = [pair for v in batches.values() for pair in explode(v, inner, depth + 1)]
    return pairs or [(payload, envelope)]


def _is_batch(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) for i in value)


def judge(record: dict[str, Any], envelope: dict[str, Any]) -> EventRecord | None:
    """The record as an event, or None when it does not name one and say who or when."""
    fields = [*flat_fields(record), *flat_fields(envelope)]
    has_id = any(_is_id(name, value) for name, value in fields)
    has_time = any(_is_time(name, value) for name, value in fields)
    names = {name for name, _ in fields}
    referrer = any(name in REFERRERS and _is_referrer(value) for name, value in fields)
    page = any(name in PAGES and _is_page(value) for name, value in fields)
    verb = any(norm(k) in WEAK_NAMES and norm(v) in VERBS for k, v in record.items())
    said = [*(["id"] if has_id else []), *(["time"] if has_time else [])]
    said += ["page"] if page else []
    top = {norm(k): v for k, v in record.items()}
    for inner in record.values():  # `{"xdm": {"eventType": …}}`: a strong name one level down
        if isinstance(inner, dict):
            top.update({norm(k): v for k, v in inner.items() if norm(k) in STRONG_NAMES
                        and norm(k) not in top})  # fmt: skip
    if has_id or has_time or page:
        for name in STRONG_NAMES:
            if _is_name(top.get(name)):
                return EventRecord(str(top[name]).strip(), record, [name, *said])
    if (has_id and has_time) or (page and (has_id or has_time or verb)):
        found = _weak_name(record)
        if found is not None:
            return EventRecord(found[1], record, [found[0], *said])
    if page and (referrer or (names & LOCALES and names & ZONES)):
        return EventRecord(PAGE_VIEW, record, ["page view", *said])
    return None


def _weak_name(record: dict[str, Any], depth: int = 0) -> tuple[str, str] | None:
    """(key, name) of the first weak name of the record, else of an object one or two down."""
    top = {norm(k): v for k, v in record.items()}
    for key in WEAK_NAMES:
        name = _named(top.get(key))
        if name is not None:
            return key, name
    if depth >= 2:
        return None
    for inner in record.values():
        if isinstance(inner, dict):
            found = _weak_name(inner, depth + 1)
            if found is not None:
                return found
    return None


def _named(value: Any) -> str | None:
    """A weak value as a name: protocol verbs are none; `A.B.<id>.Pageview` is `Pageview`."""
    if not _is_name(value):
        return None
    text = str(value).strip()
    parts = text.split(".")
    if len(parts) > 2 and any(_ID_TOKEN.match(p) for p in parts):
        text = parts[-1]
    return None if norm(text) in VERBS or not _is_name(text) else text


def flat_fields(record: dict[str, Any], depth: int = 0, parent: str = "") -> list[tuple[str, Any]]:
    """(normalised name, value) of scalar fields, an `id` or `key` of a nested object joined
    to its parent's name (`session: {id: …}` gives `sessionid`), two levels deep."""
    out: list[tuple[str, Any]] = []
    for key, value in record.items():
        name = norm(key)
        if isinstance(value, dict):
            if depth < 2:
                out += flat_fields(value, depth + 1, name)
        elif not isinstance(value, list):
            out.append((name, value))
            if parent and name in ("id", "key"):  # session.id, context.key (LaunchDarkly)
                out.append((parent + name, value))
    return out


def account_of(fields: list[tuple[str, Any]]) -> str | None:
    """The best guess at the account a payload names (api key, write key, site id …)."""
    by_name: dict[str, Any] = {}
    for name, value in fields:
        by_name.setdefault(name, value)
    for name in ACCOUNTS:
        value = by_name.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()[:120]
    return None


def _is_name(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not 0 < len(text) <= 100 or "\n" in text or text.startswith("http"):
        return False
    if text[:1] in "{[" and parse_json_loose(text) is not None:  # JSON, not a name ([CLY]_view is)
        return False
    return any(c.isalpha() for c in text)  # `t=1`, `e=0` are flags, not names


def _is_page(value: Any) -> bool:
    """A URL or a path: what a page field holds (`?page=2` does not)."""
    return isinstance(value, str) and value.startswith(("/", "http://", "https://"))


def _is_referrer(value: Any) -> bool:
    """Empty (a direct visit) or a URL: `ref=nav` or `r=2` is no referrer."""
    return isinstance(value, str) and (
        not value.strip() or value.startswith(("http://", "https://"))
    )


def _is_id(name: str, value: Any) -> bool:
    if isinstance(value, bool) or not (name in IDS or name.endswith(ID_SUFFIXES)):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and 2 <= len(value.strip()) <= 200


def _is_time(name: str, value: Any) -> bool:
    if name not in TIMES or isinstance(value, bool):
        return False
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.match(text):
            return True
        try:
            value = float(text)
        except ValueError:
            return False
    return isinstance(value, (int, float)) and value >= 1e9
