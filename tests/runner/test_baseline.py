"""`--baseline previous.json` and `--fail-on-new`: findings new / unchanged / fixed by their
stable fingerprints, the tag inventory compared per page (or per URL template when the runs
sampled different pages), SARIF baselineState, and an exit code for what a change introduced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.model import Finding, PageVisit, Report, TagHit
from tagaudit.runner.baseline import mark, tag_changes
from tests.support.servers import serve_folder

SHOP = "https://shop.test"


def _finding(rule: str, path: str, **extra: object) -> Finding:
    return Finding(rule, "pii", "error", f"{rule} on {path}", url=f"{SHOP}{path}", **extra)


def test_findings_are_new_unchanged_or_fixed_where_rechecked() -> None:
    previous = Report(
        findings=[
            _finding("a", "/a"),
            _finding("b", "/b"),  # gone, and /b was audited again: fixed
            _finding("c", "/gone-from-the-sample"),  # its page was not audited: unknown
            _finding("d", "/b", suppressed="accepted"),  # accepted risks are never "fixed"
        ]
    )
    current = Report(
        pages=[PageVisit(f"{SHOP}/a"), PageVisit(f"{SHOP}/b?utm_source=x")],
        findings=[_finding("a", "/a"), _finding("e", "/a")],
    )
    mark(current, previous, "previous.json")
    assert [f.baseline for f in current.findings] == ["unchanged", "new"]
    assert current.baseline is not None
    assert [f.rule_id for f in current.baseline.fixed] == ["b"]
    assert current.baseline.fixed[0].baseline == "fixed"
    assert current.baseline.not_rechecked == 1
    assert current.exit_code("error", new_only=True) == 1
    current.findings[1].suppressed = "ok"
    assert current.exit_code("error", new_only=True) == 0
    assert current.exit_code("error") == 1


def _ga4(*events: str) -> list[TagHit]:
    return [TagHit("ga4", "hit", "G-1", e) for e in events]


def test_tags_are_compared_per_page_and_per_template_of_other_pages() -> None:
    olds = [f"/product/item-{c}/" for c in "abcdefghij"]
    news = [f"/product/item-{c}/" for c in "klmnopqrst"]  # another sample of the template
    previous = Report(
        pages=[
            PageVisit(f"{SHOP}/thank-you/", hits=_ga4("page_view", "purchase")),
            *(PageVisit(SHOP + p, hits=_ga4("page_view", "add_to_cart")) for p in olds),
        ]
    )
    current = Report(
        pages=[
            PageVisit(f"{SHOP}/thank-you/", hits=_ga4("page_view")),
            *(
                PageVisit(SHOP + p, hits=[*_ga4("page_view"), TagHit("tiktok", "hit", "C9")])
                for p in news
            ),
            PageVisit(f"{SHOP}/new-page/", error="net::ERR_FAILED"),
        ]
    )
    changes = {c.url: c for c in tag_changes(previous, current)}
    assert set(changes) == {f"{SHOP}/thank-you/", f"{SHOP}/product/*"}
    assert changes[f"{SHOP}/thank-you/"].lost == ["ga4 G-1: purchase"]
    template = changes[f"{SHOP}/product/*"]
    assert template.template and template.lost == ["ga4 G-1: add_to_cart"]
    assert template.gained == ["tiktok C9"]


def test_a_confirmation_that_shows_no_order_lost_no_tag() -> None:
    """Its purchase is not lost: the page shows no order in this browser (page-not-reached)."""
    from tagaudit.model import Reached

    previous = Report(pages=[PageVisit(f"{SHOP}/thank-you/", hits=_ga4("page_view", "purchase"))])
    empty = PageVisit(f"{SHOP}/thank-you/", reached=Reached(empty="no-order", notice="No order"))
    assert tag_changes(previous, Report(pages=[empty])) == []


PAGE = "<!doctype html><title>{title}</title>{beacons}"
BEACON = (
    '<img src="https://www.google-analytics.com/g/collect?v=2&tid=G-BASE01&cid=1.2'
    '&en={event}&ep.transaction_id=T-1&epn.value=10&cu=EUR">'
)


def _site(root: Path, purchase: bool, fixed_404: bool) -> None:
    def write(path: str, events: list[str]) -> None:
        (root / path).mkdir(parents=True, exist_ok=True)
        beacons = "".join(BEACON.format(event=e) for e in events)
        (root / path / "index.html").write_text(PAGE.format(title=path, beacons=beacons), "utf-8")

    write("home", ["page_view"])
    write("thank-you", ["page_view", *(["purchase"] if purchase else [])])
    if fixed_404:
        write("old-offer", ["page_view"])


@pytest.mark.e2e
def test_a_release_that_drops_the_purchase_fails_only_on_what_it_introduced(
    tmp_path: Path, chromium_path: str
) -> None:
    root = tmp_path / "site"
    _site(root, purchase=True, fixed_404=False)
    with serve_folder(root) as site:
        config = tmp_path / "tagaudit.yaml"
        config.write_text(
            f"base_url: {site.base_url}\npages: [/home/, /thank-you/, /old-offer/]\n"
            "crawl: {quiet_ms: 100}\n",
            encoding="utf-8",
        )
        argv = ["audit", "-c", str(config), "--browser", chromium_path, "-q"]

        def run(name: str, *flags: str) -> tuple[int, dict]:
            out = tmp_path / f"{name}.json"
            code = main(
                [*argv, "--json", str(out), "--sarif", str(tmp_path / f"{name}.sarif"), *flags]
            )
            return code, json.loads(out.read_text(encoding="utf-8"))

        code, _ = run("before")
        assert code == 1  # the 404 is an error already
        baseline = ["--baseline", str(tmp_path / "before.json")]

        # the same site again: everything unchanged, nothing new, --fail-on-new passes
        code, same = run("same", *baseline, "--fail-on-new")
        assert code == 0 and {f["baseline"] for f in same["findings"]} == {"unchanged"}

        # a release drops the purchase and fixes the 404
        _site(root, purchase=False, fixed_404=True)
        code, after = run("after", *baseline, "--fail-on-new")
        assert code == 1
        (lost,) = [f for f in after["findings"] if f["rule_id"] == "baseline-tag-lost"]
        assert lost["baseline"] == "new" and lost["url"] == site.url("/thank-you/")
        assert lost["message"].startswith("ga4 G-BASE01: purchase: this event fired")
        fixed = {f["rule_id"] for f in after["baseline"]["fixed"]}
        assert "page-load-error" in fixed and fixed <= {"page-load-error", "console-errors"}
        assert after["baseline"]["tags"][0]["lost"] == ["ga4 G-BASE01: purchase"]
        sarif = json.loads((tmp_path / "after.sarif").read_text(encoding="utf-8"))
        states = {r["ruleId"]: r["baselineState"] for r in sarif["runs"][0]["results"]}
        assert states["baseline-tag-lost"] == "new"
        assert sarif["runs"][0]["properties"]["baseline"]["fixed"] == len(fixed)


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (None, "baseline {path}: no such file"),
        (
            '{"schema": "2.0", "pages": [], "links": [], "findings": []}',
            "baseline {path} is a schema 2.0 report; this tagaudit reads schema 1.0 "
            "(make every report with one tagaudit version)",
        ),
    ],
)
def test_a_bad_baseline_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, line: str
) -> None:
    path = tmp_path / "previous.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["audit", "https://shop.test/", "--baseline", str(path)]) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err == "tagaudit: " + line.replace("{path}", str(path))


def test_fail_on_new_needs_a_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "https://shop.test/", "--fail-on-new"]) == 2
    assert (
        capsys.readouterr().err.strip() == "tagaudit: --fail-on-new needs --baseline PREVIOUS.json"
    )
