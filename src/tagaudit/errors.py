"""The one exception tree of tagaudit.

Only usage, configuration and environment problems raise. Per-item problems (a page that
fails to load, a dead link, a request that does not decode) are values in the Report.

    TagauditError            exit 3 unless a subclass says otherwise; `.hint` is one line
    ├── UsageError           exit 2: bad flags, malformed URL, unreadable input file
    │   └── ConfigError      exit 2: tagaudit.yaml / rule file problems, names file, line, field
    └── EnvironmentProblem   exit 3: no browser could be found or started, a helper is missing

This module imports nothing from tagaudit.
"""

from __future__ import annotations


class TagauditError(Exception):
    """Base of every error the CLI turns into one line and an exit code."""

    exit_code = 3

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message the CLI prints: the problem, then the fix if we know it."""
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(TagauditError):
    """The user asked for something we cannot do as asked."""

    exit_code = 2


class ConfigError(UsageError):
    """A configuration or rule file is malformed; the message names file, line and field."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        where = ":".join(str(p) for p in (path, line) if p is not None)
        prefix = f"{where}: " if where else ""
        at_field = f"{field}: " if field else ""
        super().__init__(f"{prefix}{at_field}{message}", hint)
        self.path, self.line, self.field = path, line, field


class EnvironmentProblem(TagauditError):
    """The machine lacks something the run needs (a browser, an npm helper)."""

    exit_code = 3
