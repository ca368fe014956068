"""No credential in any report, wherever it goes: every format of `audit`, `links` and
`merge`, the terminal, stderr and the GitHub Action's step summary, grepped for secrets
planted where a site or a campaign link really carries them.

The site (127.0.0.1) is reached with basic auth in the page URL and tokens in its query
(`access_token`, camelCase `accessToken`, `apiKey`, an OAuth `code` with its `state`): the
GA4 stand-in of the demo site copies that URL into `dl` (URL-encoded in the hit), a
first-party GA4 endpoint of the site receives its `Cookie` header, and the page pushes
`document.cookie` and an `accessToken` into its dataLayer, and sends that endpoint its own
`Authorization` header. The staging config sends an
`Authorization` header and a cookie from the environment. Reports people read also mask the
email address planted next to them; the JSON keeps it (the rules of `merge` read it).
`--keep-secrets` keeps credentials in the JSON alone, and says so on stderr.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tagaudit.report.formats import FORMATS
from tests.ci.action_script import run_step
from tests.support.servers import LoopbackServer, serve_routes

REPO = Path(__file__).resolve().parents[2]
GTAG = (REPO / "fixtures" / "demo-site" / "assets" / "tags" / "gtag.js").read_bytes()

PASSWORD = "PLANTED-PASSWORD-1"
SECRETS = (
    PASSWORD,
    "PLANTED-ACCESS-TOKEN-2",
    "PLANTED-CAMEL-TOKEN-3",
    "PLANTED-API-KEY-4",
    "PLANTED-OAUTH-CODE-5",
    "PLANTED-BEARER-6",
    "PLANTED-CONFIG-COOKIE-7",
    "PLANTED-SET-COOKIE-8",
    "PLANTED-DATALAYER-TOKEN-9",
    "PLANTED-PAGE-BEARER-10",
)
EMAIL = "ann.planted@example.com"
QUERY = (
    "access_token=PLANTED-ACCESS-TOKEN-2&accessToken=PLANTED-CAMEL-TOKEN-3"
    "&apiKey=PLANTED-API-KEY-4&code=PLANTED-OAUTH-CODE-5&state=st1"
    f"&email={EMAIL.replace('@', '%40')}&utm_source=news"
)
PAGE = """<!doctype html><html><head><title>account</title>
<script async src="/assets/tags/gtag.js?id=G-PLANT01"></script>
<script>
window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}
gtag('js', new Date());
gtag('config', 'G-PLANT01');
dataLayer.push({event: "login", accessToken: "PLANTED-DATALAYER-TOKEN-9",
                cookie: document.cookie});
// location.origin: a URL with user-info (the page's own) is refused by fetch()
fetch(location.origin + "/g/collect?v=2&tid=G-PLANT01&en=first_party&dl="
      + encodeURIComponent(location.href),
      {method: "POST", body: "", credentials: "include",
       headers: {Authorization: "Bearer PLANTED-PAGE-BEARER-10"}});
</script></head><body><h1>Account</h1></body></html>"""
CONFIG = """\
browser:
  headers: {Authorization: "Bearer ${PLANTED_BEARER}"}
  cookies: [{name: staging, value: "${PLANTED_COOKIE}", url: "{origin}"}]
