"""Reading devtools HAR exports into Requests, POST bodies included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.errors import UsageError
from tagaudit.providers import decode_request
from tagaudit.runner.har import parse_har, read_har

HAR = Path(__file__).resolve().parents[2] / "fixtures" / "beacons" / "har" / "checkout.har"


def test_reads_every_entry_with_method_type_status_and_body() -> None:
    requests = read_har(HAR)
    assert len(requests) == 7
    ga4 = requests[2]
    assert ga4.method == "POST" and ga4.resource_type == "ping" and ga4.status == 204
    assert ga4.post_data.splitlines()[1].startswith("en=purchase")
    assert ga4.headers["content-type"].startswith("text/plain")
    assert ":authority" not in ga4.headers
    assert ga4.timestamp > 1.7e9


def test_form_params_without_text_are_reencoded() -> None:
    snap = read_har(HAR)[5]
    assert snap.post_data == "pid=0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d&ev=PURCHASE&e_price=129.8"


def test_har_requests_decode_including_batched_post_body() -> None:
    hits = [(h.provider, h.kind, h.event) for r in read_har(HAR) for h in decode_request(r)]
    assert hits == [
        ("ga4", "library", None),
        ("ga4", "hit", "page_view"),
        ("ga4", "hit", "purchase"),
        ("meta_pixel", "hit", "Purchase"),
        ("tiktok", "hit", "CompletePayment"),
        ("snapchat", "hit", "PURCHASE"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"log": {}}', "not a HAR file"),
        ("[1, 2]", "not a HAR file"),
    ],
)
def test_invalid_har_is_a_usage_error(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as problem:
        parse_har(text, "x.har")
    assert problem.value.exit_code == 2


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        read_har(tmp_path / "nope.har")
    binary = tmp_path / "bin.har"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(UsageError):
        read_har(binary)


def test_odd_entries_are_skipped_not_fatal() -> None:
    text = '{"log": {"entries": [1, {"request": {}}, {"request": {"url": "https://a.test/"}}]}}'
    requests = parse_har(text)
    assert [r.url for r in requests] == ["https://a.test/"]
    assert requests[0].method == "GET" and requests[0].status is None


SDK_HAR = HAR.with_name("sdk-gzip.har")


def test_gzip_bodies_kept_as_base64_are_read_and_decoded() -> None:
    posthog, amplitude, mangled = read_har(SDK_HAR)
    assert (posthog.body_encoding, amplitude.body_encoding) == ("gzip", "gzip")
    assert posthog.post_data.startswith('{"api_key":"phc_') and posthog.body_size == 880
    assert posthog.body_sha256 and len(posthog.body_sha256) == 64
    events = [h.event for h in decode_request(amplitude)]
    assert events == [
        "$identify",
        "session_start",
        "[Amplitude] Page Viewed",
        "Purchase",
        "$identify",
    ]
    assert [h.event for h in decode_request(posthog)] == ["$pageview"]
    (unread,) = decode_request(mangled)  # a text export already replaced the gzip bytes
    assert unread.params["_undecoded"] == ["body", "account", "event"]


def test_decode_cli_reads_a_har_with_gzip_bodies(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "--har", str(SDK_HAR), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["provider"], r["event"]) for r in rows][:2] == [
        ("posthog", "$pageview"),
        ("amplitude", "$identify"),
    ]
    assert len(rows) == 7
