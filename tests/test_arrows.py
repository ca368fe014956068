"""The dependency arrows of the whole package (STYLE.md, "Dependencies point one way").

One table, checked with `ast` over every module of src/tagaudit, `cli` included: each part
names the tagaudit modules it may import (a name allows the module and everything under it).
Pure parts that other layers read (the rules read the link checker's ledger and the consent
vocabulary) are named module by module, so the HTTP and browser sides stay out of reach.
Only browser/ and the page actions of consent/ and journeys/ touch Playwright; only links/
imports HTTP clients.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "tagaudit"
BASE = ("tagaudit.model", "tagaudit.errors")
# The link checker's modules that do no I/O (what the link rules and the config may read).
LINKS_PURE = tuple(
    f"tagaudit.links.{m}"
    for m in ("params", "assess", "hygiene", "channels", "privacy", "servers", "settings")
)
CONSENT_PURE = ("tagaudit.consent.classify", "tagaudit.consent.matrix")
CORE = (
    "tagaudit.browser",
    "tagaudit.journeys",
    "tagaudit.crawl",
    "tagaudit.consent",
    "tagaudit.links",
    "tagaudit.rules",
    "tagaudit.providers",
    "tagaudit.config",
    "tagaudit.urls",
    "tagaudit.runner",
    "tagaudit.runs",
    "tagaudit.site_plan",
    "tagaudit.baseline",
    "tagaudit.report.read",
)
# The typed settings the config builds for other parts (plain data, no I/O): the rules'
# options, the link checker's settings, the browser's site access (headers, cookies, device)
# and the crawl's plan (sitemaps, robots.txt, include/exclude, sampling).
CONFIG_TYPES = (
    "tagaudit.rules.options",
    "tagaudit.links.settings",
    "tagaudit.journeys.spec",
    "tagaudit.browser.settings",
    "tagaudit.crawl.plan",
)
LINKS_CORE = ("tagaudit.runner_links",)
ALLOWED: dict[str, tuple[str, ...]] = {
    "model": ("tagaudit.model",),
    "errors.py": (),
    "sitesrv.py": (),
    "yamlfile.py": BASE,
    "urls.py": BASE,
    # The user's provider files are read with the shared YAML reader (alias bombs refused).
    "providers": (*BASE, "tagaudit.providers", "tagaudit.yamlfile"),
    "har.py": (*BASE, "tagaudit.providers"),
    "crawl": (*BASE, "tagaudit.crawl", "tagaudit.patterns"),
    # The URL pattern language of rule scopes, ignores and the crawl's include/exclude.
    "patterns.py": ("tagaudit.errors",),
    "links": (*BASE, "tagaudit.links", "tagaudit.urls"),
    "report": (*BASE, "tagaudit.report"),
    "rules": (
        *BASE,
        "tagaudit.rules",
        "tagaudit.yamlfile",
        "tagaudit.patterns",
        *LINKS_PURE,
        *CONSENT_PURE,
    ),
    "browser": (*BASE, "tagaudit.browser", "tagaudit.providers"),
    "consent": (*BASE, "tagaudit.consent", "tagaudit.browser"),
    # Journeys play on the page engine and choose on banners with the consent engine; their
    # format is read with the config's readers (spec.py stays free of Playwright).
    "journeys": (
        *BASE,
        "tagaudit.journeys",
        "tagaudit.browser",
        "tagaudit.consent",
        "tagaudit.providers",
        "tagaudit.config_rules",
        "tagaudit.yamlfile",
        "tagaudit.rules.options",
    ),
    "config.py": (
        *BASE,
        "tagaudit.config_rules",
        "tagaudit.config_site",
        "tagaudit.yamlfile",
        *CONFIG_TYPES,
    ),
    # The site half of the config: base_url (resolved with tagaudit.urls), access, crawl plan.
    "config_site.py": (
        *BASE,
        "tagaudit.config_rules",
        "tagaudit.yamlfile",
        "tagaudit.urls",
        *CONFIG_TYPES,
    ),
    # Patterns in rule scopes and ignores are checked (ReDoS refused) when the config is read.
    "config_rules.py": (
        *BASE,
        "tagaudit.yamlfile",
        "tagaudit.patterns",
        "tagaudit.rules.options",
    ),
    "runner.py": ("tagaudit", *BASE, *CORE),
    # What every run shares that needs no browser (links over HTTP and merge start light).
    "runs.py": ("tagaudit", *BASE, *CORE),
    "runner_links.py": ("tagaudit", *BASE, *CORE),
    "api.py": ("tagaudit", *BASE, *CORE),
    # Joining shard reports: the core's rule and baseline steps again, on the whole.
    "merge.py": ("tagaudit", *BASE, *CORE),
    # Comparing with a baseline report: pure, on the model (templates from the crawl).
    "baseline.py": (*BASE, "tagaudit.crawl"),
    # Before an audit: base URL check, robots.txt, sitemaps (through the browser), selection.
    "site_plan.py": ("tagaudit", *BASE, *CORE),
    "__init__.py": (
        *BASE,
        "tagaudit.api",
        "tagaudit.config",
        "tagaudit.runner",
        "tagaudit.journeys.python",
        "tagaudit.merge",
        *LINKS_CORE,
    ),
    "__main__.py": ("tagaudit.cli",),
    # Users' end-to-end suites: the sync recording (browser/) and the rules (through api.py).
    "pytest_plugin.py": (*BASE, "tagaudit.api", "tagaudit.browser.sync_recording"),
    # The commands: options → the core → reporters; the inspection commands (decode,
    # providers, rules, doctor) read the part they show.
    "cli": (
        *BASE,
        "tagaudit",
        "tagaudit.cli",
        "tagaudit.runner",
        "tagaudit.runner_links",
        "tagaudit.runs",
        "tagaudit.merge",
        "tagaudit.api",
        "tagaudit.config",
        "tagaudit.report",
        "tagaudit.urls",
        "tagaudit.har",
        "tagaudit.sitesrv",
        "tagaudit.providers",
        "tagaudit.rules",
        "tagaudit.browser.discovery",
        "tagaudit.consent.engine",
    ),
}
PLAYWRIGHT_OK = ("browser", "consent", "journeys")
# What the config, the rules and the reporters read of these parts: no Playwright in them.
PURE_FILES = {
    "consent": ("classify.py", "matrix.py", "catalog.py", "__init__.py"),
    "journeys": ("spec.py", "clickid.py", "__init__.py"),
}


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports (`from tagaudit import x` counts as tagaudit.x)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "tagaudit":
            names.update(f"tagaudit.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def part_of(path: Path) -> str:
    return path.relative_to(SRC).parts[0]


def allows(allowed: tuple[str, ...], name: str) -> bool:
    return any(name == a or name.startswith(a + ".") for a in allowed)


def all_modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_part_is_in_the_table() -> None:
    assert {part_of(p) for p in all_modules()} <= set(ALLOWED)


@pytest.mark.parametrize("path", all_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_tagaudit_imports_point_down(path: Path) -> None:
    allowed = ALLOWED[part_of(path)]
    for name in imports_of(path):
        if name == "tagaudit" or name.startswith("tagaudit."):
            assert allows(allowed, name), f"{path.relative_to(SRC)} imports {name}"


def test_only_the_browser_and_the_page_actions_import_playwright() -> None:
    for path in all_modules():
        if not any(n.startswith("playwright") for n in imports_of(path)):
            continue
        part = part_of(path)
        assert part in PLAYWRIGHT_OK, f"{path.relative_to(SRC)} imports Playwright"
        assert path.name not in PURE_FILES.get(part, ()), f"{part}/{path.name} imports Playwright"


def test_only_links_imports_an_http_client() -> None:
    for path in all_modules():
        if any(n.startswith(("httpx", "aiohttp", "httpx_aiohttp")) for n in imports_of(path)):
            assert part_of(path) == "links", f"{path.relative_to(SRC)} imports an HTTP client"


def test_pure_link_modules_stay_pure() -> None:
    """What the rules and the config may read of links/ imports no HTTP client itself."""
    for name in LINKS_PURE:
        path = SRC / "links" / f"{name.rsplit('.', 1)[1]}.py"
        for imported in imports_of(path):
            assert not imported.startswith(("httpx", "aiohttp")), f"{path.name}: {imported}"
            if imported.startswith("tagaudit.links."):
                assert imported in LINKS_PURE, f"{path.name} imports {imported}"


def test_public_apis_are_complete() -> None:
    import tagaudit
    import tagaudit.consent
    import tagaudit.links
    import tagaudit.rules

    for module in (tagaudit, tagaudit.consent, tagaudit.links, tagaudit.rules):
        for name in module.__all__:
            assert getattr(module, name) is not None, f"{module.__name__}.{name}"


def test_importing_tagaudit_and_its_vocabularies_stays_light() -> None:
    """`import tagaudit` (and the config, consent's vocabulary) loads no browser, no HTTP."""
    probe = (
        "import sys, tagaudit, tagaudit.config, tagaudit.consent.classify; "
        "print(sorted(m for m in ('playwright', 'httpx', 'aiohttp') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
