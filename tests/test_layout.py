"""The layout of tests/: it mirrors src/tagaudit, imports its helpers as a package, and starts
servers only through tests/support/servers.py.

STYLE.md, "Tests": `tests/` mirrors `src/tagaudit/`, plus the runs that cross parts. So:

- every folder of tests/ names a part of src/tagaudit (tests/rules/ for tagaudit/rules/) or
  is one of the cross-cutting folders of CROSS_CUTTING; Python files sit at most one folder
  deep, as the parts do;
- a test file at the top of tests/ names a top-level module (tests/test_yamlfile.py for
  tagaudit/yamlfile.py) or is one of the project-wide META_TESTS;
- no file under tests/ edits `sys.path`: helpers are imported as `tests.<folder>.<module>`
  (pyproject's pytest `pythonpath = ["."]`);
- no file but tests/support/servers.py starts a server: the others start theirs through it.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src" / "tagaudit"
SERVERS = TESTS / "support" / "servers.py"

CROSS_CUTTING = {
    "e2e": "real-Chromium runs of the whole tool against the fixtures/ sites",
    "hostile": "pages and inputs that attack every part at once",
    "ci": "the GitHub Action and the wheel: the project, not a module of tagaudit",
    "support": "what the tests of several parts share (loopback servers, sites, checkers)",
}
META_TESTS = {
    "test_arrows.py": "the import arrows between every part",
    "test_readme.py": "the README's examples",
    "test_layout.py": "this file",
}
# Calls that start a server (or bind a socket to serve from), and the classes that are one.
SERVER_STARTS = {
    "start_server",
    "create_server",
    "start_unix_server",
    "socket",
    "HTTPServer",
    "ThreadingHTTPServer",
    "TCPServer",
    "ThreadingTCPServer",
    "UDPServer",
    "ThreadingUDPServer",
    "SiteServer",
}
SYS_PATH_EDITS = {"insert", "append", "extend", "remove", "pop", "clear", "__setitem__"}


def _parts() -> set[str]:
    return {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}


def _modules() -> set[str]:
    return {p.stem for p in SRC.glob("*.py") if not p.name.startswith("__")}


def _python_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def _folders() -> list[Path]:
    return sorted(p for p in TESTS.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _name_of(node: ast.expr) -> str | None:
    """`sys.path.insert` → "insert"; `ThreadingHTTPServer` → itself."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _is_sys_path(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def _edits_sys_path(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        mutates = node.func.attr in SYS_PATH_EDITS and _is_sys_path(node.func.value)
        return mutates or node.func.attr == "addsitedir"
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        inner = [t.value if isinstance(t, ast.Subscript) else t for t in targets]
        return any(_is_sys_path(target) for target in inner)
    if isinstance(node, ast.ImportFrom) and node.module == "sys":
        return any(alias.name == "path" for alias in node.names)
    return False


def sys_path_edits(source: str) -> list[int]:
    """Lines of `source` that change the import path: a mutating call on `sys.path`, an
    assignment to it or to a slice of it, `from sys import path`, `site.addsitedir`."""
    nodes = ast.walk(ast.parse(source))
    return sorted(node.lineno for node in nodes if _edits_sys_path(node))  # type: ignore[attr-defined]


def _starts_a_server(node: ast.AST) -> bool:
    if isinstance(node, (ast.Attribute, ast.Name)) and _name_of(node) == "serve_forever":
        return True  # called, or handed to a thread
    if isinstance(node, ast.Call):
        return _name_of(node.func) in SERVER_STARTS
    if isinstance(node, ast.ClassDef):
        return any(_name_of(base) in SERVER_STARTS for base in node.bases)
    return False


def server_starts(source: str) -> list[int]:
    """Lines of `source` that start a server of their own: `serve_forever` (called or handed
    to a thread), a call of SERVER_STARTS (a server class, asyncio's `start_server`, a raw
    socket) or a class deriving from a server class. Naming a server class without calling
    it (a type hint, LoopbackServer's `server_class`) starts nothing."""
    nodes = ast.walk(ast.parse(source))
    return sorted({node.lineno for node in nodes if _starts_a_server(node)})  # type: ignore[attr-defined]


