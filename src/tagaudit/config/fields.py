"""One reading of a setting, whether it comes from tagaudit.yaml, a flag or a keyword.

A settings field (tagaudit.model.settings) is read by its type (`int`, `float`, `bool`,
`str`, `list[str]`, optional ones) and checked against its Setting's bounds and choices;
fields whose shape needs more (headers with `${SECRETS}`, a viewport, patterns that could
hang a run) name a reader of their own in the caller's table. The same function serves the
file and the overrides, so `--concurrency 0` is refused exactly like `crawl: {concurrency:
0}`, only named by its flag. Imports the floor only (the model, errors, yamlfile).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any

from tagaudit.errors import ConfigError
from tagaudit.model.settings import Setting
from tagaudit.yamlfile import MarkedDict, Where

# A reader of its own for one key: (cursor on the mapping holding it, the key) → the value.
Reader = Callable[[Where, str], Any]


@dataclasses.dataclass(frozen=True)
class Described:
    """A settings field found by its place: the object path (`crawl.concurrency`), the
    dataclass that owns it, its name there, its type and its Setting."""

    path: str
    owner: type
    name: str
    kind: Any
    setting: Setting

    @property
    def keyword(self) -> str:
        """The library keyword and CLI parameter name (`browser`, `quiet_ms`)."""
        return self.setting.name or self.name

    @property
    def leaf_key(self) -> str:
        """The last part of its tagaudit.yaml key (`quiet_ms` of `crawl.quiet_ms`)."""
        return (self.setting.key or self.name).rsplit(".", 1)[-1]

    def default(self) -> Any:
        field = next(f for f in dataclasses.fields(self.owner) if f.name == self.name)
        if field.default_factory is not dataclasses.MISSING:
            return field.default_factory()
        return field.default


@cache
def described(owner: type, prefix: str) -> tuple[Described, ...]:
    """Every described field of `owner` (and of described dataclasses inside it), with its
    object path under `prefix`."""
    hints = typing.get_type_hints(owner)
    found: list[Described] = []
    for field in dataclasses.fields(owner):
        kind, path = hints[field.name], f"{prefix}.{field.name}" if prefix else field.name
        if dataclasses.is_dataclass(kind):
            found.extend(described(kind, path))
        elif "setting" in field.metadata:
            found.append(Described(path, owner, field.name, kind, field.metadata["setting"]))
    return tuple(found)


def read_value(where: Where, key: str, field: Described, readers: dict[str, Reader]) -> Any:
    """The value under `key` of `where`, read as `field` says (or by its own reader)."""
    own = readers.get(field.setting.key or "")
    value = own(where, key) if own is not None else convert(where, key, where.data.get(key), field)
    problem = field.setting.problem(value)
    if problem:
        where.fail(key, problem)
    return value


def convert(where: Where, key: str, value: Any, field: Described) -> Any:
    """`value` as the field's type; ConfigError (file, line, field or flag) when it is not."""
    kind, optional = unwrapped(field.kind)
    if value is None:
        if optional:
            return None
        where.fail(key, f"must be {_words(kind)}, not empty")
    if kind is bool:
        if not isinstance(value, bool):
            where.fail(key, f"must be true or false, not {value!r}")
        return value
    if kind is str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            where.fail(key, f"must be a string, not {value!r}")
        return str(value)
    if typing.get_origin(kind) is list:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            where.fail(key, "must be a list of strings")
        return [str(v) for v in value]
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            where.fail(key, f"must be a {kind.__name__}, not {value!r}")
        try:
            return kind(value)
        except (TypeError, ValueError):
            where.fail(key, f"must be a {kind.__name__}, not {value!r}")
    raise TypeError(f"{field.path}: a {kind!r} setting needs a reader of its own")


def unwrapped(kind: Any) -> tuple[Any, bool]:
    """`int | None` → (int, True); `int` → (int, False)."""
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        inner = [k for k in typing.get_args(kind) if k is not type(None)]
        return inner[0], len(inner) < len(typing.get_args(kind))
    return kind, False


def _words(kind: Any) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number"}.get(kind, "a value")


def override_cursor(key: str, value: Any, label: str) -> Where:
    """A cursor on `{key: value}` that names `label` (a flag or a keyword) in its errors:
    a flag's value is read by the same code as the file's key it overrides."""
    data = MarkedDict({key: value})
    data.line, data.key_lines = None, {}
    data.flag_names = {key: label}  # type: ignore[attr-defined]
    return Where(None, data)


def refuse(label: str, message: str) -> None:
    raise ConfigError(message, field=label)
