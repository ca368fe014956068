"""Reading a JSON report back (`tagaudit merge`, `--baseline`): the file, its JSON, its schema.

Anything that is not a tagaudit JSON report of this version is one line of bad input (exit
2) naming the file: a missing file, broken JSON, another tool's JSON, or a report of another
schema version (its fields may mean other things: re-run with one tagaudit version). The
schema version is the contract (model.SCHEMA_VERSION); tool versions may differ. Imports
tagaudit.model and tagaudit.errors.
"""

from __future__ import annotations

import json
from pathlib import Path

from tagaudit.errors import UsageError
from tagaudit.model import SCHEMA_VERSION, Report

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
        data = json.loads(text)
    except ValueError as problem:
        raise UsageError(f"{role} {path} is not JSON ({problem})") from None
    if not isinstance(data, dict) or any(key not in data for key in REQUIRED):
        raise UsageError(f"{role} {path} is not a tagaudit JSON report (written by --json)")
    if data["schema"] != SCHEMA_VERSION:
        raise UsageError(
            f"{role} {path} is a schema {data['schema']} report; this tagaudit "
            f"reads schema {SCHEMA_VERSION}",
            "make every report with one tagaudit version",
        )
    try:
        return Report.from_dict(data)
    except (TypeError, ValueError, AttributeError) as problem:
        raise UsageError(f"{role} {path} is not a tagaudit JSON report ({problem})") from None
