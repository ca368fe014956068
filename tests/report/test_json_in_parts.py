"""The JSON report goes to its file part by part: its text is never whole in memory.

A report of many pages (the sample shop's page with hits, under new URLs) is written with
`write_all`, as a run writes it, while tracemalloc counts what Python allocates. The file
must be the same text `render` makes whole, and writing it must hold far less than the file
is big: joined before writing, it held the whole text and its parts at once (twice the file).
"""

from __future__ import annotations

import copy
import tracemalloc
from pathlib import Path

from tagaudit.report import write_all, write_text
from tagaudit.report.formats import report_format
from tests.report.test_html_scale import many_pages


def test_writing_the_json_holds_a_fraction_of_its_size(tmp_path: Path) -> None:
    report = many_pages(300)
    for page in report.pages:  # a body of some KB each, as a tracking POST carries
        page.requests[0].post_data = "e=page_view&" * 1000
    path = tmp_path / "report.json"
    tracemalloc.start()
    try:
        written = write_all(report, {"json": path})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written.problems == [] and written.paths == [path]
    size = path.stat().st_size
    assert size > 3_000_000, "too small a report to tell streaming from joining"
    assert peak < size / 4, f"writing held {peak:,} bytes for a {size:,}-byte file"
    whole = report_format("json").text(copy.deepcopy(report))
    assert path.read_text(encoding="utf-8") == whole


def test_a_part_that_fails_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text('{"old": true}\n', encoding="utf-8")

    def parts():
        yield '{"new": '
        raise RuntimeError("a page could not be encoded")

    try:
        write_text(path, parts())
    except RuntimeError:
        pass
    else:
        raise AssertionError("the failure was swallowed")
    assert path.read_text(encoding="utf-8") == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left
