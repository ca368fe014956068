"""One version: the one pyproject.toml builds the wheel with is the one reports carry."""

from __future__ import annotations

import re
from pathlib import Path

import tagaudit
from tagaudit.model import TOOL_VERSION

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_model_carries_the_version_of_pyproject() -> None:
    text = PYPROJECT.read_text(encoding="utf-8")
    [declared] = re.findall(r'^version = "([^"]+)"$', text, re.M)
    assert TOOL_VERSION == tagaudit.__version__ == declared
