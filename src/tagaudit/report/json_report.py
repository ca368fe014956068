"""The JSON report: the Report of DESIGN.md as is, with its `schema` version first.

The JSON Schema it follows is schemas/report.schema.json (same version as model.SCHEMA_VERSION;
a test validates this output against it). Imports only tagaudit.model.
"""

from __future__ import annotations

import json

from tagaudit.model import Report


def render(report: Report) -> str:
    data = report.to_dict()
    ordered = {"schema": data.pop("schema"), **data}
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"
