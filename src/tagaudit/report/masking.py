"""What a report never shows, decided by where it goes, not by its format.

What counts as a credential or an email address is tagaudit.model.redaction (one definition
for the reports, the fingerprints and the command line). Every report masks credentials,
with `***` where the value was: URL user-info, credential query parameters (also inside
URL-encoded values such as GA4's `dl`), OAuth codes, `Authorization` / `Cookie` headers,
values under credential keys, cookie values in evidence. Then, by audience:

  - reports people read (terminal, HTML, Markdown, JUnit shown by every CI, SARIF uploaded
    to code scanning) also mask email addresses (`j***@example.com`), always;
  - the JSON report is data for machines (`tagaudit merge` and `--baseline` run the rules
    on it again, and the personal-data rule needs the addresses): it keeps email
    addresses, and its `config.secrets` says `masked`; with `--keep-secrets` (RunInfo
    `secrets="kept"`) it keeps credentials too, for those who need the raw capture.

`masked_report(report, people=…)` is the view of a Report a reporter renders: a copy with
every string of it masked (and numbers JSON has not, a page's `NaN`, as text), the
original untouched. `for_people` masks one string the same
way (terminal lines, progress, stderr); `mask_data` one piece of evidence. Lone UTF-16
surrogates a page can put in its dataLayer (`'x\\udfff'`), which no encoder writes, become
U+FFFD for people and `\\udXXX` escapes in JSON (`safe_xml_text` / `safe_json_text`).

Every pattern is linear in the length of its input (model.redaction). Imports only
tagaudit.model.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from tagaudit.model import Report
from tagaudit.model.redaction import (
    MASK,
    SECRET_HEADERS,
    is_secret_name,
    mask_emails,
    mask_header,
    mask_secrets,
)

KEPT = "kept"
LAZY = ("pages", "links", "findings")  # masked as read in the JSON's view (masked_report)
MASKED = "masked"
_SURROGATE = re.compile("[\ud800-\udfff]")
_SCALARS = (int, float, bool, type(None))


def no_surrogates(text: str) -> str:
    """Lone surrogates (no valid Unicode, no encoder writes them) as U+FFFD."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def for_people(value: Any) -> str:
    """Text from a page, fit for a report a person reads: credentials and emails masked."""
    return no_surrogates(mask_emails(mask_secrets(str(value))))


def mask_data(value: Any, people: bool = True) -> Any:
    """Evidence (dicts, lists, text) masked: credential keys and headers, cookie values,
    credentials in text, and with `people` email addresses too."""
    return _Masker(for_people if people else mask_secrets).value(value)


def masked_report(report: Report, people: bool = True, page_list: bool = True) -> Report:
    """A copy of `report` as a report of that audience shows it (see the module docstring);
    a JSON report of a run with `secrets: kept` keeps its credentials.

    When the pages are not a list in memory (a long run keeps them on disk,
    runner/spool.py), a format that reads each page by identity, many times (`page_list`:
    the HTML) gets a list of masked copies; others get each page masked as it is read."""
    if not people and report.config.secrets == KEPT:
        return report
    masker = _Masker(for_people if people else mask_secrets)
    if people and type(report.pages) is list:
        return masker.value(report)
    if people:
        shell = copy.copy(report)
        shell.pages = []
        masked = masker.value(shell)
        if page_list:
            masked.pages = [masker.value(page) for page in report.pages]
        else:
            masked.pages = MaskedItems(report.pages, masker)
        return masked
    # The JSON is written once, item by item: its pages, links and findings are masked as it
    # reads them, not copied all at once (a masked copy of a 2,000-page report is large).
    shell = copy.copy(report)
    for key in LAZY:
        setattr(shell, key, [])
    masked = masker.value(shell)
    for key in LAZY:
        setattr(masked, key, MaskedItems(getattr(report, key), masker))
    masked.config.secrets = MASKED
    return masked


class MaskedItems(Sequence[Any]):
    """A report's list, each item masked as it is read (and not kept).

    Items read back from disk (a long run's pages, runner/spool.py) are each masked with a
    cache of their own: the shared one would keep every string of every page."""

    def __init__(self, items: Sequence[Any], masker: _Masker) -> None:
        self.items, self.masker = items, masker
        self.shared = type(items) is list  # strings the report holds anyway

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._masked(item) for item in self.items[index]]
        return self._masked(self.items[index])

    def __iter__(self) -> Iterator[Any]:
        return (self._masked(item) for item in self.items)

    def _masked(self, item: Any) -> Any:
        masker = self.masker if self.shared else _Masker(self.masker.plain)
        return masker.value(item)


class _Masker:
    """Copies model objects, lists and dicts with every string masked by `text` (each
    distinct string once: URLs repeat across requests, hits and findings). The cache is not
    bounded: it lives for one copy and holds strings the report holds anyway; bounded to
    65,536 it thrashed on 10,000 links (138,000 misses; a quarter of the masking's CPU)."""

    def __init__(self, text: Callable[[str], str]) -> None:
        self.plain = text
        self.text = lru_cache(maxsize=None)(text)
        self.header = lru_cache(maxsize=1 << 12)(mask_header)

    def value(self, value: Any, secret: bool = False) -> Any:
        kind = type(value)
        if kind is str:
            return MASK if secret and value else self.text(value)
        if kind in _SCALARS:
            if kind is float and not math.isfinite(value):  # a page's NaN: no JSON number
                return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
            return MASK if secret and kind in (int, float) else value
        if kind is list or kind is tuple:
            if not secret:
                return [self.text(v) if type(v) is str else self.value(v) for v in value]
            return [self.value(item, secret) for item in value]
        if kind is dict:
            return self.mapping(value, secret)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self.model(value)
        return value

    def mapping(self, data: dict[Any, Any], secret: bool) -> dict[Any, Any]:
        cookie = "value" in data and "name" in data and ("domain" in data or "path" in data)
        masked: dict[Any, Any] = {}
        for key, item in data.items():
            name = self.text(key) if type(key) is str else key
            if type(key) is str and key.lower() in SECRET_HEADERS and type(item) is str:
                masked[name] = self.header(key, item)
            elif cookie and key == "value" and item not in (None, ""):
                masked[name] = MASK
            else:
                keyed = secret or (type(key) is str and is_secret_name(key))
                masked[name] = self.value(item, keyed)
        return masked

    def model(self, obj: Any) -> Any:
        """A copy of a model object (a dataclass: its state is its `__dict__`), masked."""
        copied = object.__new__(type(obj))
        text, value = self.text, self.value
        copied.__dict__.update(
            {
                name: item
                if type(item) in _SCALARS
                else text(item)
                if type(item) is str
                else value(item)
                for name, item in obj.__dict__.items()
            }
        )
        return copied


def safe_json_text(text: str) -> str:
    """JSON text with lone surrogates written as `\\udXXX` escapes (valid JSON, data kept)."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def safe_xml_text(text: str) -> str:
    """Markup text with lone surrogates as U+FFFD (XML and HTML cannot carry them)."""
    return no_surrogates(text)


__all__ = [
    "KEPT",
    "MASK",
    "MASKED",
    "for_people",
    "is_secret_name",
    "mask_data",
    "mask_emails",
    "mask_secrets",
    "masked_report",
    "no_surrogates",
    "safe_json_text",
    "safe_xml_text",
]
