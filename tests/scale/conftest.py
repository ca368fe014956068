"""Tests of running at scale and against staging: helpers (local servers) live next to them."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# staging_server.py here; the generated shop of the crawl tests (tests/crawl/shop_site.py)
for folder in (HERE, HERE.parent / "crawl"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
