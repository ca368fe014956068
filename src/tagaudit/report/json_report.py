"""The JSON report: the Report of DESIGN.md as is, with its `schema` version first.

The JSON Schema it follows is schemas/report.schema.json (same version as model.SCHEMA_VERSION;
a test validates this output against it). Laid out for both readers: the top-level keys and
the small sections (config, summary, baseline) are indented, and each page, link and finding
is one line, so a diff of two reports shows which page changed and `grep` finds one. That
layout is also what keeps writing fast: Python's json module encodes in C only without
`indent`, and an indented 6 MB report of 1,000 links took 3.5 times as long to write
(benchmarks/bench_links.py prints the cost). One encoder serves every line: `json.dumps`
with options builds a new one per call, which was a third of the writing on 10,000 links.

A page can hand over numbers JSON has not (`NaN`, `Infinity` in a dataLayer or a JSON
body); Python would write them as bare words, which no JSON reader accepts (tagaudit's own
included). They are written as the strings "NaN", "Infinity", "-Infinity". Imports only
tagaudit.model.
"""

from __future__ import annotations

import json
import math
from typing import Any

from tagaudit.model import Report

ONE_PER_LINE = ("pages", "links", "findings")
_ONE_LINE = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def render(report: Report) -> str:
    """The report's JSON text. Its pieces are joined once, after the report's data is let
    go: on 10,000 links (43 MB of JSON) joining each section, then the whole, held several
    copies of the text at once beside that data (peak RSS, benchmarks/bench_links.py)."""
    data = report.to_dict()
    ordered = {"schema": data.pop("schema"), **data}
    del data
    pieces = ["{"]
    while ordered:
        key, value = next(iter(ordered.items()))
        del ordered[key]  # each section's data goes once its lines are made
        pieces += [",\n  " if len(pieces) > 1 else "\n  ", json.dumps(key), ": "]
        _value(key, value, pieces)
        del value
    pieces.append("\n}\n")
    return "".join(pieces)


def _value(key: str, value: Any, pieces: list[str]) -> None:
    """Append the JSON text of one top-level member's value to `pieces`."""
    if key in ONE_PER_LINE and isinstance(value, list) and value:
        pieces.append("[\n    ")
        for index, item in enumerate(value):
            if index:
                pieces.append(",\n    ")
            pieces.append(_one_line(item))
        pieces.append("\n  ]")
        return
    pieces.append(_dumps(value, indent=2).replace("\n", "\n  "))


def _one_line(value: Any) -> str:
    """One page, link or finding as one line (the shared encoder; NaN only when met)."""
    try:
        return _ONE_LINE(value)
    except ValueError:
        return _ONE_LINE(_finite(value))


def _dumps(value: Any, indent: int | None = None) -> str:
    """JSON text of `value`; numbers JSON has not become strings (checked only when met)."""
    try:
        return json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(value), indent=indent, ensure_ascii=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
