"""read_body: what the page sent → readable text, raw size and hash, what was undone."""

from __future__ import annotations

import base64
import gzip
import hashlib
import zlib

import pytest

from tagaudit.model import Request
from tagaudit.providers import UNDECODED, decode_request, is_body_unread, read_body
from tagaudit.providers import body as body_module
from tagaudit.providers.body import Body

EVENT = b'{"api_key":"phc_1","batch":[{"event":"purchase","properties":{"value":9.5}}]}'


@pytest.mark.parametrize(
    ("raw", "headers", "url", "encoding"),
    [
        (gzip.compress(EVENT), {}, "https://us.i.posthog.com/e/", "gzip"),  # magic bytes only
        (gzip.compress(EVENT), {"Content-Encoding": "gzip"}, "", "gzip"),
        (zlib.compress(EVENT), {}, "", "deflate"),
        (zlib.compress(EVENT)[2:-4], {"content-encoding": "deflate"}, "", "deflate"),  # raw
        (b"data=" + base64.b64encode(EVENT).replace(b"=", b"%3D"), {}, "", "base64"),
        (base64.b64encode(gzip.compress(EVENT)), {}, "", "base64+gzip"),
        (EVENT, {}, "", None),
    ],
    ids=["gzip-magic", "gzip-header", "zlib", "raw-deflate", "form-data-b64", "b64-gzip", "plain"],
)
def test_undoes_compression_and_base64(raw: bytes, headers: dict, url: str, encoding: str) -> None:
    body = read_body(raw, headers, url)
    assert (body.text, body.encoding, body.problem) == (EVENT.decode(), encoding, None)
    assert body.size == len(raw)
    assert body.sha256 == hashlib.sha256(raw).hexdigest()


def test_brotli_by_header() -> None:
    """brotli is a test dependency: without it this fails, it is not skipped."""
    import brotli  # type: ignore[import-not-found]

    body = read_body(brotli.compress(EVENT), {"Content-Encoding": "br"})
    assert (body.text, body.encoding) == (EVENT.decode(), "br")


def test_brotli_without_a_module_is_a_problem_not_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(body_module, "_brotli", lambda: None)
    body = read_body(b"\x8b\x05\x80", {"Content-Encoding": "br"})
    assert body.problem == "brotli module not installed" and not body.is_readable


@pytest.mark.parametrize(
    "raw",
    [b"\x1f\x8b\x08\x00garbage", gzip.compress(EVENT)[:20], b"\xff\xfe\x00\x01", b"\x1f\x8b"],
    ids=["bad-gzip", "truncated-gzip", "binary", "magic-only"],
)
def test_garbage_never_raises_and_says_why(raw: bytes) -> None:
    body = read_body(raw, {}, "https://api2.amplitude.com/2/httpapi")
    assert body.problem and body.size == len(raw)
    fields = body.request_fields()
    assert fields["post_data"] is None and fields["body_encoding"].startswith("unreadable")


def test_plain_text_that_looks_like_a_zlib_header_is_left_alone() -> None:
    assert read_body(b"x^2 + y^2", {}).text == "x^2 + y^2"


def test_odd_inputs() -> None:
    assert read_body(None) == Body(None, 0, None)
    assert read_body("é=1").text == "é=1"
    assert read_body(b"").text == "" and read_body(b"").problem is None
    assert read_body(b"abcd").text == "abcd"  # base64 alphabet, but not JSON inside
    big = gzip.compress(b"[" + b" " * (9 * 1024 * 1024) + b"]")
    assert read_body(big).problem  # inflating is capped


def test_request_fields_fill_the_model() -> None:
    fields = read_body(gzip.compress(EVENT), {}).request_fields()
    request = Request("https://us.i.posthog.com/e/", "POST", **fields)
    assert request.post_data == EVENT.decode() and request.body_encoding == "gzip"
    assert request.body_size == len(gzip.compress(EVENT))
    assert not is_body_unread(request)


def test_a_body_playwright_decoded_with_replace_is_reported_undecoded() -> None:
    mojibake = gzip.compress(EVENT).decode("utf-8", errors="replace")
    request = Request("https://us.i.posthog.com/e/", "POST", post_data=mojibake)
    (hit,) = decode_request(request)
    assert (hit.provider, hit.kind) == ("posthog", "hit")
    assert hit.params[UNDECODED] == ["body", "account", "event"]


def test_an_unreadable_body_said_by_the_capture_is_reported_undecoded() -> None:
    fields = read_body(b"\x1f\x8b\x08\x00garbage", {}).request_fields()
    (hit,) = decode_request(Request("https://api2.amplitude.com/2/httpapi", "POST", **fields))
    assert hit.params[UNDECODED] == ["body", "account", "event"]


def test_missing_event_alone_is_reported() -> None:
    (hit,) = decode_request(Request("https://www.facebook.com/tr/?id=123"))
    assert hit.params[UNDECODED] == ["event"]
    (ok,) = decode_request(Request("https://www.facebook.com/tr/?id=123&ev=PageView"))
    assert UNDECODED not in ok.params
