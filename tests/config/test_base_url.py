"""`base_url` (config) and `--base-url`: pages written as paths, so one tagaudit.yaml serves
staging, preview deployments and production."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.config import config_from_mapping, load_config
from tagaudit.config.targets import resolve_target
from tagaudit.errors import ConfigError, UsageError
from tagaudit.runner.sitesrv import SiteServer


@pytest.mark.parametrize(
    ("raw", "base", "url"),
    [
        ("/checkout/", "https://staging.shop.example", "https://staging.shop.example/checkout/"),
        ("/a?x=1", "https://pr-12.preview.example/", "https://pr-12.preview.example/a?x=1"),
        ("./cart/", "https://shop.example/de/", "https://shop.example/de/cart/"),
        ("https://other.example/x", "https://shop.example", "https://other.example/x"),
    ],
)
def test_paths_join_the_base_url_as_a_browser_joins_links(raw: str, base: str, url: str) -> None:
    assert resolve_target(raw, base) == url


def test_a_path_without_a_base_url_is_one_line_of_usage_error() -> None:
    with pytest.raises(UsageError, match=r"'/checkout/' is a path: give the site's address"):
        resolve_target("/checkout/", None)


def test_a_bad_base_url_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text("pages: [/]\nbase_url: staging\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.one_line() == (
        f"{path}:2: base_url: no scheme (write https://…): 'staging'"
    )


def test_the_flag_wins_over_the_file_and_is_checked_like_it() -> None:
    config = config_from_mapping({"base_url": "https://staging.shop.example", "pages": ["/"]})
    flag = {"base_url": "https://pr-7.preview.example"}
    moved = config.with_options(flag, ("base_url",), as_flags=True)
    assert moved.base_url == "https://pr-7.preview.example/"
    with pytest.raises(ConfigError, match="--base-url"):
        config.with_options({"base_url": "ftp://x"}, ("base_url",), as_flags=True)


@pytest.mark.e2e
def test_one_config_of_paths_audits_whichever_site_the_flag_names(
    tmp_path: Path, demo_site: SiteServer, chromium_path: str
) -> None:
    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        "base_url: https://staging.shop.invalid\npages:\n  - /\n  - /checkout/thank-you-dup/\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    argv = ["audit", "-c", str(config), "--base-url", demo_site.base_url, "--quiet"]
    code = main([*argv, "--browser", chromium_path, "--json", str(out), "--fail-on", "never"])
    assert code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    wanted = [demo_site.url("/"), demo_site.url("/checkout/thank-you-dup/")]
    assert report["config"]["targets"] == wanted
    assert report["config"]["base_url"] == demo_site.base_url.rstrip("/") + "/"
    assert [p["url"] for p in report["pages"]] == wanted
    assert all(p["status"] == 200 for p in report["pages"])
    assert report["config"]["declared"] == {wanted[0]: f"{config}:3", wanted[1]: f"{config}:4"}


def test_paths_on_the_command_line_need_a_base_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "/checkout/"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "tagaudit: '/checkout/' is a path: give the site's address as base_url in "
        "tagaudit.yaml or --base-url"
    ]
