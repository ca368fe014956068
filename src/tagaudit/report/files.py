"""Writing report files: each requested format on its own, whole or not at all.

`write_all` takes the formats asked for as a mapping of format name (tagaudit.report.formats)
→ path, renders each from the masked copy of the Report its readers may see (one copy per
audience, tagaudit.report.masking), and writes each to a temporary file in the target's
folder renamed into place: a
report is whole or absent, never truncated, and one that cannot be written (a full disk, a
directory as the path) does not stop the others. `check_path` and `path_problem` say before a
run why a path could not take a report. Imports only tagaudit.model and the report package.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

from tagaudit.model import Report
from tagaudit.report.formats import FORMATS, report_format

# Bad paths (the user's to fix: exit 2) as opposed to failures while writing (exit 3).
BAD_PATH_ERRORS = (IsADirectoryError, NotADirectoryError, PermissionError, FileNotFoundError)
WRITE_SLICE = 1 << 20  # characters encoded at a time (write_text)


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


Paths = Mapping[str, Path | str | None]


def write_all(report: Report, paths: Paths, fail_on: str = "error") -> Written:
    """Write each format of `paths` (format name → path; None: not asked for), in the order
    of FORMATS; `fail_on` is the level the JUnit, HTML and Markdown verdicts follow."""
    wanted = {name: Path(path) for name, path in paths.items() if path is not None}
    written = Written()
    views: dict[tuple[bool, bool], Report] = {}  # the masked view (formats.ReportFormat)
    for name in sorted(wanted, key=_position):
        _write_one(report, name, wanted[name], fail_on, written, views)
    return written


def _position(name: str) -> int:
    report_format(name)  # an unknown name is a caller's mistake: KeyError
    return list(FORMATS).index(name)


def _write_one(
    report: Report, name: str, path: Path, fail_on: str, written: Written, views: dict
) -> None:
    fmt = FORMATS[name]
    audience = (fmt.people, fmt.page_list)
    if audience not in views:
        views.clear()  # one masked copy at a time: a copy of a 2,000-page report is large
        views[audience] = fmt.view(report)
    try:
        write_text(path, fmt.parts(report, fail_on, views[audience]))
    except OSError as problem:
        written.bad_path |= isinstance(problem, BAD_PATH_ERRORS)
        reason = problem.strerror or type(problem).__name__
        written.problems.append(f"could not write the {name} report to {path}: {reason}")
    else:
        written.append(path)


def path_problem(paths: Paths) -> str | None:
    """The first requested path that cannot take its report, as `--json out/: out is a
    directory` (checked before a run, so a bad path fails at once), or None."""
    for name in sorted(paths, key=_position):
        path = paths[name]
        problem = check_path(Path(path)) if path is not None else None
        if problem:
            return f"{report_format(name).flag} {path}: {problem}"
    return None


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


def write_text(path: Path, text: str | Iterable[str]) -> None:
    """Write `text` (one string, or its parts in order) whole or not at all: a temporary
    file beside `path`, then a rename; a part that fails to be made (an error while
    rendering) leaves `path` as it was.

    A path that is no regular file (/dev/stdout, a FIFO) is written directly: renaming over
    it would replace the device, not write to it. The text is encoded a slice at a time: a
    2,000-page JSON report is 41 MB, and its bytes whole were that much more memory.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with path.open("wb") as out:
            _write_encoded(out, text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            _write_encoded(out, text)
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


def _write_encoded(out: BinaryIO, text: str | Iterable[str]) -> None:
    for part in [text] if isinstance(text, str) else text:
        for start in range(0, len(part), WRITE_SLICE):
            out.write(part[start : start + WRITE_SLICE].encode("utf-8"))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


__all__ = ["Written", "check_path", "path_problem", "write_all", "write_text"]
