"""`tagaudit decode` and `tagaudit providers` through the real CLI entry point."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.providers import default_catalog

HAR = Path(__file__).resolve().parents[2] / "fixtures" / "beacons" / "har" / "checkout.har"
GA4_URL = (
    "https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ&gcs=G101"
    "&gcd=13p3r3p2p5l1&dl=https%3A%2F%2Fshop.example%2F&en=page_view"
)
META_URL = "https://www.facebook.com/tr/?id=123&ev=Purchase&eid=o-1&cd[value]=9.5&cd[currency]=EUR"


class _Stdin(io.StringIO):
    def isatty(self) -> bool:
        return False


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", _Stdin(text))


def test_decode_urls_prints_one_block_per_hit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", GA4_URL, META_URL]) == 0
    out = capsys.readouterr().out
    assert "ga4 (Google Analytics 4) · hit · account G-ABC123XYZ · event page_view" in out
    assert "meta_pixel (Meta Pixel) · hit · account 123 · event Purchase" in out
    assert "dl = https://shop.example/  [Document location]" in out
    assert "gcs = G101  (ad_storage: denied; analytics_storage: granted)" in out
    assert "analytics_storage: denied→granted = granted" in out
    assert "event_id = o-1" in out


def test_decode_json_lines_carry_url_and_method(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "--json", META_URL]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    hit = json.loads(lines[0])
    assert (hit["provider"], hit["account"], hit["event"]) == ("meta_pixel", "123", "Purchase")
    assert (hit["url"], hit["method"], hit["request_index"]) == (META_URL, "GET", 0)
    assert hit["params"]["value"] == 9.5


def test_decode_stdin_lines_with_post_bodies(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(
        monkeypatch,
        "# pasted from devtools\n"
        "POST https://www.google-analytics.com/g/collect?v=2&tid=G-1 en=a\\nen=b&epn.value=3\n"
        "\n"
        "https://analytics.tiktok.com/api/v2/pixel "
        '{"event":"Pageview","context":{"pixel":{"code":"C1"}}}\n'
        f"{META_URL}\n",
    )
    assert main(["decode", "--json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(h["provider"], h["event"], h["method"], h["request_index"]) for h in hits] == [
        ("ga4", "a", "POST", 0),
        ("ga4", "b", "POST", 0),
        ("tiktok", "Pageview", "POST", 1),
        ("meta_pixel", "Purchase", "GET", 2),
    ]
    assert hits[1]["params"]["value"] == 3


def test_decode_har_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "--har", str(HAR), "--json"]) == 0
    captured = capsys.readouterr()
    hits = [json.loads(line) for line in captured.out.splitlines()]
    assert [h["provider"] for h in hits] == [
        "ga4",
        "ga4",
        "ga4",
        "meta_pixel",
        "tiktok",
        "snapchat",
    ]
    purchase = hits[2]
    assert purchase["event"] == "purchase" and purchase["method"] == "POST"
    assert purchase["params"]["transaction_id"] == "ORD-1001"
    assert "decoded 6 tag hits from 7 requests" in captured.err


def test_url_that_decodes_to_nothing_exits_1_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["decode", "https://shop.example/about"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nothing decoded from https://shop.example/about" in captured.err


def test_ping_without_event_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "https://analytics.tiktok.com/api/v2/monitor"]) == 1
    assert "tiktok ping request, no tag event" in capsys.readouterr().err


def test_mixed_input_exits_0_when_something_decoded(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "https://shop.example/", META_URL]) == 0
    assert "nothing decoded from https://shop.example/" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["not a url", "ftp://x.test/a", "/g/collect?v=2", "https://"])
def test_malformed_url_is_one_line_exit_2(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", bad]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "not a request URL" in captured.err
    assert "Traceback" not in captured.err


def test_malformed_stdin_line_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "POST nonsense body\n")
    assert main(["decode"]) == 2
    assert "not a request URL: 'nonsense'" in capsys.readouterr().err


def test_empty_stdin_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "\n# nothing\n")
    assert main(["decode"]) == 2
    assert "nothing to decode" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["{broken", '{"log": {"pages": []}}'])
def test_invalid_har_is_exit_2(
    content: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.har"
    path.write_text(content)
    assert main(["decode", "--har", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tagaudit: ") and err.count("\n") == 1


def test_missing_har_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "--har", str(tmp_path / "missing.har")]) == 2
    assert "HAR file not found" in capsys.readouterr().err


def test_user_provider_file_extends_decode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        "providers:\n"
        "  - id: acme\n"
        "    name: Acme Pixel\n"
        "    account: [aid]\n"
        "    event: [ev]\n"
        "    endpoints: [{kind: hit, hosts: [px.acme.test], paths: ['^/h$']}]\n"
    )
    assert main(["decode", "-c", str(config), "--json", "https://px.acme.test/h?aid=7&ev=buy"]) == 0
    hit = json.loads(capsys.readouterr().out)
    assert (hit["provider"], hit["account"], hit["event"]) == ("acme", "7", "buy")


def test_bad_provider_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        "providers:\n  - id: acme\n    name: Acme\n    endpoints: [{kind: nope, hosts: [a.test]}]\n"
    )
    assert main(["providers", "-c", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"{config}:4: providers[0].endpoints[0].kind" in err


def test_providers_table_lists_every_provider(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["providers"]) == 0
    out = capsys.readouterr().out
    assert f"{len(default_catalog().providers)} providers" in out
    for provider_id in ("ga4", "google_ads", "meta_pixel", "tiktok", "criteo", "quora"):
        assert f"│ {provider_id} " in out
    assert "*.google-analytics.com" in out and "[v~^2$ tid~^G-]" in out


def test_providers_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["providers", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    ga4 = next(r for r in rows if r["id"] == "ga4")
    assert ga4["name"] == "Google Analytics 4"
    first_party = ga4["endpoints"][1]
    assert first_party == {
        "kind": "hit",
        "hosts": ["*"],
        "paths": ["/g/collect/?$"],
        "require": {"v": "^2$", "tid": "^G-"},
        "transport": None,
    }