def _relative(path: Path) -> str:
    return str(path.relative_to(TESTS))


def test_every_folder_names_a_part_or_crosses_parts() -> None:
    parts = _parts()
    assert {"browser", "cli", "config", "model", "rules", "runner"} <= parts
    strays = [f.name for f in _folders() if f.name not in parts | CROSS_CUTTING.keys()]
    assert strays == [], f"tests/{strays[0]}/ names no part of src/tagaudit" if strays else ""


def test_python_files_sit_at_most_one_folder_deep() -> None:
    deep = [_relative(p) for p in _python_files() if len(p.relative_to(TESTS).parts) > 2]
    assert deep == [], "tests mirror src/tagaudit, whose parts are one folder deep"


def test_top_level_test_files_name_a_module() -> None:
    modules = _modules()
    assert {"yamlfile", "patterns", "errors"} <= modules
    strays = [
        p.name
        for p in TESTS.glob("test_*.py")
        if p.stem.removeprefix("test_") not in modules and p.name not in META_TESTS
    ]
    assert strays == [], "a test of a part goes in its folder: tests/<part>/"


def test_no_file_edits_sys_path() -> None:
    found = {_relative(p): sys_path_edits(p.read_text(encoding="utf-8")) for p in _python_files()}
    edits = {path: lines for path, lines in found.items() if lines}
    assert edits == {}, "import helpers as tests.<folder>.<module> instead"


def test_servers_start_through_the_support_helper() -> None:
    files = [p for p in _python_files() if p != SERVERS]
    found = {_relative(p): server_starts(p.read_text(encoding="utf-8")) for p in files}
    starts = {path: lines for path, lines in found.items() if lines}
    assert starts == {}, "start it with tests.support.servers instead"


SYS_PATH_SAMPLES = [
    ("import sys\nsys.path.insert(0, 'x')\n", [2]),
    ("import sys\nsys.path.append('x')\n", [2]),
    ("import sys\nsys.path += ['x']\n", [2]),
    ("import sys\nsys.path = ['x']\n", [2]),
    ("import sys\nsys.path[:0] = ['x']\n", [2]),
    ("from sys import path\n", [1]),
    ("import site\nsite.addsitedir('x')\n", [2]),
    ("import sys\nprint(sys.path)\n", []),
    ("import os\nos.environ['PYTHONPATH'] = 'src'\n", []),
    ("here.path.insert(0, 'x')\n", []),
]
SERVER_SAMPLES = [
    ("server = ThreadingHTTPServer(('127.0.0.1', 0), H)\n", [1]),
    ("import threading\nthreading.Thread(target=server.serve_forever).start()\n", [2]),
    ("server.serve_forever()\n", [1]),
    ("class Sink(http.server.ThreadingHTTPServer):\n    pass\n", [1]),
    ("with SiteServer(root) as site:\n    pass\n", [1]),
    ("import asyncio\nasyncio.start_server(handle, '127.0.0.1', 0)\n", [2]),
    ("import socket\nsock = socket.socket()\n", [2]),
    ("def f(site: SiteServer) -> None:\n    pass\n", []),
    ("LoopbackServer(H, server_class=socketserver.ThreadingTCPServer)\n", []),
    ("with serve_folder(root) as site:\n    pass\n", []),
]


def test_the_sys_path_check_sees_every_kind_of_edit() -> None:
    assert [sys_path_edits(source) for source, _ in SYS_PATH_SAMPLES] == [
        lines for _, lines in SYS_PATH_SAMPLES
    ]


def test_the_server_check_sees_every_way_to_start_one() -> None:
    assert [server_starts(source) for source, _ in SERVER_SAMPLES] == [
        lines for _, lines in SERVER_SAMPLES
    ]
