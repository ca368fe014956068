"""The model to and from JSON-safe data: `to_dict` for reports, `from_dict` to read them back.

`from_dict` follows each dataclass's type hints, so nested model types (a PageVisit's
ConsentRecord, the RunInfo's consent matrix) come back typed without a table to maintain.
Classes with `OMIT_EMPTY = True` leave out fields that are None or empty, so a plain visit's
consent record is `{}` in JSON, not twenty nulls.

`checked_from_dict` is the same for data nobody vouches for (a JSON report given to
`tagaudit merge` or `--baseline`, which anyone can edit): every value must have the type
its field says, and the first one that does not is a ShapeError naming its place
(`pages[3].hits[0].params: must be an object, not a list`), before anything reads it.
Imports nothing from tagaudit.
"""

from __future__ import annotations

import dataclasses
import operator
import types
import typing
from collections.abc import Sequence
from dataclasses import MISSING
from typing import Any

_SCALARS = frozenset({str, int, float, bool, type(None)})
# Per dataclass: its field names, whether empty fields are left out, and a getter of all
# their values at once (operator.attrgetter: one call in C instead of one getattr a field).
Shape = tuple[tuple[str, ...], bool, Any]
_SHAPES: dict[type, Shape] = {}
_EMPTY = (None, {}, [])


def _shape(kind: type) -> Shape:
    shape = _SHAPES.get(kind)
    if shape is None:
        names = tuple(f.name for f in dataclasses.fields(kind))
        getter = operator.attrgetter(*names) if len(names) > 1 else _one_getter(names)
        shape = _SHAPES[kind] = (names, bool(getattr(kind, "OMIT_EMPTY", False)), getter)
    return shape


def _one_getter(names: tuple[str, ...]) -> Any:
    """A getter giving a tuple for a dataclass of one field (or none), as attrgetter does
    for several."""
    return lambda obj: tuple(getattr(obj, n) for n in names)


def to_dict(obj: Any) -> Any:
    """JSON-safe dict of any model object (dataclasses, lists, dicts, scalars).

    Dispatches on the exact type first and keeps each dataclass's field names: a report of
    1000 links is some 150,000 objects, and `dataclasses.fields` on each was half the cost.
    Scalars inside a dataclass, list or dict are kept where they stand, without a call of
    their own (most values are scalars: that halved the time again).
    """
    kind = type(obj)
    if kind in _SCALARS:
        return obj
    if kind is list or kind is tuple:
        return [v if type(v) in _SCALARS else to_dict(v) for v in obj]
    if kind is dict:
        return {str(k): v if type(v) in _SCALARS else to_dict(v) for k, v in obj.items()}
    shape = _SHAPES.get(kind)
    if shape is None and dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        shape = _shape(kind)
    if shape is not None:
        names, omit_empty, getter = shape
        values = zip(names, getter(obj), strict=True)
        if omit_empty:
            values = ((n, v) for n, v in values if not _is_empty(v))
        return {n: v if type(v) in _SCALARS else to_dict(v) for n, v in values}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, Sequence) and not isinstance(obj, (str, bytes)):
        return [to_dict(v) for v in obj]  # a long run's pages on disk (runner/spool.py)
    return obj


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (dict, list)) and not value)


_HINTS: dict[type, dict[str, Any]] = {}


def from_dict(cls: type, data: dict[str, Any]) -> Any:
    """Inverse of `to_dict` for the model classes; unknown keys are ignored."""
    hints = _HINTS.get(cls)
    if hints is None:
        names = {f.name for f in dataclasses.fields(cls)}
        hints = {k: v for k, v in typing.get_type_hints(cls).items() if k in names}
        _HINTS[cls] = hints
    kwargs = {key: _typed(hints[key], value) for key, value in data.items() if key in hints}
    return cls(**kwargs)


