"""Staging access: basic auth and headers from the environment (sent to the site only),
cookies, a logged-in storage state, user agent, viewport, device emulation, locale and
time zone, in real Chromium against a staging server on 127.0.0.1 that refuses strangers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagaudit.cli import main
from tests.browser.staging_server import Staging, staging_site

TOKEN = "tok-5f0c1e9a7b"
PASSWORD = "pw-c0ffee-7781"


@pytest.fixture
def staging(monkeypatch: pytest.MonkeyPatch) -> Iterator[Staging]:
    monkeypatch.setenv("STAGING_TOKEN", TOKEN)
    monkeypatch.setenv("STAGING_PASSWORD", PASSWORD)
    with staging_site(TOKEN, PASSWORD) as site:
        yield site


ACCESS = """\
base_url: {url}
pages: [/, /cart/]
browser:
  headers: {{X-Staging-Token: "${{STAGING_TOKEN}}"}}
  basic_auth: {{username: preview, password: "${{STAGING_PASSWORD}}"}}
"""


def _audit(tmp_path: Path, chromium: str, yaml: str, *flags: str) -> tuple[int, dict, str]:
    config = tmp_path / "tagaudit.yaml"
    config.write_text(yaml, encoding="utf-8")
    out = tmp_path / "report.json"
    argv = ["audit", "-c", str(config), "--browser", chromium, "-q", "--json", str(out)]
    code = main([*argv, "--fail-on", "never", *flags])
    text = out.read_text(encoding="utf-8") if out.exists() else "{}"
    return code, json.loads(text), text


def _seen(page: dict) -> dict:
    (found,) = [e for e in page["data_layer"] if e.get("event") == "browser"]
    return found


@pytest.mark.e2e
def test_headers_and_basic_auth_reach_the_site_and_never_the_vendor(
    tmp_path: Path, staging: Staging, chromium_path: str
) -> None:
    code, report, text = _audit(tmp_path, chromium_path, ACCESS.format(url=staging.url))
    assert code == 0
    assert [p["status"] for p in report["pages"]] == [200, 200]
    assert all(_seen(p) for p in report["pages"])  # the page ran: it was let in
    site_tokens = {h.get("x-staging-token") for h in staging.logs.site if "authorization" in h}
    assert site_tokens == {TOKEN}
    assert staging.logs.vendor, "the vendor script was requested"
    for headers in staging.logs.vendor:
        assert "x-staging-token" not in headers and "authorization" not in headers
    assert TOKEN not in text and PASSWORD not in text  # the JSON report keeps no secret


@pytest.mark.e2e
def test_without_the_secrets_the_staging_site_stays_shut(
    tmp_path: Path, staging: Staging, chromium_path: str
) -> None:
    yaml = f"base_url: {staging.url}\npages: [/]\n"
    code, report, _ = _audit(tmp_path, chromium_path, yaml)
    assert code == 3  # not a tracking finding: the audit never got in
    assert report["config"]["run_error"].startswith(
        "no page could be loaded, the site asks for a login (set browser.basic_auth"
    )


@pytest.mark.e2e
def test_a_logged_in_storage_state_survives_from_page_to_page(
    tmp_path: Path, staging: Staging, chromium_path: str
) -> None:
    host = staging.url.split("//")[1].split(":")[0]
    state = {
        "cookies": [
            {
                "name": "session",
                "value": "abc",
                "domain": host,
                "path": "/",
                "expires": -1,
                "httpOnly": True,
                "secure": False,
                "sameSite": "Lax",
            }
        ],
        "origins": [{"origin": staging.url, "localStorage": [{"name": "cart", "value": "3"}]}],
    }
    (tmp_path / "auth").mkdir()
    (tmp_path / "auth" / "state.json").write_text(json.dumps(state), encoding="utf-8")
    yaml = ACCESS.format(url=staging.url).replace(
        "pages: [/, /cart/]", "pages: [/account/, /account/orders/]"
    )
    yaml += "  storage_state: auth/state.json\n  cookies: [{name: preview, value: 'on'}]\n"
    _, report, _ = _audit(tmp_path, chromium_path, yaml, "--keep-secrets")  # cookie values
    assert [p["status"] for p in report["pages"]] == [200, 200]
    for page in report["pages"]:
        seen = _seen(page)
        assert seen["stored"] == "3" and "preview=on" in seen["cookie"], page["url"]


@pytest.mark.e2e
@pytest.mark.parametrize("isolation", ["reuse", "context"])
def test_cookies_come_back_after_each_wipe(
    tmp_path: Path, staging: Staging, chromium_path: str, isolation: str
) -> None:
    yaml = ACCESS.format(url=staging.url) + "  cookies: [{name: preview, value: 'on'}]\n"
    yaml += f"crawl: {{concurrency: 1, isolation: {isolation}}}\n"
    _, report, _ = _audit(tmp_path, chromium_path, yaml, "--keep-secrets")  # cookie values
    assert [_seen(p)["cookie"] for p in report["pages"]] == ["preview=on", "preview=on"]


@pytest.mark.e2e
def test_a_device_with_the_users_own_locale_and_time_zone(
    tmp_path: Path, staging: Staging, chromium_path: str
) -> None:
    yaml = ACCESS.format(url=staging.url).replace("[/, /cart/]", "[/]")
    yaml += "  device: iPhone 13\n  locale: de-DE\n  timezone: Europe/Berlin\n"
    _, report, _ = _audit(tmp_path, chromium_path, yaml)
    seen = _seen(report["pages"][0])
    assert "iPhone" in seen["ua"] and seen["width"] == 390 and seen["touch"] > 0
    assert (seen["lang"], seen["tz"]) == ("de-DE", "Europe/Berlin")
    # the user's own viewport and user agent win over the device's
    yaml += "  viewport: 1024x700\n  user_agent: tagaudit-test/1.0\n"
    _, report, _ = _audit(tmp_path, chromium_path, yaml)
    seen = _seen(report["pages"][0])
    assert (seen["ua"], seen["width"], seen["height"]) == ("tagaudit-test/1.0", 1024, 700)


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        ("  storage_state: missing.json\n", "storage-state file not found: {dir}/missing.json"),
        (
            "  headers: {X-Token: '${NOT_SET_ANYWHERE}'}\n",
            "environment variable NOT_SET_ANYWHERE is not set",
        ),
        (
            "  basic_auth: {username: a, password: hunter2}\n",
            'take it from the environment, e.g. "${STAGING_PASSWORD}"',
        ),
        ("  viewport: wide\n", "must be WIDTHxHEIGHT (390x844) or {width:, height:}, not 'wide'"),
    ],
)
def test_bad_access_settings_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, line: str
) -> None:
    config = tmp_path / "tagaudit.yaml"
    config.write_text("base_url: http://127.0.0.1:9/\nbrowser:\n" + extra, encoding="utf-8")
    assert main(["audit", "-c", str(config)]) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err.startswith(f"tagaudit: {config}:3: browser.")
    assert err.endswith(line.replace("{dir}", str(tmp_path)))


@pytest.mark.e2e
def test_an_unknown_device_names_the_close_ones(
    tmp_path: Path, chromium_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["audit", "http://127.0.0.1:9/", "--browser", chromium_path, "--device", "iphone 13"]
    assert main(argv) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    wanted = "unknown Playwright device 'iphone 13' (did you mean 'iPhone 13'?)"
    assert err == f"tagaudit: browser.device: {wanted}"


def test_secrets_are_needed_only_where_a_browser_uses_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A merge job reads the shards' config without the staging secrets; an audit refuses."""
    from tagaudit.model import Report
    from tagaudit.report import json_report

    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        "base_url: http://127.0.0.1:9/\nbrowser:\n  headers: {X-Token: '${NOT_SET_HERE}'}\n",
        encoding="utf-8",
    )
    shard = tmp_path / "shard.json"
    shard.write_text(json_report.render(Report(tool_version="0")), encoding="utf-8")
    assert main(["merge", str(shard), "-c", str(config), "-q"]) == 0
    capsys.readouterr()
    assert main(["audit", "-c", str(config)]) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err == (
        f"tagaudit: {config}:3: browser.headers.X-Token: environment variable NOT_SET_HERE "
        "is not set"
    )
