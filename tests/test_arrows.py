"""The dependency arrows of the whole package: STYLE.md's table, checked with `ast`.

STYLE.md, "Dependencies point one way", verbatim:

    cli ─► runner (the public API), config, report          pytest_plugin ─► runner, browser
    runner ─► browser, crawl, journeys, consent, links, rules, providers, config, model
    journeys, consent ─► browser (the page engine), model    crawl ─► model
    browser ─► providers (to answer and decode hits), model  links ─► model (browser via a Protocol)
    rules ─► model   report ─► model   providers ─► model    model, errors ─► nothing in tagaudit

Every part stands on the floor: the model (with its vocabulary and URL helpers), the one
exception tree, and the two readers every layer uses for what users write (`yamlfile`: YAML
with file, line and field in every error; `patterns`: URL patterns with time-limited
regexes), which themselves stand only on `errors`. The table has no row for the config:
it composes the leaf settings each part owns (`<part>/settings.py`, plain data), so it may
import those and nothing else of the parts. Relative imports are read too, and a name
allows exactly that part (no prefix of a package: `runner` is not `runner_x`).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "tagaudit"
FLOOR = ("model", "errors", "yamlfile", "patterns")
# What each part may import besides itself and the floor (STYLE.md's table, verbatim).
ARROWS: dict[str, tuple[str, ...]] = {
    "cli": ("runner", "config", "report"),
    "pytest_plugin": ("runner", "browser"),
    "runner": (
        "browser",
        "crawl",
        "journeys",
        "consent",
        "links",
        "rules",
        "providers",
        "config",
        "model",
    ),
    "journeys": ("browser", "model"),
    "consent": ("browser", "model"),
    "crawl": ("model",),
    "browser": ("providers", "model"),
    "links": ("model",),
    "rules": ("model",),
    "report": ("model",),
    "providers": ("model",),
    "model": (),
    "errors": (),
    # The floor's readers stand on the exception tree only.
    "yamlfile": ("errors",),
    "patterns": ("errors",),
    # Not in STYLE's table: the public names (`tagaudit`) load the core on first use, and
    # `python -m tagaudit` is the CLI.
    "__init__": ("runner", "config"),
    "__main__": ("cli",),
}
# The config composes these leaf settings modules (plain data, no Playwright, no HTTP).
LEAF_SETTINGS = (
    "tagaudit.browser.settings",
    "tagaudit.crawl.settings",
    "tagaudit.consent.settings",
    "tagaudit.journeys.settings",
    "tagaudit.links.settings",
    "tagaudit.rules.options",
)
ARROWS["config"] = ()
PLAYWRIGHT_OK = ("browser", "consent", "journeys", "pytest_plugin")
HTTP_CLIENTS = ("httpx", "aiohttp", "httpx_aiohttp")


def module_name(path: Path) -> str:
    """`src/tagaudit/rules/engine.py` → `tagaudit.rules.engine` (a package: its own name)."""
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    is_package = path.name == "__init__.py"
    return imports_in(path.read_text(encoding="utf-8"), module_name(path), is_package)


def imports_in(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` (the text of `module`) imports, relative imports resolved;
    `from x import y` counts as `x.y` when that is a module of tagaudit, else as `x`."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                names.add(candidate if _is_module(candidate) else base)
    return names


def _is_module(name: str) -> bool:
    if not name.startswith("tagaudit."):
        return False
    relative = SRC.joinpath(*name.split(".")[1:])
    return relative.with_suffix(".py").is_file() or relative.is_dir()


def part_of_module(name: str) -> str:
    """`tagaudit.rules.engine` → `rules`; `tagaudit` itself → `__init__`."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def part_of(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def all_modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def allowed(path: Path, name: str) -> bool:
    """May the module at `path` import `name` (a tagaudit module)?"""
    part, target = part_of(path), part_of_module(name)
    if target == part:
        return True
    if part in FLOOR:
        return target in ARROWS[part]
    if target in FLOOR:
        return True
    if part == "config" and any(name == m or name.startswith(m + ".") for m in LEAF_SETTINGS):
        return True
    return target in ARROWS[part]


def test_every_part_is_in_the_table() -> None:
    assert {part_of(p) for p in all_modules()} <= set(ARROWS)


@pytest.mark.parametrize("path", all_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_tagaudit_imports_point_down(path: Path) -> None:
    for name in imports_of(path):
        if name == "tagaudit" or name.startswith("tagaudit."):
            assert allowed(path, name), f"{path.relative_to(SRC)} imports {name}"


def test_relative_imports_are_read() -> None:
    """A relative import is held to the table like an absolute one."""
    source = "from .common import x\nfrom ..model import Report\nfrom . import html\n"
    assert imports_in(source, "tagaudit.report.markdown") == {
        "tagaudit.report.common",
        "tagaudit.model",
        "tagaudit.report.html",
    }
    assert not allowed(SRC / "report" / "markdown.py", "tagaudit.runner.audit")
    assert not allowed(SRC / "runner" / "audit.py", "tagaudit.cli")


def test_leaf_settings_are_plain_data() -> None:
    """What the config composes imports nothing of tagaudit but the floor."""
    for name in LEAF_SETTINGS:
        path = SRC.joinpath(*name.split(".")[1:]).with_suffix(".py")
        for imported in imports_of(path):
            if imported.startswith("tagaudit."):
                assert part_of_module(imported) in FLOOR, f"{name} imports {imported}"
            assert not imported.startswith(("playwright", *HTTP_CLIENTS)), f"{name}: {imported}"


def test_only_the_browser_and_the_page_actions_import_playwright() -> None:
    for path in all_modules():
        if any(n.startswith("playwright") for n in imports_of(path)):
            part = part_of(path)
            assert part in PLAYWRIGHT_OK, f"{path.relative_to(SRC)} imports Playwright"


def test_only_links_imports_an_http_client() -> None:
    for path in all_modules():
        if any(n.startswith(HTTP_CLIENTS) for n in imports_of(path)):
            assert part_of(path) == "links", f"{path.relative_to(SRC)} imports an HTTP client"


def test_public_api_is_complete() -> None:
    import tagaudit

    for name in tagaudit.__all__:
        assert getattr(tagaudit, name) is not None, f"tagaudit.{name}"


def test_importing_tagaudit_and_its_vocabularies_stays_light() -> None:
    """`import tagaudit` (and the config, the rules' consent vocabulary) loads no browser,
    no HTTP client."""
    probe = (
        "import sys, tagaudit, tagaudit.config, tagaudit.rules.consent_classify; "
        "print(sorted(m for m in ('playwright', 'httpx', 'aiohttp') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
