"""The `tagaudit` command line: thin wiring from options to core calls, reporters, exit codes.

Each command lives in its own module as a plain function; COMMANDS registers them on `app`
(no module registers itself when imported). Errors become one line on stderr and the exit
code their class carries (DESIGN.md: 0 ok, 1 findings, 2 bad input, 3 run failed); anything
else that goes wrong inside tagaudit is exit 3 with one line (CI must not read a crash as
"tracking broken", which is exit 1); `--debug` (or TAGAUDIT_DEBUG=1) shows the traceback
instead. Help is plain text that reads at 80 columns, with every default in it
and type hints as words (PATH, N, LEVEL).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from typer.exceptions import TyperException

from tagaudit.cli import audit, decode, links, merge, misc, rules_cmd
from tagaudit.errors import TagauditError
from tagaudit.model import TOOL_VERSION

app = typer.Typer(
    name="tagaudit",
    help="Does your conversion tracking actually work? Tags, consent and campaign links.\n\n"
    "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad input, "
    "3 the run itself failed. --debug shows a traceback instead of one line.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        print(f"tagaudit {TOOL_VERSION}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """The options of `tagaudit` itself (the app's help text is its description)."""


# Every command, in the order `tagaudit --help` lists them: (name, function, one line).
# The command modules only define functions; they are registered here and nowhere else.
COMMANDS = (
    ("audit", audit.audit, "Load pages in Chromium, decode every tag hit, check them."),
    ("links", links.links, "Follow campaign links hop by hop: lost utm_* and click ids."),
    ("decode", decode.decode, "Explain tracking requests (URLs, stdin, a HAR file), no browser."),
    ("merge", merge.merge, "Join shard reports into one; rules and exit code on the whole."),
    ("providers", decode.providers_command, "List the vendor catalog: ids, names, endpoints."),
    ("rules", rules_cmd.rules_command, "List the rules, or explain one: `tagaudit rules ID`."),
    ("doctor", misc.doctor, "Say which browser tagaudit would drive (exit 3: none)."),
    ("demo", misc.demo, "Serve the bundled demo site on 127.0.0.1 and audit it."),
)
for _name, _function, _short in COMMANDS:
    app.command(_name, short_help=_short)(_function)


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
    except Exception as problem:  # a bug in tagaudit, not a tracking finding
        if debug:
            raise
        _say(f"tagaudit: internal error: {_describe(problem)} (--debug shows the traceback)")
        code = 3
    code = int(code or 0)
    if argv is None:
        sys.exit(code)
    return code


def _describe(problem: BaseException) -> str:
    text = " ".join(str(problem).split())
    text = text if len(text) <= 300 else text[:299] + "…"
    return f"{type(problem).__name__}: {text}" if text else type(problem).__name__


def _sub(args: list[str]) -> str:
    names = {command.name for command in app.registered_commands}
    return f"{args[0]} " if args and args[0] in names else ""


def _say(line: str) -> None:
    """One line on stderr, credentials and emails masked (it may quote a URL or a value)."""
    from tagaudit.report.masking import for_people

    print(for_people(line).encode("utf-8", "replace").decode("utf-8"), file=sys.stderr)
