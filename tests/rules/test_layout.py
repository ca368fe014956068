"""The built-in rules are found in both layouts: the repository checkout (`<repo>/rules`) and
an installed wheel (`tagaudit/_builtin_rules`, pyproject's force-include)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_installed_layout_finds_builtin_rules(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(
        REPO / "src" / "tagaudit", site / "tagaudit", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(REPO / "rules", site / "tagaudit" / "_builtin_rules")
    code = (
        "from tagaudit.rules.engine import load_rules; "
        "from tagaudit.rules.loader import builtin_rules_dir; "
        "print(builtin_rules_dir()); print(len(load_rules().rules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    where, count = done.stdout.split()
    assert Path(where) == site / "tagaudit" / "_builtin_rules"
    assert int(count) >= 9
