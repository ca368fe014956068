"""What counts as a credential or a person's address in text, and how it is hidden.

The one definition the reports (tagaudit.report.masking), the fingerprints of findings
(model.report.normalise_url), the command line's own lines and the pytest plugin's messages
share. `mask_secrets` replaces credentials with MASK (`***`), the marker every report uses
for "a value was here and was masked":

  - URL user-info: `https://ann:hunter2@shop.example/` → `https://***@shop.example/`, also
    inside a URL-encoded URL (`https%3A%2F%2Fann%3Ahunter2%40shop.example`);
  - the values of credential query parameters (`access_token`, `password`, `apiKey`,
    `client-secret`, `x_token` …: CREDENTIAL_NAMES and the suffixes below, any case, and
    camelCase `accessToken`), of session ids (`sessionid`, `jsessionid`: in a URL a session
    id logs someone in), also inside URL-encoded values such as GA4's `dl` (at any depth of
    encoding: `%3F`, `%253F` …);
  - an OAuth authorization `code` (RFC 6749 §4.1.2): in a query that also carries `state`,
    `iss` (RFC 9207) or `session_state`, or when it is 20 characters or more; a promo code
    such as `?code=SPRING24` stays readable;
  - `Authorization: Bearer …` / `Basic …` and similar credentials quoted in free text.

`mask_emails` turns `jane.doe@example.com` into `j***@example.com`. `is_secret_name` says
whether a key of captured data (a header, a dataLayer or evidence key, a decoded hit
parameter) holds a credential: session ids are not counted there, since as a key of a
tracking payload (Amplitude's `session_id`) one counts visits and logs nobody in.

Every pattern is linear in the length of its input: a page controls these strings, and a
60,000-character parameter must cost no more than reading it. Imports nothing of tagaudit.
"""

from __future__ import annotations

import re
from functools import lru_cache

MASK = "***"

# Names whose values are credentials, lowercase (matched in any case). Suffixes such as
# `_token` and camelCase `…Token` are matched by the patterns below.
CREDENTIAL_NAMES = (
    "access_token|refresh_token|id_token|token|auth|auth_token|authorization|password|passwd|"
    "pwd|pass|secret|client_secret|api_key|apikey|key|sig|signature|hmac|jwt|private_key|otp|"
    "accesstoken|refreshtoken|idtoken|authtoken|clientsecret|privatekey|"
    "x-amz-signature|x-amz-credential|x-amz-security-token"
)
# In a URL only: a session id there is a login.
SESSION_NAMES = "session|sessionid|session_id|jsessionid|phpsessid"
_SUFFIXES = (
    r"_token|_secret|_password|_key|_signature|_sig|-token|-secret|-password|-key|-signature"
)
_CAMEL = r"(?-i:[A-Za-z0-9]{0,40}?[a-z0-9](?:Token|Secret|Password|Key|Signature))"
_NAME = rf"(?:{CREDENTIAL_NAMES}|{SESSION_NAMES}|[\w.-]{{0,40}}?(?:{_SUFFIXES})|{_CAMEL})"

# Header and data keys whose whole value is a credential.
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
# Generic words that are credential names in a URL (`?key=AIza…`) but ordinary keys of data
# (`{key: "color", value: "red"}`, `{auth: true}`): not counted as keys.
_GENERIC_KEYS = frozenset({"key", "pass", "auth", "sig"})
_KEY_NAME = re.compile(
    rf"^(?:(?i:{CREDENTIAL_NAMES})|(?i:[\w.-]{{0,80}}?(?:{_SUFFIXES}))|{_CAMEL})$"
)

_STOP = "&#\\s'\"<>"
# name=value after ?, & or ; in a plain URL; the value ends at the next separator.
_PLAIN = re.compile(rf"(?i)(?<![\w.-])({_NAME})(=)([^{_STOP};?]+)")
# The same inside a URL-encoded URL (GA4 `dl`, a `redirect=` value): `%3Ftoken%3Dabc%26…`,
# at any depth of encoding (`%253F`); the value ends at an encoded `&` of any depth.
_ENC = r"%(?:25)*"
_ENCODED = re.compile(
    rf"(?i)((?:{_ENC}3F|{_ENC}26|{_ENC}3B)(?:{_NAME}))({_ENC}3D)((?:(?!{_ENC}26)[^{_STOP}])+)"
)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,20}://)[^/?#@\s'\"<>]{1,256}@")
_ENCODED_USERINFO = re.compile(
    rf"(?i)\b([a-z][a-z0-9+.-]{{0,20}}{_ENC}3A{_ENC}2F{_ENC}2F)"
    rf"(?:(?!{_ENC}2F|{_ENC}3F|{_ENC}23|{_ENC}40)[^/?#@{_STOP}]){{1,256}}({_ENC}40)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic|token|digest)(\s+)[A-Za-z0-9._~+/=-]{8,}")

