"""How a setting is described once for the YAML file, the command line and the library API.

Each part keeps its settings in one plain dataclass (browser/settings.py, crawl/settings.py,
consent/settings.py, journeys/settings.py, links/settings.py, rules/options.py); a field a
user can set carries a `Setting` in its metadata: where it lives in tagaudit.yaml, its
command-line flag and help, the keyword of the library API, and the bounds a value must keep.
The config reads the file with it, applies flags and keywords with it (one check for all
three), and the CLI builds its options from it, as lychee's one struct serves both its
command line and its file.

    @dataclass
    class CrawlSettings:
        concurrency: int = setting(4, key="crawl.concurrency", flag="--concurrency",
                                   metavar="N", help="Pages loaded at once (default: {default}).",
                                   minimum=1)

Imports nothing from tagaudit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """What a settings field means to users (see the module docstring).

    `key`: its dotted place in tagaudit.yaml (None: not in the file). `name`: the keyword of
    the library API and the parameter of the CLI (default: the field's name). `flag`: the
    command-line flag (None: none). `help`: one line; `{default}` is replaced by the field's
    default. `minimum` / `above`: the least value (inclusive / exclusive); `choices`: the
    values allowed. `repeat`: a flag given several times collects a list. `extends`: a value
    given as a flag or keyword is added to the file's list instead of replacing it.
    """

    key: str | None = None
    name: str | None = None
    flag: str | None = None
    help: str = ""
    metavar: str | None = None
    minimum: float | None = None
    above: float | None = None
    choices: tuple[str, ...] = ()
    repeat: bool = False
    extends: bool = False

    def problem(self, value: Any) -> str | None:
        """Why `value` (already of the field's type) is not allowed, or None."""
        if isinstance(value, list):
            return next(filter(None, (self.problem(item) for item in value)), None)
        if self.choices and value is not None and value not in self.choices:
            return f"must be one of {', '.join(self.choices)}, not {value!r}"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                return f"must be at least {self.minimum:g}, not {value!r}"
            if self.above is not None and value <= self.above:
                return f"must be more than {self.above:g}, not {value!r}"
        return None


def setting(default: Any = MISSING, *, default_factory: Any = MISSING, **described: Any) -> Any:
    """A dataclass field with its `Setting` (keyword arguments: Setting's fields)."""
    metadata = {"setting": Setting(**described)}
    if default_factory is not MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def described_fields(cls: type) -> list[tuple[dataclasses.Field[Any], Setting]]:
    """The fields of settings class `cls` that carry a Setting, in declaration order."""
    return [(f, f.metadata["setting"]) for f in dataclasses.fields(cls) if "setting" in f.metadata]


def default_of(field: dataclasses.Field[Any]) -> Any:
    """The value a field takes when nobody sets it."""
    if field.default_factory is not MISSING:
        return field.default_factory()
    return field.default
