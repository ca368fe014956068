"""Real request URLs from public captures decode to the right provider (issue 19's goal).

The corpus is Omnibug's own test URLs (fixtures/beacons/public/omnibug.yaml: the reference
decoder's corpus, MIT, source and commit in the file). Each URL is decoded as a browser
would have sent it (an image GET: the URL is all there is) and must carry a hit of the
vendor Omnibug files it under. Measured when this test was written: 206 of 210 URLs of
vendors tagaudit catalogues (98.1 %; the misses: a bare first-party `/g/collect/` with no
parameters, which no wire format can tell; Adobe's media API `/api/v1/sessions` on a
first-party host, twice, too common a path to claim without its body; Omnibug's made-up
`PiwikPRO.js`), 206 of 220 over every vendor (93.6 %: the other ten belong to seven vendors
with one or two URLs each, which the catalog does not list).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tagaudit.model import Request
from tagaudit.providers import decode_request

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "beacons" / "public" / "omnibug.yaml"


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    return yaml.safe_load(CORPUS.read_text("utf-8"))["urls"]


def _providers(url: str) -> set[str]:
    return {h.provider for h in decode_request(Request(url, resource_type="image"))}


def _misses(entries: list[dict[str, Any]]) -> list[str]:
    return [
        f"{e['file']}: {e['provider']} ← {sorted(_providers(e['url']))} {e['url'][:120]}"
        for e in entries
        if e["provider"] not in _providers(e["url"])
    ]


def test_the_corpus_is_large_and_names_its_source(corpus: list[dict[str, Any]]) -> None:
    source = yaml.safe_load(CORPUS.read_text("utf-8"))["source"]
    assert source["repository"] == "MisterPhilip/omnibug" and len(source["commit"]) == 40
    assert len(corpus) >= 150
    assert len({e["provider"] for e in corpus if e["provider"]}) >= 30


def test_catalogued_vendors_urls_decode_to_their_provider(corpus: list[dict[str, Any]]) -> None:
    catalogued = [e for e in corpus if e["provider"]]
    misses = _misses(catalogued)
    share = 1 - len(misses) / len(catalogued)
    assert share >= 0.98, f"{share:.1%} decoded to the right provider:\n" + "\n".join(misses)


def test_every_vendors_urls_decode_to_their_provider(corpus: list[dict[str, Any]]) -> None:
    """Vendors tagaudit does not catalogue count as misses here (a guard against regressions)."""
    misses = _misses(corpus)
    share = 1 - len(misses) / len(corpus)
    assert share >= 0.93, f"{share:.1%}:\n" + "\n".join(misses)


def test_no_url_is_claimed_by_the_wrong_catalogued_vendor(corpus: list[dict[str, Any]]) -> None:
    """A vendor tagaudit does not know is at most `unknown`, never another vendor."""
    wrong = [
        (e["file"], sorted(_providers(e["url"]) - {e["provider"], "unknown"}), e["url"][:100])
        for e in corpus
        if _providers(e["url"]) - {e["provider"], "unknown"}
    ]
    assert not wrong
