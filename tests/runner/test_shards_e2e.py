"""Shards for real: two `--shard` runs of a sitemap-planned audit, and of a link check, merged
back into exactly what one run finds, in the same order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.runner.sitesrv import SiteServer
from tests.support.shop_site import shop_site

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    with shop_site(tmp_path_factory.mktemp("shop")) as site:
        yield site


def _comparable(report: dict) -> tuple:
    pages = [(p["url"], p["scenario"], p["status"]) for p in report["pages"]]
    findings = sorted((f["fingerprint"], f["severity"], f["message"]) for f in report["findings"])
    return pages, findings, report["summary"]


def test_two_shards_merged_are_one_run(
    tmp_path: Path, shop: SiteServer, chromium_path: str
) -> None:
    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        f"base_url: {shop.base_url}\n"
        "pages: [/missing-page/]\n"  # a 404: a finding to carry through the merge
        "crawl: {sitemap: true, robots: true, per_template: 3, quiet_ms: 50}\n",
        encoding="utf-8",
    )
    base = ["audit", "-c", str(config), "--browser", chromium_path, "-q", "--fail-on", "never"]
    codes = {}
    for name, extra in (("one", []), ("s1", ["--shard", "1/2"]), ("s2", ["--shard", "2/2"])):
        codes[name] = main([*base, *extra, "--json", str(tmp_path / f"{name}.json")])
    assert codes == {"one": 0, "s1": 0, "s2": 0}
    one = json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))
    s1, s2 = (json.loads((tmp_path / f"s{i}.json").read_text(encoding="utf-8")) for i in (1, 2))
    assert len(s1["pages"]) == 6 and len(s2["pages"]) == 6  # 12 planned pages, balanced
    assert not {p["url"] for p in s1["pages"]} & {p["url"] for p in s2["pages"]}
    assert s1["config"]["plan_id"] == s2["config"]["plan_id"]

    merged_path = tmp_path / "merged.json"
    flags = ["--json", str(merged_path), "-c", str(config), "-q", "--fail-on", "error"]
    assert main(["merge", str(tmp_path / "s2.json"), str(tmp_path / "s1.json"), *flags]) == 1
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    assert _comparable(merged) == _comparable(one)
    assert merged["config"]["targets"] == one["config"]["targets"]


def test_link_shards_merge_back_in_input_order(tmp_path: Path, shop: SiteServer) -> None:
    links = [
        shop.url(f"/category/{c}/?utm_source=news&utm_medium=email")
        for c in ("men", "women", "kids", "shoes", "bags")
    ]
    (tmp_path / "links.txt").write_text("\n".join(links) + "\n", encoding="utf-8")
    for i in (1, 2):
        argv = ["links", str(tmp_path / "links.txt"), "--no-browser", "-q", "--shard", f"{i}/2"]
        assert main([*argv, "--json", str(tmp_path / f"l{i}.json"), "--fail-on", "never"]) == 0
    out = tmp_path / "links.json"
    argv = ["merge", str(tmp_path / "l1.json"), str(tmp_path / "l2.json"), "--json", str(out)]
    assert main([*argv, "-q", "--fail-on", "never"]) == 0
    merged = json.loads(out.read_text(encoding="utf-8"))
    assert [link["url"] for link in merged["links"]] == links
    assert merged["config"]["command"] == "links" and merged["summary"]["links"] == 5
