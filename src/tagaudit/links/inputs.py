"""Reading campaign links from the command line: URLs, .txt lists and .csv exports.

Owns turning arguments into `LinkTarget`s and one readable line per bad input (malformed
URL, unsupported scheme, a line break inside a URL, empty or missing file, CSV without a URL
column). A file that is no list of URLs at all (a binary, a script: someone passed the
Chromium executable) is one line too, not a line per line of it. Bad items are values in
`InputProblems`, never exceptions: the rest is still checked. Problems in a file name the
line they start on (`ads.csv:7: …`), the line a spreadsheet or editor shows.

CSV as spreadsheets write it: the delimiter (`,`, `;` as European Excel writes it, or tab)
is read from the header line or Excel's `sep=` line; cells may span lines when quoted; a
UTF-8 byte order mark (Excel's "CSV UTF-8") is dropped. The columns read (any case, with
spaces, `_` or `-`; every other column is ignored):

    url | final url | link | landing page | destination url     the link (required)
    final url suffix | url suffix      Google Ads: appended to the final URL (`?` or `&`)
    expected landing | expected | landing     host/path pattern the link must land on
    must arrive | required params     parameters that must reach the landing URL (`,` `;`)
    expected channel | channel        the GA4 default channel the link should fall in

Imports only tagaudit.model.urls (which URLs can be followed) and the standard library.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tagaudit.model.urls import url_problem

# The columns read from a CSV, each under any of its names; a header matches a name whatever
# its case, spaces, `_` or `-` (Google Ads Editor's rule: `Final URL suffix` is
# `final_url_suffix` is `FINALURLSUFFIX`). Every other column is ignored.
URL_COLUMNS = ("url", "final url", "link", "landing page", "destination url")
SUFFIX_COLUMNS = ("final url suffix", "url suffix")  # Google Ads: appended to the final URL
EXPECT_COLUMNS = ("expected landing", "expected", "landing")
CHANNEL_COLUMNS = ("expected channel", "channel")
MUST_ARRIVE_COLUMNS = ("must arrive", "required params")
DELIMITERS = (",", ";", "\t")  # ties go to the first
SNIFF_BYTES = 1024  # how much of a file decides whether it is text
SHOWN = 5  # a file with no link and more problems than this is not a list of URLs


@dataclass
class LinkTarget:
    """One link to check, where it came from, and what the user expects of it."""

    url: str
    source: str = "argument"
    expected_landing: str | None = None
    must_arrive: list[str] = field(default_factory=list)
    expected_channel: str | None = None


@dataclass
class InputProblems:
    """Every link that could be read, and one line per input that could not."""

    targets: list[LinkTarget] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_inputs(items: list[str]) -> InputProblems:
    """Arguments → targets: `.txt`/`.csv` paths are read, anything else is a URL."""
    out = InputProblems()
    for item in items:
        path = Path(item)
        if "://" not in item and (item.lower().endswith((".txt", ".csv")) or path.is_file()):
            _read_file(path, out)
        else:
            _add(out, LinkTarget(url=item.strip()))  # spaces in the query: a UTM hygiene finding
    return out


def _add(out: InputProblems, target: LinkTarget) -> None:
    problem = url_problem(target.url)
    if problem:
        out.problems.append(f"{target.source}: {target.url!r}: {problem}")
    else:
        out.targets.append(target)


def _read_file(path: Path, out: InputProblems) -> None:
    text = _text_of(path, out)
    if text is None:
        return
    found = InputProblems()
    if path.suffix.lower() == ".csv":
        _read_csv(path, text, found)
    else:
        _read_txt(path, text, found)
    if not found.targets and not found.problems:
        out.problems.append(f"{path}: no links in this file")
    elif not found.targets and len(found.problems) > SHOWN:
        first = found.problems[0].removeprefix(f"{path}:")
        out.problems.append(
            f"{path} is not a list of URLs ({len(found.problems)} lines, none a link; line {first})"
        )
    else:
        out.targets.extend(found.targets)
        out.problems.extend(found.problems)


def _text_of(path: Path, out: InputProblems) -> str | None:
    """The file's text, or None and one line in `out` that says why not."""
    try:
        with path.open("rb") as stream:
            head = stream.read(SNIFF_BYTES)
            if is_binary(head):  # the rest (say, 200 MB of a browser) is never read
                out.problems.append(f"{path} is not a text file of URLs")
                return None
            data = head + stream.read()
    except FileNotFoundError:
        out.problems.append(f"{path}: no such file")
        return None
    except OSError as problem:
        out.problems.append(f"{path}: cannot read ({problem.strerror or problem})")
        return None
    try:
        return data.decode(_encoding(head))
    except UnicodeDecodeError as problem:
        line = data[: problem.start].count(b"\n") + 1
        out.problems.append(
            f"{path}:{line}: not UTF-8 text; save it as UTF-8 (in Excel: CSV UTF-8)"
        )
        return None


