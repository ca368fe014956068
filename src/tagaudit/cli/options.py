"""Command-line options made from the definitions they share with tagaudit.yaml and the API.

A command names the settings it accepts by their place in the Config (the core's
AUDIT_OPTIONS, LINK_OPTIONS); each setting's flag, metavar and help come from its field
(tagaudit.model.settings), and the report formats' flags from the report registry, so a new
setting or format appears in `--help`, the file and the library at once. `with_options`
adds them to a command function's signature, which Typer reads; the function receives them
as keyword arguments and hands them on (`split_options`).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from tagaudit.config import SETTINGS
from tagaudit.config.fields import Described, unwrapped
from tagaudit.report.formats import FORMATS

F = Callable[..., Any]


def with_options(paths: tuple[str, ...], reports: bool = True) -> Callable[[F], F]:
    """Give the decorated command the flags of the settings at `paths` (those that have a
    flag) and, with `reports`, one `--<format> PATH` per report format."""

    def add(func: F) -> F:
        hints = typing.get_type_hints(func, include_extras=True)
        own = [
            p.replace(annotation=hints.get(p.name, p.annotation))
            for p in inspect.signature(func).parameters.values()
            if p.kind is not inspect.Parameter.VAR_KEYWORD
        ]
        taken = {p.name for p in own}
        extra = [setting_parameter(d) for d in flagged(paths) if d.keyword not in taken]
        if reports:
            extra += [report_parameter(f) for f in FORMATS.values()]
        parameters = [*own, *extra]
        func.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        func.__annotations__ = {p.name: p.annotation for p in parameters}
        return func

    return add


def flagged(paths: tuple[str, ...]) -> list[Described]:
    """The settings at `paths` that have a command-line flag, in the order of `paths`."""
    by_path = {d.path: d for d in SETTINGS}
    return [by_path[p] for p in paths if by_path[p].setting.flag]


def setting_parameter(described: Described) -> inspect.Parameter:
    """One Typer option for a setting: its flag, metavar and help (default filled in)."""
    about = described.setting
    help_text = about.help.format(default=described.default())
    kind = _flag_type(described)
    if kind is bool:
        option = typer.Option(about.flag, help=help_text)
        return _keyword(described.keyword, Annotated[bool, option], False)
    option = typer.Option(about.flag, metavar=about.metavar, help=help_text)
    return _keyword(described.keyword, Annotated[kind | None, option], None)


def report_parameter(fmt: Any) -> inspect.Parameter:
    """`--json PATH` and its kind: where one report format is written."""
    option = typer.Option(fmt.flag, metavar=fmt.metavar, help=fmt.help)
    return _keyword(report_keyword(fmt.name), Annotated[Path | None, option], None)


def report_keyword(name: str) -> str:
    return f"{name}_report"


def split_options(given: dict[str, Any]) -> tuple[dict[str, Path], dict[str, Any]]:
    """The report paths (format → path, those given) and the rest of a command's options;
    a switch not given (`--keep-secrets` is False) is None: the config's value stands."""
    asked = {name: given.pop(report_keyword(name), None) for name in FORMATS}
    switches = {d.keyword for d in SETTINGS if _flag_type(d) is bool}
    rest = {k: (None if k in switches and v is False else v) for k, v in given.items()}
    return {name: path for name, path in asked.items() if path is not None}, rest


def _flag_type(described: Described) -> Any:
    """What Typer parses a setting's flag into: a repeated flag gives a list, a list given
    once is text the setting's reader splits (`--consent none,accept`)."""
    inner, _ = unwrapped(described.kind)
    if typing.get_origin(inner) is list:
        return list[str] if described.setting.repeat else str
    if inner in (bool, int, float):
        return inner
    return str


def _keyword(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )
