"""Makes the consent test helpers (fixture_server, scenario_runs) importable."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