# OAuth `code`: the query it sits in, and the parameters that make it an authorization
# response. A plain query runs to the fragment; an encoded one to the outer `&`.
_QUERY = re.compile(rf"\?[^#\s'\"<>]*|(?i:{_ENC}3F)(?:(?!(?i:{_ENC}23))[^{_STOP}])*")
_OAUTH_SIBLING = re.compile(
    rf"(?i)(?:[?&;]|{_ENC}3F|{_ENC}26|{_ENC}3B)(?:state|iss|session_state)(?:=|{_ENC}3D)"
)
_CODE = re.compile(
    rf"(?i)((?:(?<![\w.-])|{_ENC}3F|{_ENC}26|{_ENC}3B)code)(=|{_ENC}3D)"
    rf"((?:(?!{_ENC}26)[^{_STOP};])+)"
)
LONG_CODE = 20
_HAS_CODE = re.compile("(?i)code").search
# Every credential name, header and form above contains one of these (lowercase): text
# without any of them, as most tracking URLs, skips the patterns.
_SUSPECT = (
    "token", "secret", "pass", "pwd", "key", "sig", "auth", "hmac", "jwt", "otp", "sess",
    "amz", "code", "bearer", "basic", "digest", "@", "%40",
)  # fmt: skip
# All of them in one scan of the lowered text (a third less CPU than one `in` a word, on the
# 110,000 distinct strings of a 10,000-link report).
_HAS_SUSPECT = re.compile("|".join(map(re.escape, _SUSPECT))).search

# An email address (plain or with a URL-encoded @). The look-behind makes each run of
# local-part characters start one attempt, not one per character: linear, not quadratic.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@|%40)"
    r"([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)


def mask_secrets(text: str) -> str:
    """Credentials in URLs and quoted headers of `text` replaced by MASK (see the docstring)."""
    if _HAS_SUSPECT(text.lower()) is None:
        return text
    if "=" in text:
        text = _PLAIN.sub(rf"\1\2{MASK}", text)
    if "%" in text:
        if "3D" in text or "3d" in text:
            text = _ENCODED.sub(rf"\1\2{MASK}", text)
        if "40" in text:
            text = _ENCODED_USERINFO.sub(rf"\1{MASK}\2", text)
    if "@" in text:
        text = _USERINFO.sub(rf"\1{MASK}@", text)
    if _HAS_CODE(text):
        text = _QUERY.sub(_mask_oauth_code, text)
    if " " in text or "\t" in text:
        text = _BEARER.sub(rf"\1\2{MASK}", text)
    return text


def _mask_oauth_code(query: re.Match[str]) -> str:
    text = query.group()
    authorization = _OAUTH_SIBLING.search(text) is not None

    def value(match: re.Match[str]) -> str:
        code = match.group(3)
        if code == MASK or not (authorization or len(code) >= LONG_CODE):
            return match.group()
        return f"{match.group(1)}{match.group(2)}{MASK}"

    return _CODE.sub(value, text)


def mask_emails(text: str) -> str:
    """`jane.doe@example.com` → `j***@example.com` (also inside URL-encoded values)."""
    if "@" not in text and "%40" not in text:
        return text
    return _EMAIL.sub(r"\1***\2\3", text)


@lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Is `name` (a header, or a key of captured data or evidence) a credential's name?

    `Authorization`, `x-api-key`, `access_token`, `accessToken`, `ep.client_secret`,
    `user.password` are; `session_id` (an analytics session), `key` and `auth` alone
    (`{key: "color"}`, `{auth: true}`) and `code` (TikTok's pixel code) are not.
    """
    stripped = name.strip()
    lowered = stripped.lower()
    if lowered in SECRET_HEADERS:
        return True
    last = stripped.rsplit(".", 1)[-1]
    if last.lower() in _GENERIC_KEYS:
        return False
    return bool(_KEY_NAME.match(last)) or bool(_KEY_NAME.match(stripped))


def mask_header(name: str, value: str) -> str:
    """A credential header's value without the credential, keeping what it was:
    `Bearer abc…` → `Bearer ***`, `a=1; b=2` (a Cookie) → `a=***; b=***`."""
    lowered = name.strip().lower()
    if lowered in ("cookie", "set-cookie"):
        parts = [p.split("=", 1)[0].strip() for p in value.split(";") if p.strip()]
        if lowered == "set-cookie":
            parts = parts[:1]  # the attributes after the first pair are not secret
        return "; ".join(f"{p}={MASK}" for p in parts) or MASK
    scheme, _, rest = value.strip().partition(" ")
    if rest and scheme.isalpha() and len(scheme) <= 20:
        return f"{scheme} {MASK}"
    return MASK if value else value


__all__ = [
    "CREDENTIAL_NAMES",
    "MASK",
    "SECRET_HEADERS",
    "SESSION_NAMES",
    "is_secret_name",
    "mask_emails",
    "mask_header",
    "mask_secrets",
]
