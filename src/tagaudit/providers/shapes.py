"""Is a request event-shaped? Its events, read from any query or body, without a vendor.

This module owns the judgement behind provider `unknown` (unknown.py): a payload is
event-shaped when one of its records names an event *and* identifies who or when. A record
is a JSON object (the body, each element of a batch at any depth, each line of NDJSON) or
the query string, merged with the fields of its envelope (a batch's `api_key`, `sentAt` …).

- An event name: a strong key (`event`, `event_type`, `eventName`, `en`, `ev` …) with a short
  text value; or a weak one (`type`, `name`, `key`, `action`, `kind`, `t`, `e`), which counts
  only when the record has both an id and a time.
- An id: an anonymous, device, client, session, user, visitor or message id (`anonymousId`,
  `device_id`, `cid`, `session.id` …); a time: `timestamp`, `ts`, `time`, `sentAt`, `date` …
  holding an epoch (s or ms) or an ISO date.

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
    )
)  # fmt: skip
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
    "sentrykey", "accountid", "environmentid", "envid", "websiteid", "datasetid", "key",
)  # fmt: skip
MAX_DEPTH = 4
MAX_RECORDS = 500
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


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
    fields = flat_fields(record)
    outer = flat_fields(envelope)
    has_id = any(_is_id(name, value) for name, value in (*fields, *outer))
    has_time = any(_is_time(name, value) for name, value in (*fields, *outer))
    top = {norm(k): v for k, v in record.items()}
    for inner in record.values():  # `{"xdm": {"eventType": …}}`: a strong name one level down
        if isinstance(inner, dict):
            top.update({norm(k): v for k, v in inner.items() if norm(k) in STRONG_NAMES
                        and norm(k) not in top})  # fmt: skip
    for names, needs_both in ((STRONG_NAMES, False), (WEAK_NAMES, True)):
        enough = (has_id and has_time) if needs_both else (has_id or has_time)
        if not enough:
            continue
        for name in names:
            value = top.get(name)
            if _is_name(value):
                signals = [name, *(["id"] if has_id else []), *(["time"] if has_time else [])]
                return EventRecord(str(value).strip(), record, signals)
    return None


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


def _is_id(name: str, value: Any) -> bool:
    if name not in IDS or isinstance(value, bool):
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
