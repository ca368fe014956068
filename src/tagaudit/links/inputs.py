"""Reading campaign links from the command line: URLs, .txt lists and .csv exports.

Owns turning arguments into `LinkTarget`s and one readable line per bad input (malformed
URL, unsupported scheme, empty file, CSV without a URL column). Bad items are values in
`InputProblems`, never exceptions: the rest is still checked. Imports only the standard library.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

URL_COLUMNS = ("url", "final url", "final_url", "link", "landing page", "destination url")
EXPECT_COLUMNS = ("expected_landing", "expected landing", "expected", "landing")
CHANNEL_COLUMNS = ("expected_channel", "expected channel", "channel")
MUST_ARRIVE_COLUMNS = ("must_arrive", "must arrive", "required_params", "required params")
SCHEMES = ("http", "https")


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


def url_problem(url: str) -> str | None:
    """Why `url` cannot be followed, or None when it can."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError as problem:
        return f"malformed URL ({problem})"
    if not parts.scheme:
        return "no scheme (write https://…)"
    if parts.scheme.lower() not in SCHEMES:
        return f"unsupported scheme {parts.scheme!r} (only http and https)"
    if not parts.hostname:
        return "no host"
    if any(ch.isspace() for ch in parts.netloc):
        return "spaces in the host"
    return None


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
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        out.problems.append(f"{path}: cannot read ({getattr(problem, 'strerror', problem)})")
        return
    before = len(out.targets) + len(out.problems)
    if path.suffix.lower() == ".csv":
        _read_csv(path, text, out)
    else:
        _read_txt(path, text, out)
    if len(out.targets) + len(out.problems) == before:
        out.problems.append(f"{path}: no links in this file")


def _read_txt(path: Path, text: str, out: InputProblems) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            _add(out, LinkTarget(url=line, source=f"{path}:{number}"))


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _read_csv(path: Path, text: str, out: InputProblems) -> None:
    rows = list(csv.reader(text.splitlines()))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        return
    url_at = _column(rows[0], URL_COLUMNS)
    if url_at is None:
        out.problems.append(
            f"{path}:1: no URL column (name one of: {', '.join(URL_COLUMNS)}); "
            f"header was {', '.join(rows[0])}"
        )
        return
    expect_at = _column(rows[0], EXPECT_COLUMNS)
    arrive_at = _column(rows[0], MUST_ARRIVE_COLUMNS)
    channel_at = _column(rows[0], CHANNEL_COLUMNS)
    for number, row in enumerate(rows[1:], start=2):
        cell = row[url_at].strip() if url_at < len(row) else ""
        if not cell:
            out.problems.append(f"{path}:{number}: empty URL cell")
            continue
        target = LinkTarget(url=cell, source=f"{path}:{number}")
        if expect_at is not None and expect_at < len(row) and row[expect_at].strip():
            target.expected_landing = row[expect_at].strip()
        if arrive_at is not None and arrive_at < len(row):
            target.must_arrive = _names(row[arrive_at])
        if channel_at is not None and channel_at < len(row) and row[channel_at].strip():
            target.expected_channel = row[channel_at].strip()
        _add(out, target)


def _names(cell: str) -> list[str]:
    return [n.strip() for n in cell.replace(";", ",").replace(" ", ",").split(",") if n.strip()]
