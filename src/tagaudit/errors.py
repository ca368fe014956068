"""The one exception tree of tagaudit.

Only usage, configuration and environment problems raise. Per-item problems (a page that
fails to load, a dead link, a request that does not decode) are values in the Report.

    TagauditError            exit 3 unless a subclass says otherwise; `.hint` is one line
    ├── UsageError           exit 2: bad flags, malformed URL, unreadable input file
    │   └── ConfigError      exit 2: tagaudit.yaml / rule file problems, names file, line, field
    └── EnvironmentProblem   exit 3: no browser could be found or started, a helper is missing

`first_line(problem)` is the one way a caught exception becomes the one line a report or
the CLI shows. This module imports nothing from tagaudit.
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


# A one-line reason is cut here: it lands in reports, tables and step results.
LINE_LIMIT = 300


def first_line(
    problem: BaseException | str, fallback: str = "", *, calls: tuple[str, ...] = ()
) -> str:
    """The first line of an error's text (at most LINE_LIMIT characters), else `fallback`.

    Playwright starts its messages with the call that failed and adds a call log on later
    lines. `calls` names the calls whose prefix is dropped: `Page.goto` that one method,
    `Locator.` every method of the class. With `calls=("Page.goto",)`, an error reading
    `Page.goto: net::ERR_NAME_NOT_RESOLVED at https://shop.example/` and its call log
    becomes `net::ERR_NAME_NOT_RESOLVED at https://shop.example/`.
    """
    text = str(problem).strip()
    line = text.splitlines()[0] if text else fallback
    call, sep, rest = line.partition(": ")
    if sep and any(call == c or (c.endswith(".") and call.startswith(c)) for c in calls):
        line = rest
    return line[:LINE_LIMIT]
