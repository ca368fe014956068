"""Finished pages kept on disk (runner/spool.py): read back whole, written back when changed,
the same report to the rules and every format as pages kept in memory."""

from __future__ import annotations

import copy
import io
import json
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from tagaudit import audit
from tagaudit.model import PageVisit, Report, Request, TagHit
from tagaudit.pytest_plugin.yaml_items import pages_at
from tagaudit.report import terminal
from tagaudit.report.files import write_all
from tagaudit.report.formats import FORMATS
from tagaudit.report.masking import masked_report
from tagaudit.report.matrix import tag_matrix
from tagaudit.runner import spool
from tagaudit.runner.sitesrv import SiteServer
from tagaudit.runner.spool import PageFile, Place, SpooledPages
from tests.support.reach_site import serve_reach_site

EMAIL = "jane.doe@example.com"


def _page(n: int) -> PageVisit:
    url = f"https://shop.example/p{n}/?token=s3cr3t"
    visit = PageVisit(url=url, final_url=url, status=200)
    visit.requests.append(Request(url=f"https://www.google-analytics.com/g/collect?em={EMAIL}"))
    visit.hits.append(TagHit("ga4", account="G-1", event="page_view", params={"n": n}))
    return visit


def _spooled(count: int, in_memory: int = 0) -> SpooledPages:
    pages = SpooledPages(PageFile(keep_in_memory=in_memory))
    for n in range(count):
        pages.append(_page(n))
    return pages


def test_pages_past_the_first_are_read_back_whole_from_the_file() -> None:
    pages = _spooled(5, in_memory=2)
    assert [type(e) is Place for e in pages.entries] == [False, False, True, True, True]
    assert len(pages) == 5 and pages == [_page(n) for n in range(5)]
    assert pages[3].hits[0].params == {"n": 3} and pages[-1].url.startswith("https://shop.")
    assert [p.hits[0].params["n"] for p in pages[1:4]] == [1, 2, 3]
    # Nested loops over the pages read at their own places (no shared file position).
    assert [(a.hits[0].params["n"], b.hits[0].params["n"]) for a in pages for b in pages][7] == (
        1,
        2,
    )
    assert repr(pages) == "<SpooledPages 5 pages, 3 on disk>"


def test_a_page_read_back_is_a_copy_and_a_change_is_written_back() -> None:
    pages = _spooled(3)
    shared = pages.entries[1]
    changed = pages[1]
    changed.hits.clear()
    assert pages[1].hits  # not written back yet: the report is unchanged
    pages[1] = changed
    assert pages[1].hits == [] and pages.entries[1] is shared  # moved: the runner's too
    other = SpooledPages(pages.file, [shared])
    assert other[0].hits == []


def test_a_copy_or_a_pickle_is_a_plain_list_of_the_pages() -> None:
    pages = _spooled(3)
    for copied in (copy.deepcopy(pages), pickle.loads(pickle.dumps(pages))):
        assert type(copied) is list and copied == list(pages)


def _report(pages: SpooledPages | list[PageVisit]) -> Report:
    report = Report(tool_version="1", started="s", finished="f", pages=pages)  # type: ignore[arg-type]
    report.summarize()
    return report


def test_every_format_writes_the_same_from_pages_on_disk(tmp_path: Path) -> None:
    spooled, listed = _report(_spooled(4)), _report([_page(n) for n in range(4)])
    assert spooled.to_dict() == listed.to_dict() and spooled.summary["hits"] == 4
    assert Report.from_dict(spooled.to_dict()).pages == list(spooled.pages)
    for name, fmt in FORMATS.items():
        text = fmt.text(spooled)
        assert text == fmt.text(listed), name
        assert "s3cr3t" not in text, name  # masked as each page is read
        if fmt.people:
            assert EMAIL not in text, name
    written = write_all(spooled, {"json": tmp_path / "r.json", "html": tmp_path / "r.html"})
    assert written and json.loads((tmp_path / "r.json").read_text())["summary"]["pages"] == 4


def _terminal(report: Report) -> str:
    console = Console(record=True, width=80, file=io.StringIO())
    terminal.render(report, console, verbose=True)
    return console.export_text()


