"""Consent runs, whole process: the `tagaudit audit` command on the consent fixture sites.

Serves `fixtures/consent/` (real klaro and cookieconsent banners from node_modules, and the
CMP stand-ins) on 127.0.0.1 and times, start to exit, in ONE run:

  plain     `tagaudit audit PAGES --consent none`          one scenario per page
  auto      `tagaudit audit PAGES`                         plain visit; pages showing a
                                                           banner then run none/accept/reject
  explicit  `tagaudit audit PAGES --consent none,accept,reject`

next to `demo`, a zero-config audit of the demo site (no banners), as the yardstick of a
plain audit. Each command runs `--repeat` times; the fastest run counts. Compare ratios
within one run: machines are noisy.

    .venv/bin/python benchmarks/bench_consent.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tagaudit.browser.discovery import find_browser  # noqa: E402
from tagaudit.runner.sitesrv import SiteServer  # noqa: E402
from tests.support.consent_sites import ConsentSites  # noqa: E402

CONSENT_PAGES = ("/klaro/", "/cc3/", "/onetrust/", "/cookiebot/", "/didomi/", "/nobanner/")


def _time(args: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "tagaudit", *args, "-q", "--fail-on", "never"],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"tagaudit {' '.join(args)} failed:\n{done.stderr}")
        best = min(best, time.perf_counter() - began)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    options = parser.parse_args()
    browser = ["--browser", find_browser().path]
    rows: dict[str, float] = {}
    with ConsentSites() as sites:
        pages = [sites.url(p) for p in CONSENT_PAGES]
        for name, extra in (
            ("plain", ["--consent", "none"]),
            ("auto", []),
            ("explicit", ["--consent", "none,accept,reject"]),
        ):
            rows[name] = _time(["audit", *pages, *browser, *extra], options.repeat)
    with SiteServer(REPO / "fixtures" / "demo-site") as site:
        rows["demo"] = _time(["audit", site.url("/"), "--depth", "3", *browser], options.repeat)
    print(f"{'command':<10} {'seconds':>8}  {'÷ plain':>8}")
    for name, seconds in rows.items():
        print(f"{name:<10} {seconds:8.2f}  {seconds / rows['plain']:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
