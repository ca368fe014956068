"""Northwind Outdoor (fixtures/reach-site), the site of the four users of issue 20, served on
127.0.0.1 with what it borrows: the demo site's gtag.js stand-in at /assets/tags/ and the
real Klaro banner (npm, never copied into the repository) at /node_modules/klaro/.

    with serve_reach_site() as site:
        site.url("/order/thank-you/")
        campaign_csv(site, tmp_path)      the Google Ads export, its links on this server

Started through tests.support.servers.
"""

from __future__ import annotations

from pathlib import Path

from tagaudit.runner.sitesrv import SiteServer
from tests.support.servers import serve_folder

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "fixtures" / "reach-site"
MOUNTS = {
    "/assets/tags/": REPO / "fixtures" / "demo-site" / "assets" / "tags",
    "/node_modules/klaro/": REPO / "node_modules" / "klaro",
}
PUBLIC = "https://northwind.example"  # the host the fixture's files are written for


def serve_reach_site() -> SiteServer:
    return serve_folder(SITE, mounts=MOUNTS)


def campaign_csv(site: SiteServer, folder: Path, rows: list[int] | None = None) -> Path:
    """campaign-links.csv with its links on `site` (the header, then the data rows asked
    for by their 1-based line in the file: all of them when None), written into `folder`."""
    lines = (SITE / "campaign-links.csv").read_text(encoding="utf-8").splitlines()
    kept = lines if rows is None else [lines[0], *(lines[n - 1] for n in rows)]
    path = folder / "campaign-links.csv"
    path.write_text("\n".join(kept).replace(PUBLIC, site.base_url) + "\n", encoding="utf-8")
    return path
