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

import copy
import json
import math
from collections.abc import Iterator
from typing import Any

from tagaudit.model import Report
from tagaudit.model.serial import to_dict

ONE_PER_LINE = ("pages", "links", "findings")
_ONE_LINE = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def render(report: Report) -> str:
    """The report's JSON text (the parts of `render_parts`, joined)."""
    return "".join(render_parts(report))


def render_parts(report: Report) -> Iterator[str]:
    """The report's JSON text, in parts as it is made: the files are written part by part,
    so the text of a large report is never whole in memory (a 2,000-page report's is 41 MB,
    and joining its parts held twice that; benchmarks/bench_audit_scale.py). Pages, links
    and findings are made into data one at a time, each encoded before the next: the data
    of a whole 2,000-page report at once was a second copy of the report in memory."""
    shell = copy.copy(report)
    for key in ONE_PER_LINE:
        setattr(shell, key, [])
    data = to_dict(shell)
    ordered = {"schema": data.pop("schema"), **data}
    yield "{\n"
    for number, (key, value) in enumerate(ordered.items()):
        yield (",\n  " if number else "  ") + json.dumps(key) + ": "
        if key in ONE_PER_LINE and getattr(report, key):
            yield from _items(getattr(report, key))
        else:
            yield _dumps(value, indent=2).replace("\n", "\n  ")
    yield "\n}\n"


def _items(items: list[Any]) -> Iterator[str]:
    """A list of pages, links or findings, one line each."""
    yield "[\n    "
    for number, item in enumerate(items):
        if number:
            yield ",\n    "
        yield _one_line(to_dict(item))
    yield "\n  ]"


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
