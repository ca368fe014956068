"""Reporters: each module renders a finished Report into one format. They only read it.

    terminal.render(report, console, verbose, quiet, fail_on)   rich summary
    progress.progress(console, quiet)           live bar / CI log lines
    json_report.render(report)                  the Report (schemas/report.schema.json)
    junit.render(report, fail_on)               JUnit XML (schemas/junit.xsd)
    sarif.render(report)                        SARIF 2.1.0
    markdown.render(report, fail_on)            CI step summary
    html.render(report, fail_on)                one self-contained HTML file
    consent, matrix                             the consent and tag matrices
    masking                                     what people never see

`write_all` writes each requested report on its own, to a temporary file in the target's
folder renamed into place: a report is whole or absent, never truncated, and one that cannot
be written (a full disk, a directory as the path) does not stop the others. Rule titles and
descriptions come from `report.config.rules`, the consent matrix from
`report.config.consent_matrix`. Imports only tagaudit.model (and rich in terminal.py).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tagaudit.model import Report
from tagaudit.report import html, json_report, junit, markdown, sarif
from tagaudit.report.masking import safe_json_text, safe_xml_text

# Bad paths (the user's to fix: exit 2) as opposed to failures while writing (exit 3).
BAD_PATH_ERRORS = (IsADirectoryError, NotADirectoryError, PermissionError, FileNotFoundError)
JSON_FORMATS = ("json", "sarif")


def renderers(fail_on: str = "error") -> dict[str, Callable[[Report], str]]:
    """Format name (the ReportOptions attribute holding its path) → render function."""
    return {
        "json": json_report.render,
        "junit": lambda report: junit.render(report, fail_on=fail_on),
        "html": lambda report: html.render(report, fail_on=fail_on),
        "sarif": sarif.render,
        "markdown": lambda report: markdown.render(report, fail_on=fail_on),
    }


class Written(list[Path]):
    """The paths `write_all` wrote (a list), with one line per report that failed and
    whether a failure was a bad path (exit 2) rather than a failed write (exit 3)."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.bad_path = False

    @property
    def paths(self) -> list[Path]:
        return list(self)


def write_all(report: Report, paths: dict[str, Any], fail_on: str = "error") -> Written:
    """Write each format of `paths` (format name → path) to its path."""
    written = Written()
    for name, render in renderers(fail_on or "error").items():
        path = paths.get(name)
        if path is None:
            continue
        path = Path(path)
        try:
            text = render(report)
            text = safe_json_text(text) if name in JSON_FORMATS else safe_xml_text(text)
            write_text(path, text)
        except OSError as problem:
            written.bad_path |= isinstance(problem, BAD_PATH_ERRORS)
            reason = problem.strerror or type(problem).__name__
            written.problems.append(f"could not write the {name} report to {path}: {reason}")
        else:
            written.append(path)
    return written


def check_path(path: Path) -> str | None:
    """Why a report could not go to `path` (checked before a run), or None."""
    if path.is_dir():
        return f"{path} is a directory"
    parent = next((p for p in [path.parent, *path.parent.parents] if p.exists()), None)
    if parent is not None and not parent.is_dir():
        return f"{parent} is not a directory"
    if parent is not None and not os.access(parent, os.W_OK | os.X_OK) and not path.exists():
        return f"cannot create files in {parent}"
    if path.exists() and not os.access(path, os.W_OK):
        return f"{path} is not writable"
    return None


def write_text(path: Path, text: str) -> None:
    """Write `text` whole or not at all: a temporary file beside `path`, then a rename.

    A path that is no regular file (/dev/stdout, a FIFO) is written directly: renaming over
    it would replace the device, not write to it.
    """
    data = text.encode("utf-8")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with path.open("wb") as out:
            out.write(data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temporary, stat.S_IMODE(mode))
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


__all__ = ["Written", "check_path", "renderers", "write_all", "write_text"]
