"""Small commands: `doctor` (is a browser there?) and `demo` (serve and audit the demo site)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def doctor(
    browser: Annotated[
        str | None, typer.Option(metavar="PATH", help="The browser executable to check.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the exit code.")] = False,
) -> None:
    """Say which browser tagaudit would drive, its version, and why not if none."""
    from tagaudit.runner.api import doctor as look

    search, lines = look(browser)
    if not quiet:
        print("\n".join(lines))
    raise typer.Exit(3 if search.found is None else 0)


def demo(
    json_path: Annotated[
        Path | None, typer.Option("--json", metavar="PATH", help="Write the JSON report here.")
    ] = None,
    html_path: Annotated[
        Path | None, typer.Option("--html", metavar="PATH", help="Write the HTML report here.")
    ] = None,
) -> None:
    """Serve the bundled demo site on 127.0.0.1 and audit every page of it."""
    from tagaudit.cli.audit import run_demo
    from tagaudit.runner.api import demo_site_root

    raise typer.Exit(run_demo(demo_site_root(), json_path=json_path, html_path=html_path))
