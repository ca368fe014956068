"""Forged JSON never loses a finished run: a report given to `merge` or `--baseline` is read
as untrusted (every field's type, no NaN, no bottomless nesting, a bounded shard count), a
bad one is one line and exit 2 naming the file and the field, a baseline is checked before
any page loads, and should comparing with it fail anyway, the finished run is written."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tagaudit.cli import main
from tagaudit.report import write_all
from tagaudit.report.formats import FORMATS
from tests.report.report_sample import build_sample
from tests.support.servers import serve_routes

SAMPLE = json.loads(FORMATS["json"].text(build_sample()))


def _forged(change: Callable[[dict[str, Any]], Any]) -> str:
    data = json.loads(json.dumps(SAMPLE))
    change(data)
    return json.dumps(data)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """`pages.0.hits.1.params` ← value."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return change


FORGED = [
    # (JSON text, what the one line must say)
    (_forged(_set("pages.0.url", 5)), "pages[0].url: must be a string, not the number 5"),
    (_forged(_set("findings", "all")), "findings: must be a list, not 'all'"),
    (
        _forged(_set("pages.1.hits.1.params", [1, 2])),
        "pages[1].hits[1].params: must be an object, not a list",
    ),
    (_forged(_set("findings.0.fingerprint", ["x"])), "findings[0].fingerprint: must be a string"),
    (_forged(_set("findings.0.severity", "fatal")), "findings[0].severity: must be one of"),
    (_forged(_set("pages.0.status", True)), "pages[0].status: must be a whole number, not true"),
    (_forged(lambda d: d["pages"][0].pop("url")), "pages[0]: 'url' is missing"),
    (
        _forged(_set("pages.0.timings.load_ms", "fast")),
        "pages[0].timings.load_ms: must be a number, not 'fast'",
    ),
    (json.dumps(SAMPLE).replace('"value": 49.9', '"value": NaN', 1), "NaN is not a JSON number"),
    (json.dumps(SAMPLE).replace('"value": 49.9', '"value": -Infinity', 1), "-Infinity is not"),
    ('{"schema": "1.0", "pages": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deep"),
]


@pytest.mark.parametrize(("text", "said"), FORGED, ids=[said[:40] for _, said in FORGED])
def test_a_forged_shard_is_one_line_and_exit_2_naming_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    shard = tmp_path / "shard1.json"
    shard.write_text(text, encoding="utf-8")
    out = tmp_path / "merged.json"
    assert main(["merge", str(shard), "--json", str(out)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"tagaudit: report {shard} is not ")
    assert said in line, line
    assert not out.exists()


def test_data_of_any_shape_is_read_and_a_forged_key_is_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shard = tmp_path / "shard1.json"
    odd = {"\x1b[2Jx" * 20: {"a": [1, None]}}
    shard.write_text(_forged(_set("pages.0.hits.0.params", odd)), encoding="utf-8")
    assert main(["merge", str(shard), "-q", "--fail-on", "never"]) == 0  # params hold anything
    forged = _forged(_set("pages.0.timings", {"\x1b[2J" + "k" * 80: "x"}))
    shard.write_text(forged, encoding="utf-8")
    assert main(["merge", str(shard)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2J" in err and "k" * 60 not in err


def test_a_shard_count_of_ten_billion_is_merged_in_bounded_time_and_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It took 6 GB in 19 s, listing every missing shard."""
    shard = tmp_path / "shard1.json"
    shard.write_text(_forged(_set("config.shard", "1/10000000000")), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    assert main(["merge", str(shard), "--json", str(tmp_path / "m.json"), "-q"]) == 3
    assert time.monotonic() - started < 60
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200, grown_mb
    err = capsys.readouterr().err
    assert "shard 2/10000000000, 3/10000000000" in err and "9,999,999,989 more missing" in err
    merged = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert len(merged["pages"]) == len(SAMPLE["pages"])  # what there is, is kept


def test_numbers_json_has_not_are_written_as_text(tmp_path: Path) -> None:
    """A page's dataLayer or JSON body can hold NaN; Python would write a bare NaN, which no
    JSON reader takes (tagaudit's merge included)."""
    report = build_sample()
    report.pages[0].hits[1].params["value"] = float("nan")
    report.pages[0].data_layer = [{"event": "x", "value": float("inf")}]
    paths = {name: tmp_path / f"r{fmt.suffix}" for name, fmt in FORMATS.items()}
    assert not write_all(report, paths).problems
    for name in ("json", "sarif"):
        json.loads(paths[name].read_text(encoding="utf-8"), parse_constant=_refuse)
    page = json.loads(paths["json"].read_text(encoding="utf-8"))["pages"][0]
    assert page["hits"][1]["params"]["value"] == "NaN"
    assert page["data_layer"][0]["value"] == "Infinity"
    report.config.secrets = "kept"  # the JSON is then written without a masked copy
    write_all(report, {"json": paths["json"]})
    json.loads(paths["json"].read_text(encoding="utf-8"), parse_constant=_refuse)


def _refuse(name: str) -> None:
    raise AssertionError(f"{name} written into JSON")


LINK_PAGE = (200, {"Content-Type": "text/html"}, b"<html><body>ok</body></html>")


@pytest.fixture
def landing() -> Any:
    served: list[str] = []

    def page(request: Any) -> tuple[int, dict[str, str], bytes]:
        served.append(request.path)
        return LINK_PAGE

    with serve_routes({"/l": page}) as server:
        server.hits = served  # type: ignore[attr-defined]
        yield server


def test_a_forged_baseline_fails_before_anything_is_fetched(
    tmp_path: Path, landing: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "previous.json"
    baseline.write_text(_forged(_set("findings.0.url", {"x": 1})), encoding="utf-8")
    out = tmp_path / "r.json"
    args = ["links", landing.url("/l"), "--http-only", "--baseline", str(baseline)]
    assert main([*args, "--json", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"baseline {baseline} is not a tagaudit JSON report: findings[0].url" in err
    assert landing.hits == [] and not out.exists()


def test_a_baseline_that_cannot_be_compared_still_leaves_the_finished_run_written(
    tmp_path: Path, landing: Any, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    """Checked on reading, a baseline should not fail later; if comparing with it fails all
    the same, the run that finished is reported (exit 3, the reason on stderr)."""

    def broken(*args: object) -> None:
        raise ValueError("Invalid IPv6 URL")

    monkeypatch.setattr("tagaudit.runner.run.compare_baseline", broken)
    baseline = tmp_path / "previous.json"
    baseline.write_text(json.dumps(SAMPLE), encoding="utf-8")
    paths = {name: tmp_path / f"r{fmt.suffix}" for name, fmt in FORMATS.items()}
    flags = [arg for name, path in paths.items() for arg in (FORMATS[name].flag, str(path))]
    args = ["links", landing.url("/l"), "--http-only", "--baseline", str(baseline), "-q"]
    assert main([*args, *flags]) == 3
    assert landing.hits == ["/l"]
    assert all(path.is_file() for path in paths.values())
    report = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert [link["url"] for link in report["links"]] == [landing.url("/l")]
    assert report["config"]["run_error"].startswith(f"the baseline {baseline} could not be")
    assert "ValueError: Invalid IPv6 URL" in capsys.readouterr().err
