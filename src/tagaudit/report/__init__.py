"""Reporters: each module renders a finished Report into one format. They only read it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tagaudit.model import Report
from tagaudit.report import json_report


def write_all(report: Report, options: Any) -> list[Path]:
    """Write each format whose path is set on `options` (see cli.common.ReportOptions)."""
    writers = {"json": json_report.render}
    written = []
    for name, render in writers.items():
        path = getattr(options, name, None)
        if path is not None:
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(report), encoding="utf-8")
            written.append(path)
    return written
