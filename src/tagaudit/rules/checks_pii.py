"""Check kind `pii`: personal data (emails, phone numbers, names) inside tracking hits.

Looks at every decoded param, the hit URL's query and the request body, after URL-decoding
(up to three times) and trying base64 on long tokens. False-positive care: hashed values
(hex SHA-256/SHA-1/MD5, as Meta `ud[em]` and Ads enhanced conversions send them) are fine;
image names like `logo@2x.png` are not emails; bare digit runs count as phone numbers only
under a phone-like key. Confidence: `high` for emails and keyed phones, `medium` for formatted
phone numbers without a key and for names under name keys. Evidence is redacted.
Imports only tagaudit.model and tagaudit.rules.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tagaudit.model import Finding, PageVisit, Report, TagHit
from tagaudit.rules.kinds import Kinds, describe_tag, hit_location, request_of
from tagaudit.rules.rule import Rule

KINDS = Kinds()

EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,24})")
# How far past its `@` an address may reach (RFC 5321: a domain of at most 255 octets), and
# how many `@`s of one value are looked at.
_DOMAIN_REACH = 255
MAX_AT_SIGNS = 10_000
NOT_TLDS = frozenset(
    ["png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "js", "css", "map", "woff", "woff2"]
)
# A `+` first, so the search skips ahead to each `+` (with the lookbehind first, every
# position of a 1 MiB value was tried: 0.2 s); what may not precede it is checked after.
PHONE_FORMATTED = re.compile(r"\+\d[\d ().-]{7,18}\d(?![\w.])")
_WORDLIKE = re.compile(r"[\w.]")
HASHED = re.compile(r"(?:[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{128})")
BASE64_TOKEN = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
PHONE_KEYS = re.compile(r"(?:^|[\[._-])(phone|tel|telephone|mobile|ph|phone_number)(?:\]|$)", re.I)
# Only unambiguous name keys: bare `fn`/`ln` mean other things elsewhere (GA4 item `ln` is
# the item list name), so they count only inside Meta's user-data brackets `ud[fn]`.
NAME_KEYS = re.compile(
    r"(?:^|[._-])(first_?name|last_?name|full_?name|given_?name|family_?name|surname)$"
    r"|(?:^|\.)ud\[(fn|ln)\]$",
    re.I,
)
NAME_VALUE = re.compile(r"[A-Za-zÀ-ÿ' -]{2,40}")


def _decoded_forms(value: str) -> list[tuple[str, str]]:
    """(how, text) for the value as sent, URL-decoded, and base64-decoded tokens."""
    forms, text = [("", value)], value
    for _ in range(3):
        # Only %-escapes: a `+` is a phone prefix as often as an encoded space.
        decoded = unquote(text) if "%" in text else text
        if decoded == text:
            break
        forms.append(("url-encoded", decoded))
        text = decoded
    for token in BASE64_TOKEN.findall(text):
        plain = _from_base64(token)
        if plain:
            forms.append(("base64", plain))
    return forms


def _from_base64(token: str) -> str | None:
    if HASHED.fullmatch(token):
        return None
    padded = token + "=" * (-len(token) % 4)
    try:
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return text if text.isprintable() else None


def _emails(text: str) -> list[str]:
    """The email addresses in `text`, looked for only around its `@`s: searching EMAIL
    from every position of a long value costs 64 steps a character (a page's 1 MiB field
    took 0.2 s per pass); around at most MAX_AT_SIGNS of them (a value of a million `@`s)."""
    found: list[str] = []
    at, seen = text.find("@"), 0
    while at >= 0 and seen < MAX_AT_SIGNS:
        seen += 1
        start = max(0, at - 64)
        for match in EMAIL.finditer(text, start, at + 1 + _DOMAIN_REACH):
            if match.start() <= at < match.end() and match.group(1).lower() not in NOT_TLDS:
                found.append(match.group(0))
                break
        at = text.find("@", at + 1)
    return found


def _formatted_phones(text: str) -> list[str]:
    """`+49 171 2345678`-like numbers not glued to a word or a dot before them."""
    return [
        m.group(0)
        for m in PHONE_FORMATTED.finditer(text)
        if m.start() == 0 or not _WORDLIKE.fullmatch(text[m.start() - 1])
    ]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def detect(key: str, value: str) -> list[dict[str, str]]:
    """PII found in one (key, value): each {type, confidence, found (redacted), how}."""
    if HASHED.fullmatch(value.strip()):
        return []
    found: list[dict[str, str]] = []
    for how, text in _decoded_forms(value):
        for email in _emails(text):
            found.append(_match("email", "high", redact(email), how))
        if PHONE_KEYS.search(key) and 7 <= len(_digits(text)) <= 15 and not HASHED.search(text):
            found.append(_match("phone", "high", redact(text), how))
        else:
            for phone in _formatted_phones(text):
                if 8 <= len(_digits(phone)) <= 15:
                    found.append(_match("phone", "medium", redact(phone), how))
        if NAME_KEYS.search(key) and NAME_VALUE.fullmatch(text.strip()):
            found.append(_match("name", "medium", redact(text), how))
        for inner_key, inner in _query_of(text):
            found.extend(_nested(detect(inner_key, inner), how or ("url-encoded" * ("%" in text))))
    return _unique(found)


def _nested(found: list[dict[str, str]], how: str) -> list[dict[str, str]]:
    """Matches inside a URL's query: say how the outer value was encoded."""
    return [{**item, "how": how} if how and item["how"] == "plain" else item for item in found]


