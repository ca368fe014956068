"""One audit per collected tagaudit.yaml and test run: the pages and journeys pytest selected.

`pytest tagaudit.yaml` makes an item of each page and journey (yaml_items.py); running them
one by one would start a browser per item and lose what only the whole run knows (a tag
on most pages but missing on this one). So the first item of a file to run audits
everything of that file that this test run selected (-k, --lf and --deselect applied), in
one browser, exactly as `tagaudit audit -c tagaudit.yaml` would with the same pages and
journeys; every item then reads its part of that Report.

Under pytest-xdist each worker collects and selects the same items, so the same run would
start on every worker that gets an item of the file. The first worker to need it takes a
lock (a file in a folder the xdist controller made for this test run, and removes after
it) and writes the Report as JSON; the others wait for the lock and read it. One browser
per file for the whole test run, on one worker; the files are spread over the workers.
Without fcntl (Windows) each worker audits on its own: the same answers, more work.

Imports the runner and the model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tagaudit.errors import TagauditError
from tagaudit.model import Report, to_dict

if TYPE_CHECKING:
    from tagaudit.runner.api import Config


@dataclass(frozen=True)
class Selection:
    """What of one config a test run audits: page URLs, journey names, the crawl or not."""

    config_path: Path
    pages: tuple[str, ...] = ()
    journeys: tuple[str, ...] = ()
    crawl: bool = False

    def key(self) -> str:
        text = json.dumps([str(self.config_path.resolve()), self.pages, self.journeys, self.crawl])
        return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass
class Outcome:
    """The finished Report, or the one line that says why there is none."""

    report: Report | None = None
    problem: str | None = None


def audit_selection(selection: Selection, config: Config) -> Outcome:
    """Run the audit of `selection` (see the module docstring); problems are one line."""
    from tagaudit.runner.audit import prepare_audit

    starts = config.pages if selection.pages or selection.crawl else []
    narrowed = dataclasses.replace(config, pages=starts)
    if not selection.crawl:
        crawl = dataclasses.replace(config.crawl, depth=0, sitemap=[])
        narrowed = dataclasses.replace(narrowed, crawl=crawl)
    try:
        run = prepare_audit(
            list(selection.pages) or None, config=narrowed, journeys=list(selection.journeys)
        )
        return Outcome(report=run.run())
    except TagauditError as problem:
        return Outcome(problem=f"tagaudit: {problem.one_line()}")


class FileRuns:
    """This process's runs, by selection; shared with other xdist workers through `folder`."""

    def __init__(self, folder: str | None = None) -> None:
        self.folder = Path(folder) if folder else None
        self.done: dict[str, Outcome] = {}

    def outcome(self, selection: Selection, config: Config) -> Outcome:
        key = selection.key()
        if key not in self.done:
            self.done[key] = self._shared(key, selection, config)
        return self.done[key]

    def _shared(self, key: str, selection: Selection, config: Config) -> Outcome:
        if self.folder is None or not _can_lock():
            return audit_selection(selection, config)
        saved = self.folder / f"{key}.json"
        with _locked(self.folder / f"{key}.lock"):
            if saved.is_file():
                return _read(saved)
            outcome = audit_selection(selection, config)
            _write(saved, outcome)
            return outcome


def _can_lock() -> bool:
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return False
    return True


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    import fcntl

    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another worker auditing the file: wait for it
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(path: Path, outcome: Outcome) -> None:
    data = {"problem": outcome.problem}
    if outcome.report is not None:
        data["report"] = to_dict(outcome.report)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, path)


def _read(path: Path) -> Outcome:
    data = json.loads(path.read_text(encoding="utf-8"))
    report = Report.from_dict(data["report"]) if data.get("report") else None
    return Outcome(report=report, problem=data.get("problem"))
