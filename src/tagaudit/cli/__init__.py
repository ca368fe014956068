"""The `tagaudit` command line: thin wiring from options to core calls, reporters, exit codes.

Each command lives in its own module and registers itself on `app`. Errors become one line
on stderr and the exit code their class carries (DESIGN.md: 0 ok, 1 findings, 2 bad input,
3 run failed); `--debug` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys

import typer
from typer.exceptions import TyperException

from tagaudit.errors import TagauditError

app = typer.Typer(
    name="tagaudit",
    help="Does your conversion tracking actually work? Tags, consent and campaign links.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# Command modules register themselves on `app` when imported.
from tagaudit.cli import audit, decode, links, merge, misc, rules_cmd  # noqa: E402, F401


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns (and exits with) the process exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or bool(os.environ.get("TAGAUDIT_DEBUG"))
    args = [a for a in args if a != "--debug"]
    try:
        code = app(args=args, prog_name="tagaudit", standalone_mode=False)
    except typer.Exit as done:
        code = done.exit_code
    except TyperException as problem:
        _say(f"tagaudit: {problem.format_message()} (see `tagaudit {_sub(args)}--help`)")
        code = problem.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _say("tagaudit: interrupted")
        code = 130
    except TagauditError as problem:
        if debug:
            raise
        _say(f"tagaudit: {problem.one_line()}")
        code = problem.exit_code
    code = int(code or 0)
    if argv is None:
        sys.exit(code)
    return code


def _sub(args: list[str]) -> str:
    return f"{args[0]} " if args and not args[0].startswith("-") else ""


def _say(line: str) -> None:
    print(line, file=sys.stderr)
