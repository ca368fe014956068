"""Shared by the tests of the GitHub Action: where things are, the run script loaded as a
module (it has no .py suffix: GitHub runs it as a program), and how to run it as the action's
audit step does."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "action-run"
ACTION = REPO / "action.yml"


def load_script() -> ModuleType:
    """scripts/action-run imported as a module, for its constants and pure functions."""
    loader = importlib.machinery.SourceFileLoader("tagaudit_action_run", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[loader.name] = module  # dataclasses look their module up by name
    loader.exec_module(module)
    return module


def run_step(
    cwd: Path, inputs: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run the script as action.yml's audit step does: INPUT_* variables, GITHUB_OUTPUT and
    GITHUB_STEP_SUMMARY naming files, the workspace as working directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.update(inputs)
    env["GITHUB_ACTIONS"] = "true"
    env["GITHUB_OUTPUT"] = str(cwd / "github_output")
    env["GITHUB_STEP_SUMMARY"] = str(cwd / "step_summary.md")
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def read_outputs(cwd: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT as GitHub reads it (`name=value`, or `name<<DELIM` … `DELIM`)."""
    lines = (cwd / "github_output").read_text(encoding="utf-8").splitlines()
    values: dict[str, str] = {}
    while lines:
        line = lines.pop(0)
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter)
            values[name], lines = "\n".join(lines[:end]), lines[end + 1 :]
        else:
            name, value = line.split("=", 1)
            values[name] = value
    return values
