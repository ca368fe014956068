"""Reading a request body as sent: compression and base64 undone, size and hash of the raw bytes.

This module owns `read_body`, the one place that turns the bytes a page sent into the text the
decoders read. The browser capture calls it with Playwright's `post_data_buffer` (never
`post_data`: Playwright decodes bytes with errors="replace", which turns a gzip body into
mojibake), and `har.py` with a HAR `postData`. Pure: imports nothing from tagaudit, does no I/O,
never raises on garbage — what cannot be read is said in `Body.problem`.

What is undone, in order (measured on the vendors' own SDKs, fixtures/sdk-site/MEASUREMENTS.md):

- `Content-Encoding: gzip | deflate | br`, or, without the header, the gzip magic bytes
  `1f 8b` and a zlib header: PostHog (`/e/`, `/flags/`) and Amplitude Browser SDK 2
  (`/2/httpapi`) gzip their JSON in the browser (CompressionStream) and do *not* say so in a
  header. Brotli has no magic bytes; it is undone by header only, and only when a brotli module
  (`brotli` or `brotlicffi`) is importable — otherwise `problem` says so.
- base64: PostHog's `compression=base64` (URL) sends `data=<base64 JSON>` as a form; Mixpanel's
  legacy transport sends `data=<base64 JSON>` too. A form whose only field is `data` holding
  base64 of JSON is replaced by that JSON. A whole body that is base64 of JSON or of gzip is
  decoded as well (some first-party proxies re-wrap bodies that way).

    >>> import gzip
    >>> body = read_body(gzip.compress(b'{"event":"purchase"}'), {}, "https://us.i.posthog.com/e/")
    >>> (body.text, body.encoding, body.size)
    ('{"event":"purchase"}', 'gzip', 40)
    >>> read_body(b"data=eyJhIjoxfQ%3D%3D", {}, "https://api-js.mixpanel.com/track/").text
    '{"a":1}'
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import importlib
import re
import zlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

# Stop inflating past this: a tracking body is kilobytes; a "zip bomb" must not eat memory.
# A body sent larger than this is not read either (a page controls what it sends).
MAX_DECODED = 8 * 1024 * 1024
# Read text kept for all the bodies of one page (PageBodies): a real page sends kilobytes.
PAGE_BUDGET = 16 * 1024 * 1024
# Compressed input handed at a time to a brotli module without an output limit: a bomb
# inflates about 0.7 MB per input byte (1 GB from 1.5 KB), so the output is checked after
# a few MB at most; 1 MB of honest compressed body still takes only about 0.1 s this way.
_BROTLI_STEP = 8
_BASE64 = re.compile(rb"[A-Za-z0-9+/_-]+={0,2}")
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Body:
    """A request body: readable text (None when there was none), raw size and sha256, what
    was undone in the order it was undone (`encoding`: "gzip", "base64", "base64+gzip" … or
    None), and why it could not be read (`problem`: "brotli module not installed", "binary" …).
    """

    text: str | None
    size: int
    sha256: str | None
    encoding: str | None = None
    problem: str | None = None

    @property
    def is_readable(self) -> bool:
        return self.problem is None

    def request_fields(self) -> dict[str, Any]:
        """The `tagaudit.model.Request` fields this body fills: `Request(url, **fields)`.

        An unreadable body keeps no text (`post_data` None) and says why in `body_encoding`
        ("unreadable: <problem>"): that is what `decode_request` reports as `_undecoded`.
        """
        encoding = self.encoding if self.is_readable else f"unreadable: {self.problem}"
        return {
            "post_data": self.text if self.is_readable else None,
            "body_size": self.size if self.sha256 else None,
            "body_sha256": self.sha256,
            "body_encoding": encoding,
        }


def _header(headers: Any, name: str) -> str:
    if isinstance(headers, dict):
        for key, value in headers.items():
            if str(key).lower() == name:
                return str(value)
    return ""


def _brotli() -> ModuleType | None:
    for name in ("brotli", "brotlicffi"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


class TooLarge(ValueError):
    """A body that inflates past MAX_DECODED: not read (a page controls what it sends)."""

    def __init__(self) -> None:
        super().__init__(f"inflates past {MAX_DECODED // 2**20} MiB, tagaudit's limit: not read")


def _inflate(raw: bytes, wbits: int) -> bytes:
    """zlib inflate with a size cap; raises zlib.error / TooLarge on bad or huge input."""
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(raw, MAX_DECODED)
    if inflater.unconsumed_tail:
        raise TooLarge()
    if not inflater.eof:
        raise zlib.error("truncated")
    return out


def _unbrotli(raw: bytes, module: ModuleType) -> bytes:
    """Brotli inflate with the same cap (before: a 1.5 KB bomb inflated to 1 GB, and the
    process tree passed 12 GB). Google's `brotli` ≥ 1.2 stops its output at a limit; other
    modules get the input in small slices and the output is measured after each."""
    inflater = module.Decompressor()
    out = bytearray()
    try:
        out += inflater.process(raw, output_buffer_limit=MAX_DECODED + 1)
    except TypeError:  # no output limit in this module: slice the input instead
        for at in range(0, len(raw), _BROTLI_STEP):
            out += inflater.process(raw[at : at + _BROTLI_STEP])
            if len(out) > MAX_DECODED:
                raise TooLarge() from None
    if len(out) > MAX_DECODED or not _finished(inflater):
        raise TooLarge() if len(out) > MAX_DECODED else ValueError("truncated")
    return bytes(out)


def _finished(inflater: Any) -> bool:
    finished = getattr(inflater, "is_finished", None)
    return bool(finished()) if callable(finished) else True


def _undo_compression(raw: bytes, content_encoding: str) -> tuple[bytes, str | None, str | None]:
    """(bytes, what was undone, problem) for one layer of gzip / deflate / br."""
    declared = content_encoding.strip().lower()
    try:
        if declared in ("gzip", "x-gzip") or raw[:2] == _GZIP_MAGIC:
            return _inflate(raw, 16 + zlib.MAX_WBITS), "gzip", None
        if declared == "deflate" or _looks_zlib(raw):
            try:
                return _inflate(raw, zlib.MAX_WBITS), "deflate", None
            except zlib.error:
                if declared != "deflate":
                    return raw, None, None  # text that happens to start like a zlib header
                return _inflate(raw, -zlib.MAX_WBITS), "deflate", None  # raw deflate
        if declared == "br":
            module = _brotli()
            if module is None:
                return raw, None, "brotli module not installed"
            return _unbrotli(raw, module), "br", None
    except TooLarge as problem:
        return raw, None, f"{declared or 'compressed'} body {problem}"
    except (zlib.error, ValueError, EOFError) as problem:
        return raw, None, f"unreadable {declared or 'compressed'} body: {problem}"
    except Exception as problem:  # brotli's own error type differs between modules
        return raw, None, f"unreadable {declared} body: {problem}"
    return raw, None, None


def _looks_zlib(raw: bytes) -> bool:
    """A zlib stream header (RFC 1950): CM=8, and the 16-bit header divisible by 31."""
    return len(raw) > 2 and raw[0] == 0x78 and (raw[0] * 256 + raw[1]) % 31 == 0


def _b64(data: bytes) -> bytes | None:
    cleaned = b"".join(data.split())
    if len(cleaned) < 4 or not _BASE64.fullmatch(cleaned):
        return None
    cleaned = cleaned.rstrip(b"=").replace(b"-", b"+").replace(b"_", b"/")
    try:
        return base64.b64decode(cleaned + b"=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _is_json_start(data: bytes) -> bool:
    return data.lstrip()[:1] in (b"{", b"[")


def _undo_base64(raw: bytes) -> bytes | None:
    """JSON (or gzip) bytes hidden as base64: the whole body, or a form of only `data=`."""
    candidate = raw
    if raw[:5] == b"data=":
        fields = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
        if len(fields) != 1:
            return None
        candidate = fields[0][1].encode("latin-1")
    decoded = _b64(candidate)
    if decoded and (_is_json_start(decoded) or decoded[:2] == _GZIP_MAGIC):
        return decoded
    return None


def _text(data: bytes) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), "binary"


def read_body(raw: bytes | str | None, headers: Any = None, url: str = "") -> Body:
    """The readable text of a request body, with what was undone and the raw size and hash.

    `raw` is the body as sent (bytes; a str is taken as UTF-8); `headers` the request headers
    (any case); `url` the request URL (PostHog says `compression=…` there). Never raises.
    """
    if raw is None:
        return Body(None, 0, None)
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="surrogatepass")
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) > MAX_DECODED:
        size = f"{len(raw) / 2**20:.1f} MiB"
        return Body(None, len(raw), digest, None, f"a body of {size}, over tagaudit's limit")
    data, steps = raw, []
    data, undone, problem = _undo_compression(data, _header(headers, "content-encoding"))
    steps += [undone] if undone else []
    if problem is None and not undone:
        unwrapped = _undo_base64(data)
        if unwrapped is not None:
            steps.append("base64")
            data, undone, problem = _undo_compression(unwrapped, "")
            steps += [undone] if undone else []
    text, binary = _text(data) if problem is None else (_text(raw)[0], None)
    encoding = "+".join(steps) or None
    return Body(text, len(raw), digest, encoding, problem or binary)


class PageBodies:
    """`read_body` for the requests of one page, with a budget for all of them together.

    One body is at most MAX_DECODED; a page that sends many (a thousand 8 MiB bodies) would
    still take gigabytes and minutes to read, so past PAGE_BUDGET of read text its further
    bodies are not read, and each says so (an unreadable body: rule hit-undecoded).

        >>> bodies = PageBodies(budget=10)
        >>> [bodies.read(b"en=page_view").text, bodies.read(b"en=scroll").problem]
        ['en=page_view', "not read: the page had sent 10 B of bodies before it (tagaudit's limit)"]
    """

    def __init__(self, budget: int = PAGE_BUDGET) -> None:
        self.budget, self.used = budget, 0

    def read(self, raw: bytes | str | None, headers: Any = None, url: str = "") -> Body:
        if raw and self.used >= self.budget:
            size = len(raw)
            shown = f"{self.budget // 2**20} MiB" if self.budget >= 2**20 else f"{self.budget} B"
            why = f"not read: the page had sent {shown} of bodies before it (tagaudit's limit)"
            return Body(None, size, hashlib.sha256(_bytes(raw)).hexdigest(), None, why)
        body = read_body(raw, headers, url)
        self.used += len(body.text or "")
        return body


def _bytes(raw: bytes | str) -> bytes:
    return raw.encode("utf-8", errors="surrogatepass") if isinstance(raw, str) else raw


def looks_unread(text: str | None) -> bool:
    """True for body text that is still compressed or binary (decoded with errors="replace").

    What a capture that passed Playwright's `post_data` instead of `read_body` leaves behind:
    gzip's magic bytes turned into `\\x1f\\ufffd`, or replacement characters near the start.
    """
    if not text:
        return False
    head = text[:64]
    return head.startswith("\x1f") or "\ufffd" in head or "\x00" in head
