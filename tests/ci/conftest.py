"""Tests of the GitHub Action and of installing tagaudit: helpers live in action_script.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
# github_sarif: GitHub code scanning's documented SARIF constraints, shared with tests/report
sys.path.insert(0, str(Path(__file__).parents[1] / "report"))
