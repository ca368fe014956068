"""Meta-tests of the report format registry: a format that is registered is offered by the
commands that write reports, documented in the README and held to a golden output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup, TyperOption

from tagaudit.cli import app
from tagaudit.report.formats import FORMATS, ReportFormat, report_format

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
README = (REPO / "README.md").read_text(encoding="utf-8")
REPORT_COMMANDS = ("audit", "links", "merge")
EACH = pytest.mark.parametrize("fmt", FORMATS.values(), ids=lambda fmt: fmt.name)


def _tour_command_writing_every_format() -> str:
    """The command of README's five-minute tour that says it writes all report formats."""
    tour = README.split("## A five-minute tour", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"# [^\n]*all report formats[^\n]*\n(.*?)\n\n", tour, re.S)
    assert block, "README's tour has no command writing all report formats"
    return block.group(1)


@EACH
def test_the_readme_tour_writes_every_format(fmt: ReportFormat) -> None:
    assert re.search(rf"{fmt.flag} \S", _tour_command_writing_every_format()), fmt.flag


@EACH
def test_every_format_has_a_golden(fmt: ReportFormat) -> None:
    """test_goldens.py compares each registered format with golden/report<suffix>."""
    assert (GOLDEN / f"report{fmt.suffix}").is_file(), f"no golden report{fmt.suffix}"


def _options(command: str) -> dict[str, TyperOption]:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    params = group.commands[command].params
    return {opt: p for p in params if isinstance(p, TyperOption) for opt in p.opts}


@pytest.mark.parametrize("command", REPORT_COMMANDS)
@EACH
def test_every_report_command_offers_every_format(command: str, fmt: ReportFormat) -> None:
    option = _options(command).get(fmt.flag)
    assert option is not None, f"tagaudit {command} has no {fmt.flag}"
    assert (option.help, option.metavar) == (fmt.help, fmt.metavar)


def test_names_flags_and_suffixes_are_unique() -> None:
    for field in ("flag", "suffix"):
        values = [getattr(fmt, field) for fmt in FORMATS.values()]
        assert len(values) == len(set(values)), field
    assert all(name == fmt.name for name, fmt in FORMATS.items())


def test_an_unknown_format_names_the_known_ones() -> None:
    assert report_format("sarif") is FORMATS["sarif"]
    with pytest.raises(KeyError, match=r"no report format 'pdf' \(known: json, junit, html, sarif"):
        report_format("pdf")
