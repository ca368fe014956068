"""Finished pages kept on disk, not in memory: a long audit's memory stays flat.

Each finished PageVisit holds its requests, bodies and decoded hits (some 50 KB a page on a
tagged site), and a run reads them all only at its end (the rules, the consent matrix, the
reports). So, past the first KEEP_IN_MEMORY pages, a run writes each page it finishes to an
anonymous temporary file (pickled: it is ours, gone when the process ends or the Report is
let go) and keeps only its place there. `Report.pages` is then a `SpooledPages`: a sequence
that reads a page back whenever it is asked for one, and lets it go after.

    pages = SpooledPages(PageFile())
    pages.append(visit)                  # past KEEP_IN_MEMORY: written to the file
    pages[0].hits, len(pages), list(pages)
    pages[3] = changed                   # a page read back is a copy: write a change back

A page read back is a new object each time: changing it changes nothing in the report until
it is written back (`pages[i] = page`, as the runner does for the collector probes). Copied
or pickled (`copy.deepcopy`, another process), it becomes a plain list of its pages. Its
`urls` are known without reading a page: the rules' page pass groups pages by URL with them
(tagaudit.rules.engine.page_units).

$TAGAUDIT_PAGES_IN_MEMORY sets how many pages stay in memory (KEEP_IN_MEMORY): the tests set
0 to run every code path over pages read back from disk.
Imports only tagaudit.model.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from tagaudit.model import PageVisit

# The first pages of a run stay in memory (a small run never touches the disk, and a page
# changed in place, as a library caller may do, stays changed there). Measured on the
# 2,000-page benchmark (benchmarks/bench_audit_scale.py): 50 KB a page kept, 4 MB here.
KEEP_IN_MEMORY = 100
IN_MEMORY_VARIABLE = "TAGAUDIT_PAGES_IN_MEMORY"
# Why a page may not be written: the disk (full, too large), or pickle (an object it cannot
# take, a page nested deeper than the recursion limit: a hostile tracking body).
UNKEPT = (
    OSError,
    pickle.PicklingError,
    TypeError,
    AttributeError,
    ValueError,
    OverflowError,
    RecursionError,
)


def _in_memory() -> int:
    value = os.environ.get(IN_MEMORY_VARIABLE, "")
    return int(value) if value.isdigit() else KEEP_IN_MEMORY


class PageFile:
    """An anonymous temporary file that pages are appended to and read back from, by place
    (`pread`: readers never share a file position, so nested loops over the pages work)."""

    def __init__(self, keep_in_memory: int | None = None) -> None:
        self.file: Any = None  # opened at the first page written
        self.close: weakref.finalize | None = None
        self.size = 0
        self.lock = threading.Lock()
        self.in_memory = _in_memory() if keep_in_memory is None else keep_in_memory
        # Never a page lost: when the disk refuses one (full, read-only), it stays in
        # memory and `problem` says why (the run notes it in its report).
        self.problem: str | None = None
        self.kept: dict[int, PageVisit] = {}  # id(Place) → a page written back in memory

    def keep(self, visit: PageVisit) -> Entry:
        """What to keep of a finished page: itself while few are kept in memory (the first
        `in_memory`), else its place in the file (itself when it cannot be written)."""
        if self.in_memory > 0:
            self.in_memory -= 1
            return visit
        try:
            return self.write(visit)
        except UNKEPT as problem:
            self._failed(problem)
            return visit

    def write(self, visit: PageVisit) -> Place:
        data = pickle.dumps(visit, protocol=pickle.HIGHEST_PROTOCOL)
        with self.lock:
            if self.file is None:
                # It lives as long as the Report reading it: closed when both are let go.
                self.file = tempfile.TemporaryFile(prefix="tagaudit-pages-")  # noqa: SIM115
                self.close = weakref.finalize(self, self.file.close)
            place = Place(self.size, len(data), visit.url)
            written = 0
            while written < len(data):  # pwrite may write less than asked
                written += os.pwrite(self.file.fileno(), data[written:], self.size + written)
            self.size += len(data)
        return place

    def rewrite(self, place: Place, visit: PageVisit) -> None:
        """A changed page back at `place` (moved: the Place object is shared), or kept in
        memory when the disk refuses it."""
        try:
            new = self.write(visit)
        except UNKEPT as problem:
            self._failed(problem)
            self.kept[id(place)] = visit
            return
        self.kept.pop(id(place), None)
        place.offset, place.length, place.url = new.offset, new.length, new.url

    def read(self, place: Place) -> PageVisit:
        held = self.kept.get(id(place))
        if held is not None:
            return held
        data = os.pread(self.file.fileno(), place.length, place.offset)
        visit: PageVisit = pickle.loads(data)
        return visit

    def _failed(self, problem: BaseException) -> None:
        if self.problem is None:
            why = getattr(problem, "strerror", None) or f"{type(problem).__name__}: {problem}"
            self.problem = (
                f"finished pages could not be kept on disk ({why}); the rest stayed in memory"
            )


class Place:
    """Where one page is in a PageFile; shared by the run's records and the pages view, so
    a page written back (`SpooledPages[i] = page`) is found at its new place by both."""

    __slots__ = ("length", "offset", "url")

    def __init__(self, offset: int, length: int, url: str) -> None:
        self.offset, self.length, self.url = offset, length, url


Entry = PageVisit | Place


class SpooledPages(Sequence[PageVisit]):
    """A run's pages, each either in memory or at its Place in a PageFile (see the module
    docstring). Equal to a list of the same pages."""

    def __init__(self, file: PageFile, entries: Iterable[Entry] = ()) -> None:
        self.file = file
        self.entries: list[Entry] = list(entries)

    def append(self, visit: PageVisit) -> None:
        self.entries.append(self.file.keep(visit))

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def urls(self) -> list[str]:
        """Each page's URL, in order, without reading a page back."""
        return [entry.url for entry in self.entries]

    @overload
    def __getitem__(self, index: int) -> PageVisit: ...
    @overload
    def __getitem__(self, index: slice) -> list[PageVisit]: ...
    def __getitem__(self, index: int | slice) -> PageVisit | list[PageVisit]:
        if isinstance(index, slice):
            return [self._page(entry) for entry in self.entries[index]]
        return self._page(self.entries[index])

    def __setitem__(self, index: int, visit: PageVisit) -> None:
        entry = self.entries[index]
        if type(entry) is Place:  # the Place object is shared: move it, others follow
            self.file.rewrite(entry, visit)
        else:
            self.entries[index] = visit

    def __iter__(self) -> Iterator[PageVisit]:
        return (self._page(entry) for entry in self.entries)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        spooled = sum(1 for entry in self.entries if type(entry) is Place)
        return f"<SpooledPages {len(self)} pages, {spooled} on disk>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))

    def _page(self, entry: Entry) -> PageVisit:
        return self.file.read(entry) if type(entry) is Place else entry  # type: ignore[arg-type]
