"""Choosing the consent engine: autoconsent when its npm package is found, else the catalog.

Sits above both engines (consent/autoconsent.py, consent/builtin.py), so neither imports the
other's chooser: `make_engine` for a scenario, `describe_engine` for the CLI and doctor.
"""

from __future__ import annotations

from tagaudit.consent.autoconsent import INSTALL_HINT, AutoconsentEngine, find_autoconsent
from tagaudit.consent.builtin import BuiltinEngine
from tagaudit.consent.engine import ConsentEngine
from tagaudit.consent.settings import ConsentSettings


def describe_engine(settings: ConsentSettings) -> str:
    """One line for the CLI and `tagaudit doctor`: which engine runs, or why not autoconsent."""
    if settings.engine == "builtin":
        return "consent engine: built-in CMP catalog (chosen)"
    package = find_autoconsent(settings.node_modules)
    if package is None:
        return (
            "consent engine: built-in CMP catalog — @duckduckgo/autoconsent is not installed "
            f"({INSTALL_HINT})"
        )
    return f"consent engine: autoconsent {package.version} ({package.root})"


def make_engine(settings: ConsentSettings) -> ConsentEngine:
    """The engine the settings ask for (see ConsentSettings.engine)."""
    if settings.engine == "builtin":
        return BuiltinEngine(settings.empty_page_wait)
    package = find_autoconsent(settings.node_modules, required=settings.engine == "autoconsent")
    if package is None:
        return BuiltinEngine(settings.empty_page_wait)
    return AutoconsentEngine(package, settings)
