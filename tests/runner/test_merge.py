"""`tagaudit merge`: shard reports joined in the order of one run, with site-wide rules and
the exit code computed on the whole; what cannot be merged is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.model import PageVisit, Report, RunInfo, TagHit
from tagaudit.report import json_report
from tagaudit.rules.engine import apply, load_rules
from tagaudit.runner.merge import merge

SHOP = "https://shop.test"


def _page(path: str, ga4: bool) -> PageVisit:
    hits = [TagHit("ga4", "hit", "G-SHOP01", "page_view")] if ga4 else []
    return PageVisit(f"{SHOP}{path}", status=200, hits=hits)


def _shard(spec: str, pages: list[PageVisit], plan: str = "p1") -> Report:
    info = RunInfo(command="audit", targets=[p.url for p in pages], shard=spec, plan_id=plan)
    report = Report(tool_version="0-test", pages=pages, config=info)
    apply(report, load_rules())
    return report


def _shards() -> list[Report]:
    # the plan was /a /b /c /d: shard 1 took /a and /c, shard 2 took /b and /d
    return [
        _shard("2/2", [_page("/b", True), _page("/d", False)]),
        _shard("1/2", [_page("/a", True), _page("/c", True)]),
    ]


def test_site_wide_rules_see_every_shards_pages() -> None:
    shards = _shards()
    # alone, neither shard has the 3 pages the inference needs: no finding anywhere
    assert not [f for s in shards for f in s.findings if f.rule_id == "tag-inferred-missing"]
    merged = merge(shards)
    assert [p.url for p in merged.pages] == [f"{SHOP}/{x}" for x in "abcd"]
    (missing,) = [f for f in merged.findings if f.rule_id == "tag-inferred-missing"]
    assert missing.url == f"{SHOP}/d" and "3 of 4 pages" in missing.message
    assert merged.exit_code("warning") == 1 and merged.config.shard is None
    assert merged.summary["pages"] == 4 and merged.config.run_error is None


def _write(folder: Path, reports: list[Report]) -> list[str]:
    paths = []
    for i, report in enumerate(reports, 1):
        path = folder / f"shard{i}.json"
        path.write_text(json_report.render(report), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_merge_writes_every_format_and_exits_on_the_whole(tmp_path: Path) -> None:
    paths = _write(tmp_path, _shards())
    out = {k: tmp_path / f"merged.{k}" for k in ("json", "junit", "html", "sarif", "markdown")}
    flags = [x for k, v in out.items() for x in (f"--{k}", str(v))]
    assert main(["merge", *paths, *flags, "--fail-on", "warning", "-q"]) == 1
    assert all(path.stat().st_size > 0 for path in out.values())
    merged = json.loads(out["json"].read_text(encoding="utf-8"))
    assert [p["url"] for p in merged["pages"]] == [f"{SHOP}/{x}" for x in "abcd"]
    assert main(["merge", *paths, "--fail-on", "error", "-q"]) == 0


def test_a_missing_shard_fails_the_run_and_keeps_what_there_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    three = [_shard(f"{i}/3", [_page(f"/{i}", True)]) for i in (1, 3)]
    out = tmp_path / "merged.json"
    assert main(["merge", *_write(tmp_path, three), "--json", str(out), "-q"]) == 3
    assert (
        "tagaudit: shard 2/3 missing: its pages are not in this report" in capsys.readouterr().err
    )
    assert len(json.loads(out.read_text(encoding="utf-8"))["pages"]) == 2


def test_shards_that_planned_different_lists_are_merged_with_a_note() -> None:
    shards = _shards()
    shards[0].config.plan_id = "p2"
    merged = merge(shards)
    assert any("planned different target lists" in note for note in merged.config.notes)


def _bad(tmp_path: Path, name: str) -> list[str]:
    shards = _shards()
    paths = _write(tmp_path, shards)
    if name == "schema":
        data = json.loads(Path(paths[1]).read_text(encoding="utf-8"))
        data["schema"] = "0.9"
        Path(paths[1]).write_text(json.dumps(data), encoding="utf-8")
    elif name == "twice":
        paths.append(paths[0])
    elif name == "not json":
        Path(paths[1]).write_text("{not json", encoding="utf-8")
    elif name == "missing file":
        paths.append(str(tmp_path / "nope.json"))
    elif name == "rules":
        config = tmp_path / "tagaudit.yaml"
        config.write_text("expect: [{tag: ga4}]\n", encoding="utf-8")
        expected = Report(tool_version="0", config=RunInfo(shard="3/3", targets=[]))
        apply(expected, load_rules(__import__("tagaudit").load_config(config).rule_options()))
        paths = _write(tmp_path, [*shards, expected])
    elif name == "other tool":
        Path(paths[1]).write_text('{"runs": []}', encoding="utf-8")
    return paths


@pytest.mark.parametrize(
    ("name", "line"),
    [
        (
            "schema",
            "report {dir}/shard2.json is a schema 0.9 report; this tagaudit reads schema "
            "1.0 (make every report with one tagaudit version)",
        ),
        ("twice", "shard 2/2 is given twice: {dir}/shard1.json and {dir}/shard1.json"),
        (
            "not json",
            "report {dir}/shard2.json is not JSON (Expecting property name enclosed in "
            "double quotes: line 1 column 2 (char 1))",
        ),
        ("missing file", "report {dir}/nope.json: no such file"),
        (
            "rules",
            "{dir}/shard3.json ran rules this merge does not have: expect-1 (give merge "
            "the shards' -c tagaudit.yaml and --rules)",
        ),
        (
            "other tool",
            "report {dir}/shard2.json is not a tagaudit JSON report (written by --json)",
        ),
    ],
)
def test_what_cannot_be_merged_is_one_line_and_exit_2_with_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, line: str
) -> None:
    paths = _bad(tmp_path, name)
    before = {p: Path(p).read_bytes() for p in paths if Path(p).exists()}
    out = tmp_path / "shard1.json"  # even over an input: nothing is written
    assert main(["merge", *paths, "--json", str(out)]) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err == "tagaudit: " + line.replace("{dir}", str(tmp_path))
    assert {p: Path(p).read_bytes() for p in before} == before


def test_nothing_to_merge_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["merge"]) == 2


def test_people_are_told_what_was_merged_and_compared(tmp_path: Path) -> None:
    shards = _shards()
    merged = merge(shards, baseline=merge(_shards()))
    assert "merge: 2 reports (shards 1/2, 2/2), 4 pages, 0 links" in merged.config.notes
    assert any(
        n.startswith("baseline baseline: 0 new, 1 unchanged, 0 fixed") for n in merged.config.notes
    )


def test_merge_help_reads_at_80_columns() -> None:
    import os
    import re
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "80"}
    command = [sys.executable, "-m", "tagaudit", "merge", "--help"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0 and "Usage: tagaudit merge [OPTIONS] [REPORT]..." in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    assert not re.search(r"<(int|str|path|list\[\w+\]|bool)>", done.stdout)
