"""Reading a JSON report back (`tagaudit merge`, `--baseline`): the file, its JSON, its schema.

Anything that is not a tagaudit JSON report of this version is one line of bad input (exit
2) naming the file: a missing file, broken JSON, another tool's JSON, or a report of another
schema version (its fields may mean other things: re-run with one tagaudit version). The
schema version is the contract (model.SCHEMA_VERSION); tool versions may differ.

A report is data anyone can edit, so it is read as untrusted: every value must have its
field's type (model.serial.checked_from_dict names the first that does not, `pages[3].url:
must be a string, not the number 5`), `NaN` and `Infinity` are no JSON (Python would read
them, and write them again into a merged report), and nesting deep enough to exhaust
Python's recursion is refused. A baseline is read when the run is prepared, so a bad one
fails before any page is loaded, never after. Imports tagaudit.model and tagaudit.errors.
"""

from __future__ import annotations

import json
from pathlib import Path

from tagaudit.errors import UsageError
from tagaudit.model import SCHEMA_VERSION, SEVERITIES, Report
from tagaudit.model.serial import ShapeError, checked_from_dict

REQUIRED = ("schema", "pages", "links", "findings")


def read_report(path: Path | str, role: str = "report") -> Report:
    """The Report in the JSON file `path`; UsageError naming `role` and the file otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{role} {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as problem:
        raise UsageError(f"{role} {path}: cannot be read ({problem})") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except ValueError as problem:
        raise UsageError(f"{role} {path} is not JSON ({problem})") from None
    except RecursionError:
        raise UsageError(f"{role} {path} is not a tagaudit JSON report (nested too deep)") from None
    if not isinstance(data, dict) or any(key not in data for key in REQUIRED):
        raise UsageError(f"{role} {path} is not a tagaudit JSON report (written by --json)")
    if data["schema"] != SCHEMA_VERSION:
        raise UsageError(
            f"{role} {path} is a schema {data['schema']} report; this tagaudit "
            f"reads schema {SCHEMA_VERSION}",
            "make every report with one tagaudit version",
        )
    try:
        report = checked_from_dict(Report, data)
        _check_words(report)
        return report
    except ShapeError as problem:
        raise UsageError(f"{role} {path} is not a tagaudit JSON report: {problem}") from None
    except RecursionError:
        raise UsageError(f"{role} {path} is not a tagaudit JSON report (nested too deep)") from None


def _check_words(report: Report) -> None:
    """Fields of a fixed vocabulary hold one of its words (findings are sorted by them)."""
    fixed = report.baseline.fixed if report.baseline is not None else []
    for where, findings in (("findings", report.findings), ("baseline.fixed", fixed)):
        for index, finding in enumerate(findings):
            if finding.severity not in SEVERITIES:
                raise ShapeError(
                    f"{where}[{index}].severity",
                    f"must be one of {', '.join(SEVERITIES)}, not {finding.severity[:40]!r}",
                )


def _no_constant(name: str) -> float:
    """`NaN`, `Infinity`, `-Infinity`: Python reads them, JSON has no such numbers."""
    raise ValueError(f"{name} is not a JSON number")