"""
ENV = {"PLANTED_BEARER": "PLANTED-BEARER-6", "PLANTED_COOKIE": "PLANTED-CONFIG-COOKIE-7"}


def _page(request: object) -> tuple[int, dict[str, str], bytes]:
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Set-Cookie": "sid=PLANTED-SET-COOKIE-8; Path=/",
    }
    return 200, headers, PAGE.encode()


def _go(request: object) -> tuple[int, dict[str, str], bytes]:
    query = str(getattr(request, "path", "")).partition("?")[2]
    return 302, {"Location": f"/account/?{query}"}, b""


@dataclass
class Site:
    server: LoopbackServer

    def url(self, path: str, userinfo: bool = True) -> str:
        auth = f"ann:{PASSWORD}@" if userinfo else ""
        return f"http://{auth}127.0.0.1:{self.server.port}{path}?{QUERY}"


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    routes = {
        "/account/": _page,
        "/go": _go,
        "/go2": _go,
        "/assets/tags/gtag.js": lambda r: (200, {"Content-Type": "text/javascript"}, GTAG),
    }
    with serve_routes(routes) as server:
        yield Site(server)


def _tagaudit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tagaudit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
        env=_env(),
    )


def _env() -> dict[str, str]:
    import os

    return {**os.environ, **ENV}


def _report_flags(folder: Path, stem: str) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    flags = []
    for fmt in FORMATS.values():
        flags += [fmt.flag, str(folder / f"{stem}{fmt.suffix}")]
    return flags


def _outputs(folder: Path, stem: str) -> dict[str, str]:
    texts = {}
    for fmt in FORMATS.values():
        path = folder / f"{stem}{fmt.suffix}"
        assert path.is_file(), f"{path} was not written"
        texts[fmt.name] = path.read_text(encoding="utf-8")
    return texts


def _assert_masked(where: str, text: str, people: bool = True) -> None:
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"{where} leaks {leaked}"
    if people:
        assert EMAIL not in text and EMAIL.replace("@", "%40") not in text, where


def _assert_every_format(texts: dict[str, str], what: str) -> None:
    for name, text in texts.items():
        _assert_masked(f"{what} --{name}", text, people=FORMATS[name].people)
        assert "***" in text, f"{what} --{name} shows no masked value: was the data there?"


@pytest.mark.e2e
def test_the_action_step_summary_and_every_audit_report_mask_credentials(
    site: Site, tmp_path: Path, chromium_path: str
) -> None:
    origin = site.url("/", userinfo=False).split("/?")[0]
    (tmp_path / "tagaudit.yaml").write_text(CONFIG.replace("{origin}", origin), encoding="utf-8")
    (tmp_path / "step_summary.md").write_text("", encoding="utf-8")
    done = run_step(
        tmp_path,
        {
            **ENV,
            "INPUT_URLS": site.url("/account/"),
            "INPUT_CONFIG": "tagaudit.yaml",
            "INPUT_BROWSER": chromium_path,
            "INPUT_FAIL_ON": "never",
        },
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    report_dir = tmp_path / "tagaudit-report"
    texts = _outputs(report_dir, "tagaudit")
    _assert_every_format(texts, "audit")
    data = json.loads(texts["json"])
    assert data["config"]["secrets"] == "masked"
    (page,) = data["pages"]
    ga4 = [h for h in page["hits"] if h["provider"] == "ga4" and h["kind"] == "hit"]
    assert ga4, "the GA4 stand-in sent its page view"
    assert any("access_token=***" in str(h["params"].get("dl")) for h in ga4)
    assert any("%3D***" in h["url"] for h in ga4)  # masked inside the URL-encoded dl
    assert EMAIL.replace("@", "%40") in json.dumps(page)  # the JSON keeps what rules read
    sent = [r["headers"] for r in page["requests"] if "first_party" in r["url"]]
    assert sent and sent[0].get("authorization") == "Bearer ***"  # recorded, and masked
    assert "utm_source=news" in texts["html"]  # what is no secret stays readable
    for where, text in (
        ("the step summary", (tmp_path / "step_summary.md").read_text(encoding="utf-8")),
        ("the job log (stdout)", done.stdout),
        ("the job log (stderr)", done.stderr),
    ):
        _assert_masked(where, text)


@pytest.mark.e2e
def test_links_and_merge_reports_mask_credentials_and_keep_secrets_keeps_the_json(
    site: Site, tmp_path: Path
) -> None:
    links = [site.url("/go"), site.url("/go2")]
    done = _tagaudit(
        "links", *links, "--http-only", *_report_flags(tmp_path / "links", "r"), cwd=tmp_path
    )
    assert done.returncode in (0, 1), done.stderr
    _assert_every_format(_outputs(tmp_path / "links", "r"), "links")
    _assert_masked("links terminal", done.stdout)
    _assert_masked("links stderr", done.stderr)

    shards = []
    for index in (1, 2):
        shard = tmp_path / f"shard{index}.json"
        ran = _tagaudit(
            "links",
            *links,
            "--http-only",
            "--keep-secrets",
            "--shard",
            f"{index}/2",
            "--json",
            str(shard),
            cwd=tmp_path,
        )
        assert ran.returncode in (0, 1), ran.stderr
        assert "--keep-secrets" in ran.stderr and str(shard) in ran.stderr  # loud
        kept = shard.read_text(encoding="utf-8")
        assert "PLANTED-ACCESS-TOKEN-2" in kept and json.loads(kept)["config"]["secrets"] == "kept"
        shards.append(str(shard))

    merged = _tagaudit("merge", *shards, *_report_flags(tmp_path / "merged", "m"), cwd=tmp_path)
    assert merged.returncode in (0, 1), merged.stderr
    _assert_every_format(_outputs(tmp_path / "merged", "m"), "merge")
    _assert_masked("merge stderr", merged.stderr)

    kept = _tagaudit(
        "merge", *shards, "--keep-secrets", *_report_flags(tmp_path / "kept", "k"), cwd=tmp_path
    )
    assert kept.returncode in (0, 1), kept.stderr
    texts = _outputs(tmp_path / "kept", "k")
    assert "PLANTED-ACCESS-TOKEN-2" in texts.pop("json")
    _assert_every_format(texts, "merge --keep-secrets")  # people's reports mask, always
    assert re.search(r"--keep-secrets: .*k\.json holds credentials", kept.stderr)
