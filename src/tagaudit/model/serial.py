"""The model to and from JSON-safe data: `to_dict` for reports, `from_dict` to read them back.

`from_dict` follows each dataclass's type hints, so nested model types (a PageVisit's
ConsentRecord, the RunInfo's consent matrix) come back typed without a table to maintain.
Classes with `OMIT_EMPTY = True` leave out fields that are None or empty, so a plain visit's
consent record is `{}` in JSON, not twenty nulls. Imports nothing from tagaudit.
"""

from __future__ import annotations

import dataclasses
import operator
import types
import typing
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