class ShapeError(ValueError):
    """A value that has not the type its field says; `where` is its place in the data."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)
        self.where = where


def checked_from_dict(cls: type, data: Any, where: str = "") -> Any:
    """`from_dict` for untrusted data: ShapeError at the first value of the wrong type."""
    if not isinstance(data, dict):
        raise ShapeError(where, f"must be an object, not {_described(data)}")
    hints = _HINTS.get(cls)
    if hints is None:
        names = {f.name for f in dataclasses.fields(cls)}
        hints = {k: v for k, v in typing.get_type_hints(cls).items() if k in names}
        _HINTS[cls] = hints
    kwargs = {
        key: _checked(hints[key], value, f"{where}.{key}" if where else key)
        for key, value in data.items()
        if key in hints
    }
    missing = [f.name for f in dataclasses.fields(cls) if _required(f) and f.name not in kwargs]
    if missing:
        raise ShapeError(where, f"{missing[0]!r} is missing")
    return cls(**kwargs)


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.init and field.default is MISSING and field.default_factory is MISSING


def _checked(hint: Any, value: Any, where: str) -> Any:
    """`value` as `hint` says (model dataclasses built), or ShapeError naming `where`."""
    if hint is Any:
        return value
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _one_of(hint, value, where)
    if dataclasses.is_dataclass(hint):
        return checked_from_dict(hint, value, where)
    if origin is list:
        if not isinstance(value, list):
            raise ShapeError(where, f"must be a list, not {_described(value)}")
        (item,) = typing.get_args(hint) or (Any,)
        return [_checked(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ShapeError(where, f"must be an object, not {_described(value)}")
        _, item = typing.get_args(hint) or (str, Any)
        return {k: _checked(item, v, _place(where, k)) for k, v in value.items()}
    if hint in _EXACT and type(value) in _EXACT[hint]:
        return value
    raise ShapeError(where, f"must be {_WORDS.get(hint, str(hint))}, not {_described(value)}")


def _one_of(hint: Any, value: Any, where: str) -> Any:
    options = typing.get_args(hint)
    if value is None:
        if type(None) in options:
            return None
        raise ShapeError(where, "must not be null")
    problems = []
    for option in options:
        if option is type(None):
            continue
        try:
            return _checked(option, value, where)
        except ShapeError as problem:
            problems.append(problem)
    if len(problems) == 1:
        raise problems[0]
    words = " or ".join(_WORDS.get(o, getattr(o, "__name__", str(o))) for o in options)
    raise ShapeError(where, f"must be {words}, not {_described(value)}")


_EXACT: dict[Any, tuple[type, ...]] = {
    str: (str,),
    bool: (bool,),
    int: (int,),
    float: (int, float),
}
_WORDS = {
    str: "a string",
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    type(None): "null",
}


def _place(where: str, key: str) -> str:
    """`where.key`, or `where['odd key']` (quoted, escaped and cut: keys come from pages)."""
    if key.isidentifier() and len(key) <= 40:
        return f"{where}.{key}"
    shown = key if len(key) <= 40 else key[:39] + "…"
    return f"{where}[{shown!r}]"


def _described(value: Any) -> str:
    """What a JSON value is, in a few words: `a list`, `the number 5`, `"abc"`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:39] + "…"
        return repr(shown)
    return {dict: "an object", list: "a list"}.get(type(value), type(value).__name__)


def _typed(hint: Any, value: Any) -> Any:
    """`value` rebuilt as `hint` says where that names model dataclasses; else as it is."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            if dataclasses.is_dataclass(option) and isinstance(value, dict):
                return from_dict(option, value)
        return value
    if dataclasses.is_dataclass(hint) and isinstance(value, dict):
        return from_dict(hint, value)
    args = typing.get_args(hint)
    if origin is list and args and dataclasses.is_dataclass(args[0]):
        return [from_dict(args[0], item) for item in value]
    if origin is dict and len(args) == 2 and dataclasses.is_dataclass(args[1]):
        return {key: from_dict(args[1], item) for key, item in value.items()}
    return value