def _match(kind: str, confidence: str, shown: str, how: str) -> dict[str, str]:
    return {"type": kind, "confidence": confidence, "found": shown, "how": how or "plain"}


def _query_of(text: str) -> list[tuple[str, str]]:
    """The query params of a URL inside a value (GA4 `dl`, Meta `dl`), to check their keys."""
    if "://" not in text or "?" not in text:
        return []
    return parse_qsl(urlsplit(text.strip()).query, keep_blank_values=False)


def _unique(found: list[dict[str, str]]) -> list[dict[str, str]]:
    seen, out = set(), []
    for item in found:
        mark = (item["type"], item["found"])
        if mark not in seen:
            seen.add(mark)
            out.append(item)
    return out


def redact(text: str) -> str:
    """Keep enough to recognise the value, hide the rest: `j***@example.com`, `+44*******58`."""
    text = text.strip()
    if "@" in text:
        local, _, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(text) <= 4:
        return text[:1] + "***"
    return text[:3] + "*" * (len(text) - 5) + text[-2:]


def _param_fields(page: PageVisit, hit: TagHit) -> Iterator[tuple[str, str]]:
    yield from _flatten("", hit.params or {})


def _raw_fields(page: PageVisit, hit: TagHit) -> Iterator[tuple[str, str]]:
    yield from parse_qsl(urlsplit(hit.url).query, keep_blank_values=False)
    request = request_of(page, hit)
    if request is not None and request.post_data:
        body = request.post_data
        pairs = parse_qsl(body) if "=" in body and "{" not in body[:2] else []
        yield from pairs or [("body", body)]


def _flatten(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(f"{prefix}.{key}" if prefix else str(key), inner)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _flatten(f"{prefix}[{index}]", inner)
    elif isinstance(value, str):
        yield prefix, value


@KINDS.register("pii", per_page=True, optional={"types": list})
def pii(rule: Rule, report: Report) -> Iterator[Finding]:
    """No email addresses, phone numbers or names in any tracking hit."""
    wanted = set(rule.args.get("types") or ["email", "phone", "name"])
    for page in rule.pages(report):
        reported: set[tuple] = set()
        sent = [h for h in page.hits if h.left_page()]
        # Decoded params first, so a value is blamed on the hit (batched event) that carries
        # it; then the raw query and body, for what no provider decoded: once per request,
        # on its first hit (a batch's hits share one body; reading it again for each of a
        # 10,000-line GA4 body's hits cost N² and never ended).
        for source, hits in ((_param_fields, sent), (_raw_fields, _first_of_each(sent))):
            for hit in hits:
                for key, value in source(page, hit):
                    for match in detect(key, value):
                        mark = (hit.request_index, hit.url, match["type"], match["found"])
                        if match["type"] in wanted and mark not in reported:
                            reported.add(mark)
                            yield _pii_finding(rule, page, hit, key, match)


def _first_of_each(hits: list[TagHit]) -> list[TagHit]:
    """The first hit of each request (the raw query and body are the request's, not a hit's)."""
    seen: set[tuple[int | None, str]] = set()
    first = []
    for hit in hits:
        if (hit.request_index, hit.url) not in seen:
            seen.add((hit.request_index, hit.url))
            first.append(hit)
    return first


def _pii_finding(
    rule: Rule, page: PageVisit, hit: TagHit, key: str, match: dict[str, str]
) -> Finding:
    how = "" if match["how"] == "plain" else f" ({match['how']})"
    what = {"email": "an email address", "phone": "a phone number", "name": "a person's name"}
    tag = describe_tag(hit.provider, hit.account, hit.event)
    return rule.finding(
        f"{what[match['type']]} in the {tag} hit, field {key}{how}: {match['found']}",
        page.url,
        page=page,
        location=hit_location(hit, field=key),
        evidence={
            "type": match["type"],
            "field": key,
            "found": match["found"],
            "how": match["how"],
        },
        confidence=match["confidence"],
        distinct=f"{match['type']}:{key}",
    )
