"""Small commands: `doctor` (is a browser there?) and `demo` (serve and audit the demo site)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tagaudit.browser.discovery import INSTALL_HINT, browser_version, search_browser
from tagaudit.cli import app
from tagaudit.errors import EnvironmentProblem


@app.command(short_help="Say which browser tagaudit would drive (exit 3: none).")
def doctor(
    browser: Annotated[
        str | None, typer.Option(metavar="PATH", help="The browser executable to check.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the exit code.")] = False,
) -> None:
    """Say which browser tagaudit would drive, its version, and why not if none."""
    search = search_browser(browser)
    if search.found is None:
        if not quiet:
            for line in search.tried:
                print(f"looked at {line}")
            print(f"no browser: {INSTALL_HINT}")
        raise typer.Exit(3)
    found = search.found
    if not quiet:
        version = browser_version(found.path) or "version unknown"
        print(f"browser: {found.path} ({found.source}) {version}")
        from tagaudit.consent.engines import describe_engine
        from tagaudit.consent.settings import ConsentSettings

        print(describe_engine(ConsentSettings()))
        print(f"python: {sys.version.split()[0]}")


def demo_site_root() -> Path:
    """The bundled demo site: in the repository checkout, or inside the installed wheel."""
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[3] / "fixtures" / "demo-site",
        here.parents[1] / "_demo_site",
    ):
        if (candidate / "index.html").is_file():
            return candidate
    raise EnvironmentProblem("the demo site is not bundled with this installation")


@app.command(short_help="Serve the bundled demo site on 127.0.0.1 and audit it.")
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

    raise typer.Exit(run_demo(demo_site_root(), json_path=json_path, html_path=html_path))