def _encoding(head: bytes) -> str:
    """UTF-16 after its byte order mark (Excel's "Unicode Text"), else UTF-8 (BOM or not)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def is_binary(head: bytes) -> bool:
    """The start of a file that is no text: NUL bytes (UTF-16 text aside), or other control
    bytes in bytes that are not UTF-8. (Text in a legacy encoding, Excel's Windows-1252 CSV,
    has neither.)"""
    if _encoding(head) == "utf-16":
        return False
    if b"\x00" in head:
        return True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # a character cut at the end is fine
    except UnicodeDecodeError:
        return any(byte < 32 and byte not in b"\t\n\r\f" for byte in head)
    return False


def _read_txt(path: Path, text: str, out: InputProblems) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            _add(out, LinkTarget(url=line, source=f"{path}:{number}"))


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    keys = [_key(h) for h in header]
    for name in names:
        if _key(name) in keys:
            return keys.index(_key(name))
    return None


def _key(name: str) -> str:
    """A column name as matched: `Final URL suffix` → `finalurlsuffix`."""
    return re.sub(r"[\s_\-]+", "", name).lower()


def with_suffix(url: str, suffix: str) -> str:
    """The URL a Google Ads click lands on: the final URL with its suffix appended
    (`utm_source=google&utm_medium=cpc`, after `&` when the URL has a query, else `?`),
    before any #fragment."""
    suffix = suffix.strip().lstrip("?&")
    if not suffix:
        return url
    base, hash_, fragment = url.partition("#")
    joined = f"{base}{'&' if '?' in base else '?'}{suffix}"
    return joined + (hash_ + fragment if hash_ else "")


def _read_csv(path: Path, text: str, out: InputProblems) -> None:
    """Rows under a header with a URL column; each named by the line it starts on."""
    try:
        _read_rows(path, _rows(text), out)
    except csv.Error as problem:  # a cell over the csv module's size limit, say
        out.problems.append(f"{path}: not CSV that can be read ({problem})")


def _read_rows(path: Path, rows: Iterator[tuple[int, list[str]]], out: InputProblems) -> None:
    line, header = next(rows, (1, []))
    if not header:
        return
    url_at = _column(header, URL_COLUMNS)
    if url_at is None:
        out.problems.append(
            f"{path}:{line}: no URL column (name one of: {', '.join(URL_COLUMNS)}); "
            f"header was {', '.join(header)}"
        )
        return
    columns = Columns(
        url_at,
        _column(header, SUFFIX_COLUMNS),
        _column(header, EXPECT_COLUMNS),
        _column(header, MUST_ARRIVE_COLUMNS),
        _column(header, CHANNEL_COLUMNS),
    )
    for line, row in rows:
        _add_row(out, f"{path}:{line}", row, columns)


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line the row starts on, cells) of each non-blank row, in the file's own delimiter."""
    skip, hint = 0, re.match(r"\s*sep=(.)[ \t]*(?:\r\n|\r|\n)", text)
    if hint:  # Excel's own hint line: `sep=;`
        skip, delimiter = len(hint.group(0).splitlines()), hint.group(1)
        text = text[hint.end() :]
    else:
        delimiter = _delimiter(next((ln for ln in text.splitlines() if ln.strip()), ""))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = skip + 1
    for row in reader:
        line, start = start, skip + reader.line_num + 1
        if any(cell.strip() for cell in row):
            yield line, row


def _delimiter(header: str) -> str:
    """`,` `;` or tab: whichever the header line holds most outside quotes (`,` if none)."""
    outside = re.sub(r'"[^"]*"', "", header)
    return max(DELIMITERS, key=outside.count) if any(d in outside for d in DELIMITERS) else ","


@dataclass
class Columns:
    """Where each column tagaudit reads is in a CSV's rows (None: the file has none)."""

    url: int
    suffix: int | None = None
    expected: int | None = None
    must_arrive: int | None = None
    channel: int | None = None

    def cell(self, row: list[str], at: int | None) -> str:
        return row[at].strip() if at is not None and at < len(row) else ""


def _add_row(out: InputProblems, source: str, row: list[str], columns: Columns) -> None:
    cell = columns.cell(row, columns.url)
    if not cell:
        out.problems.append(f"{source}: empty URL cell")
        return
    target = LinkTarget(url=with_suffix(cell, columns.cell(row, columns.suffix)), source=source)
    target.expected_landing = columns.cell(row, columns.expected) or None
    target.must_arrive = _names(columns.cell(row, columns.must_arrive))
    target.expected_channel = columns.cell(row, columns.channel) or None
    _add(out, target)


def _names(cell: str) -> list[str]:
    return [n.strip() for n in cell.replace(";", ",").replace(" ", ",").split(",") if n.strip()]
