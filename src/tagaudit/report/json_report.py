"""The JSON report: the Report of DESIGN.md, as is, with its schema version."""

from __future__ import annotations

import json

from tagaudit.model import Report


def render(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
