"""What reports for people never show: secrets, personal data, and text a renderer would read.

Reports get pasted into tickets, CI logs and chats. The terminal summary, the HTML report and
the Markdown summary pass every string that came from a page through `for_people`:

  - secrets in URLs: the values of `access_token`, `password`, `token`, `key`, `sig`-like
    query parameters (also inside URL-encoded values such as GA4's `dl`), and user-info
    (`https://user:pass@host` → `https://***@host`);
  - `Authorization: Bearer …` and similar credentials in free text;
  - email addresses (`jane.doe@example.com` → `j***@example.com`);
  - lone UTF-16 surrogates a page can put in its dataLayer (`'x\\udfff'`), which no encoder
    writes: they become U+FFFD.

`mask_data` does the same for evidence (dicts and lists): values under secret-like keys,
`Authorization` / `Cookie` headers and cookie values become `***`. The JSON, JUnit and SARIF
reports are for machines and keep what the capture recorded (the README says which report
keeps what); `safe_json_text` / `safe_xml_text` only make them writable.

Every pattern here is linear in the length of its input: a page controls these strings, and a
60,000-character parameter must cost no more than reading it. Imports nothing of tagaudit.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "***"

# Query parameter names whose values are credentials (lowercase). Prefixes such as `x-amz-`
# and suffixes such as `_token` are matched by SECRET_NAME below.
SECRET_PARAMS = (
    "access_token|refresh_token|id_token|token|auth|auth_token|authorization|password|passwd|"
    "pwd|pass|secret|client_secret|api_key|apikey|key|sig|signature|hmac|jwt|session|"
    "sessionid|session_id|private_key|otp|x-amz-signature|x-amz-credential|x-amz-security-token"
)
SECRET_NAME = re.compile(
    rf"^(?:{SECRET_PARAMS}|[\w.-]*(?:_token|_secret|_password|_key|-signature|_sig))$", re.I
)
# Header and evidence keys whose whole value is a credential.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "x-auth-token",
        "x-write-key",  # Jitsu: `id:secret`
    }
)

_NAME = rf"(?:{SECRET_PARAMS}|[\w.-]{{0,40}}?(?:_token|_secret|_password|_key|-signature|_sig))"
# name=value after ?, & or ; in a plain URL; the value ends at the next separator.
_PLAIN = re.compile(rf"(?i)(?<![\w.-])({_NAME})(=)([^&#;\s'\"<>]+)")
# The same inside a URL-encoded URL (GA4 `dl`, a `redirect=` value): `%3Ftoken%3Dabc%26…`.
_ENCODED = re.compile(rf"(?i)((?:%3F|%26|%3B)(?:{_NAME}))(%3D)((?:(?!%26)[^&#\s'\"<>])+)")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,20}://)[^/?#@\s'\"<>]{1,256}@")
_BEARER = re.compile(r"(?i)\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]{8,}")
# An email address (plain or with a URL-encoded @). The look-behind makes each run of
# local-part characters start one attempt, not one per character: linear, not quadratic.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@|%40)"
    r"([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def mask_emails(text: str) -> str:
    """`jane.doe@example.com` → `j***@example.com` (also inside URL-encoded values)."""
    if "@" not in text and "%40" not in text:
        return text
    return _EMAIL.sub(r"\1***\2\3", text)


def mask_secrets(text: str) -> str:
    """Credentials in URLs and headers quoted in `text` replaced by `***`."""
    if "=" in text:
        text = _PLAIN.sub(rf"\1\2{MASK}", text)
    if "%3D" in text or "%3d" in text:
        text = _ENCODED.sub(rf"\1\2{MASK}", text)
    if "@" in text:
        text = _USERINFO.sub(rf"\1{MASK}@", text)
    return _BEARER.sub(rf"\1\2{MASK}", text)


def no_surrogates(text: str) -> str:
    """Lone surrogates (no valid Unicode, no encoder writes them) as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def for_people(value: Any) -> str:
    """Text from a page, fit for a report a person reads: secrets and emails masked."""
    return no_surrogates(mask_emails(mask_secrets(str(value))))


def is_secret_name(name: str) -> bool:
    """Is `name` (a query parameter, header or evidence key) a credential?"""
    lowered = name.strip().lower()
    return lowered in SECRET_HEADERS or bool(SECRET_NAME.match(lowered))


def mask_data(value: Any) -> Any:
    """Evidence for people: secret-like keys, credential headers and cookie values masked."""
    if isinstance(value, dict):
        cookie = {"name", "value"} <= set(value) and ("domain" in value or "path" in value)
        return {
            str(k): MASK
            if (is_secret_name(str(k)) and v not in (None, "")) or (cookie and k == "value")
            else mask_data(v)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [mask_data(v) for v in value]
    if isinstance(value, str):
        return for_people(value)
    return value


def safe_json_text(text: str) -> str:
    """JSON text with lone surrogates written as `\\udXXX` escapes (valid JSON, data kept)."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def safe_xml_text(text: str) -> str:
    """Markup text with lone surrogates as U+FFFD (XML and HTML cannot carry them)."""
    return no_surrogates(text)
