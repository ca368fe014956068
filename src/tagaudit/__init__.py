"""tagaudit: does your conversion tracking actually work? Find out before launch and in CI."""

from __future__ import annotations

from tagaudit.errors import ConfigError, EnvironmentProblem, TagauditError, UsageError
from tagaudit.model import (
    Cookie,
    Finding,
    Hop,
    LinkResult,
    PageVisit,
    ParamChange,
    Report,
    Request,
    TagHit,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Cookie",
    "EnvironmentProblem",
    "Finding",
    "Hop",
    "LinkResult",
    "PageVisit",
    "ParamChange",
    "Report",
    "Request",
    "TagHit",
    "TagauditError",
    "UsageError",
    "__version__",
]