def test_the_terminal_shows_the_same_from_pages_on_disk() -> None:
    spooled, listed = _report(_spooled(4)), _report([_page(n) for n in range(4)])
    shown = _terminal(spooled)
    assert shown == _terminal(listed) and "Tag matrix" in shown and "s3cr3t" not in shown


def test_the_tag_matrix_of_pages_on_disk_holds_no_captured_data() -> None:
    """Its rows name pages read back one at a time: holding them whole was the run's peak."""
    _, rows = tag_matrix(_report(_spooled(4)))
    assert len(rows) == 4 and all(not page.requests and not page.hits for page, _ in rows)
    assert [cells["ga4:G-1"].hits for _, cells in rows] == [1, 1, 1, 1]


REFUSED = r"""
import resource, signal, sys
from tagaudit.model import PageVisit
from tagaudit.runner.spool import PageFile, Place, SpooledPages

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the limit, write() fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, resource.RLIM_INFINITY))
pages = SpooledPages(PageFile(keep_in_memory=0))
for n in range(6):
    pages.append(PageVisit(url=f"https://shop.example/p{n}/", console_errors=["x" * 6_000]))
changed = pages[0]
changed.status = 201
pages[0] = changed
print(sum(type(e) is Place for e in pages.entries), [p.url[-3:] for p in pages], pages[0].status)
print(pages.file.problem)
"""


def test_pages_the_disk_refuses_stay_in_memory_and_the_run_says_so() -> None:
    """A real limit on file size (RLIMIT_FSIZE) in a process of its own: the first pages
    fit, the others do not; none is lost, and the problem is one line for the report."""
    done = subprocess.run(
        [sys.executable, "-c", REFUSED], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    spooled, problem = done.stdout.splitlines()
    assert spooled.startswith(("2 ", "3 ")), spooled  # ~6 KB a page, 20 KB allowed
    assert spooled.endswith("['p0/', 'p1/', 'p2/', 'p3/', 'p4/', 'p5/'] 201")
    assert problem == (
        "finished pages could not be kept on disk (File too large); the rest stayed in memory"
    )


# -- a real audit, every page on disk -------------------------------------------------------


@pytest.fixture(scope="module")
def site() -> Iterator[SiteServer]:
    with serve_reach_site() as served:
        yield served


@pytest.mark.e2e
def test_an_audit_with_every_page_on_disk_probes_and_judges_them_as_in_memory(
    site: SiteServer, chromium_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool, "KEEP_IN_MEMORY", 0)
    stories, about = site.url("/stories/"), site.url("/about/")
    report = audit([stories, about], browser=chromium_path, concurrency=1)
    assert isinstance(report.pages, SpooledPages)
    assert all(type(e) is Place for e in report.pages.entries)
    page = next(p for p in report.pages if p.url == stories)
    # The probe of the site's own collector was written back, and what the page reached
    # was filled in again from it: the hits bound there were not delivered.
    own = [r for r in page.requests if "/metrics/g/collect" in r.url]
    assert own and {r.collector for r in own} == {"HTTP 502"}
    assert not any(tag.startswith("ga4") for tag in page.reached.tags)
    down = [f for f in report.findings if f.rule_id == "tag-collector-down"]
    assert [f.url for f in down] == [stories]
    assert report.summary["pages"] == 2 and report.summary["hits"] == sum(
        len(p.hits) for p in report.pages
    )


def test_pages_read_back_are_masked_without_keeping_their_strings() -> None:
    """Masked as each is read, pages from disk do not fill the masker's shared cache (it
    would hold every string of every page: the memory the disk saved)."""
    pages = _spooled(5)
    view = masked_report(_report(pages), people=False)
    masker = view.pages.masker
    before = masker.text.cache_info().currsize
    assert all("s3cr3t" not in p.url for p in view.pages)
    assert masker.text.cache_info().currsize == before


def test_the_pytest_plugin_reads_a_long_runs_pages_once_for_all_its_findings() -> None:
    report = _report(_spooled(6))
    reads = []
    file = report.pages.file
    real = file.read
    file.read = lambda place: reads.append(place) or real(place)  # count the reads
    for _ in range(3):
        for n in range(6):
            [visit] = pages_at(report, f"https://shop.example/p{n}/?token=s3cr3t")
            assert not visit.requests and not visit.hits  # its head: a name, no capture
    assert len(reads) == 6
