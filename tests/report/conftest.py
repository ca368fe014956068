"""Reporter test fixtures; the sample Report itself is built in report_sample.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from report_sample import build_sample  # noqa: E402

from tagaudit.model import Report  # noqa: E402


@pytest.fixture
def sample_report() -> Report:
    return build_sample()
