"""decode_request never raises on odd input, and the package keeps its public API and arrows."""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import tagaudit.providers as providers
from tagaudit.model import Request
from tagaudit.providers import decode_request

ODD_REQUESTS = [
    Request("https://analytics.tiktok.com/api/v2/pixel", "POST", post_data='{"event": "Pa'),
    Request("https://analytics.tiktok.com/api/v2/pixel", "POST", post_data="[1, 2, 3]"),
    Request("https://analytics.tiktok.com/api/v2/pixel?analytics_message=%%%not-base64"),
    Request("https://api-js.mixpanel.com/track/?data=bm90IGpzb24="),
    Request("https://www.google-analytics.com/g/collect?v=2&tid=G-1", "POST", post_data="\x00\xff"),
    Request("https://www.google-analytics.com/g/collect?v=2&tid=G-1&pr1=~~~&pr2="),
    Request("https://sslwidget.criteo.com/event?a=1&p0=%ZZ&p1=e%3Dvb%26p%3D%5B%7B"),
    Request("https://ad.doubleclick.net/activity;;;=;src;", "GET"),
    Request("https://api.segment.io/v1/batch", "POST", post_data='{"batch": "nope"}'),
    Request("https://api.segment.io/v1/batch", "POST", post_data='{"batch": []}'),
    Request(
        "https://www.facebook.com/tr/",
        "POST",
        post_data="--x\r\nbroken",
        headers={"Content-Type": "multipart/form-data"},
    ),
    Request("https://t.co/1/i/adsct?events=%5B%5D&txn_id="),
    Request("https://analytics.shop.example/matomo.php", "POST", post_data='{"requests": [1, 2]}'),
    Request("https://[::1]:8080/g/collect?v=2&tid=G-1"),
    Request("http://user:pw@www.facebook.com:443/tr?id=1&ev=X"),
]


@pytest.mark.parametrize("request_", ODD_REQUESTS, ids=range(len(ODD_REQUESTS)))
def test_odd_input_never_raises(request_: Request) -> None:
    for hit in decode_request(request_):
        assert hit.provider and hit.url == request_.url


def test_unparseable_json_body_still_yields_the_hit_with_the_raw_body() -> None:
    (hit,) = decode_request(ODD_REQUESTS[0])
    assert hit.provider == "tiktok" and hit.params["_body"].startswith('{"event"')


def test_empty_batch_is_no_hit() -> None:
    assert decode_request(ODD_REQUESTS[9]) == []


def test_userinfo_and_port_do_not_hide_the_host() -> None:
    (hit,) = decode_request(ODD_REQUESTS[-1])
    assert (hit.provider, hit.account, hit.event) == ("meta_pixel", "1", "X")


def test_public_api_is_complete() -> None:
    for name in (
        "decode_request",
        "is_collection_endpoint",
        "load_catalog",
        "merge_fanout",
        "decode_gcs",
        "decode_gcd",
        "Catalog",
    ):
        assert name in providers.__all__
    assert all(hasattr(providers, name) for name in providers.__all__)


# The floor every part may use (tests/test_arrows.py), and the package itself.
FLOOR_AND_PROVIDERS = {"model", "errors", "yamlfile", "patterns", "providers"}


def _modules() -> list[str]:
    return [f"tagaudit.providers.{m.name}" for m in pkgutil.iter_modules(providers.__path__)]


@pytest.mark.parametrize("module", _modules())
def test_providers_import_only_the_floor_and_themselves(module: str) -> None:
    source = Path(importlib.import_module(module).__file__).read_text()
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in {"playwright", "httpx", "aiohttp"}, name
            if name.startswith("tagaudit."):
                assert name.split(".")[1] in FLOOR_AND_PROVIDERS, name


@pytest.mark.parametrize("module", _modules())
def test_docstring_examples_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0


def test_every_catalog_decoder_name_has_code() -> None:
    from tagaudit.providers.catalog import DECODERS as NAMES
    from tagaudit.providers.decoding import DECODERS

    assert set(NAMES) == set(DECODERS)


def test_cors_preflight_is_never_a_hit() -> None:
    url = "https://tagauditfixture.dataplane.rudderstack.com/v1/track"
    assert decode_request(Request(url, "OPTIONS")) == []
    assert decode_request(Request(url, "POST", post_data='{"event":"x","type":"track"}'))
