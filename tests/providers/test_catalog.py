"""The catalog as data: the built-in file is valid and complete; bad user entries fail clearly."""

from __future__ import annotations

import pytest

from tagaudit.errors import ConfigError
from tagaudit.model import Request
from tagaudit.providers import decode_request, default_catalog, load_catalog, load_catalog_file
from tagaudit.providers.catalog import load_yaml, parse_providers

DESIGN_IDS = {
    "ga4", "gtm", "google_ads", "floodlight", "universal_analytics", "meta_pixel", "tiktok",
    "linkedin", "microsoft_uet", "pinterest", "x_ads", "snapchat", "reddit", "adobe_analytics",
    "segment", "matomo", "plausible", "posthog", "hotjar", "clarity", "amplitude", "mixpanel",
    "criteo", "quora", "snowplow", "rudderstack", "piwik_pro",
}  # fmt: skip


def test_builtin_catalog_has_every_design_provider() -> None:
    """DESIGN.md's ids, plus vendors added since (each with its golden beacons)."""
    assert set(default_catalog().providers) >= DESIGN_IDS


def test_every_builtin_provider_documents_labels_or_is_trivial() -> None:
    for provider in default_catalog().providers.values():
        assert provider.name and provider.endpoints, provider.id


def test_user_defines_a_new_vendor_without_python() -> None:
    catalog = load_catalog(
        [
            {
                "id": "acme",
                "name": "Acme Pixel",
                "account": ["aid"],
                "event": ["ev", {"value": "view"}],
                "shared": {"value": ["amt"], "event_id": ["dedup"]},
                "endpoints": [{"kind": "hit", "hosts": ["px.acme.test"], "paths": ["^/h$"]}],
            }
        ]
    )
    (hit,) = decode_request(Request("https://px.acme.test/h?aid=A1&amt=12.5&dedup=d1"), catalog)
    assert (hit.provider, hit.account, hit.event) == ("acme", "A1", "view")
    assert hit.params["value"] == 12.5 and hit.params["event_id"] == "d1"


def test_user_file_with_line_numbers(tmp_path) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(
        "providers:\n"
        "  - id: acme\n"
        "    name: Acme\n"
        "    endpoints:\n"
        "      - kind: hit\n"
        "        hosts: [px.acme.test]\n"
        "        paths: ['^/h$']\n"
        "  - id: broken\n"
        "    name: Broken\n"
        "    endpoints:\n"
        "      - kind: beacon\n"
        "        hosts: [x.test]\n"
    )
    with pytest.raises(ConfigError) as problem:
        load_catalog_file(str(path))
    message = problem.value.one_line()
    assert str(path) in message and ":11:" in message
    assert "providers[1].endpoints[0].kind" in message


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"name": "x", "endpoints": [{"hosts": ["a.test"]}]}, "providers[0].id"),
        ({"id": "Bad Id", "name": "x", "endpoints": []}, "providers[0].id"),
        ({"id": "newvendor", "endpoints": [{"hosts": ["a.test"]}]}, "providers[0].name"),
        ({"id": "v", "name": "V", "endpoints": []}, "providers[0].endpoints"),
        (
            {"id": "v", "name": "V", "endpoints": [{"kind": "hit"}]},
            "providers[0].endpoints[0].hosts",
        ),
        (
            {"id": "v", "name": "V", "endpoints": [{"hosts": ["*"]}]},
            "providers[0].endpoints[0].paths",
        ),
        (
            {"id": "v", "name": "V", "endpoints": [{"hosts": ["a.test"], "paths": ["("]}]},
            "providers[0].endpoints[0].paths[0]",
        ),
        (
            {"id": "v", "name": "V", "endpoints": [{"hosts": ["a/b"]}]},
            "providers[0].endpoints[0].hosts",
        ),
        (
            {"id": "v", "name": "V", "colour": 1, "endpoints": [{"hosts": ["a.test"]}]},
            "providers[0].colour",
        ),
        (
            {"id": "v", "name": "V", "decoder": "magic", "endpoints": [{"hosts": ["a.test"]}]},
            "providers[0].decoder",
        ),
        (
            {
                "id": "v",
                "name": "V",
                "shared": {"price": ["p"]},
                "endpoints": [{"hosts": ["a.test"]}],
            },
            "providers[0].shared.price",
        ),
        (
            {"id": "v", "name": "V", "account": [{"x": 1}], "endpoints": [{"hosts": ["a.test"]}]},
            "providers[0].account[0]",
        ),
        (
            {"id": "v", "name": "V", "endpoints": [{"hosts": ["a.test"], "require": ["x"]}]},
            "providers[0].endpoints[0].require",
        ),
        (
            {
                "id": "v",
                "name": "V",
                "family": {"name": "V-compatible", "paths": ["/v/e"], "files": ["(bad"]},
                "endpoints": [{"hosts": ["a.test"]}],
            },
            "providers[0].family.files[0]",
        ),
    ],
)
def test_malformed_entries_name_the_field(entry: dict, field: str) -> None:
    with pytest.raises(ConfigError) as problem:
        load_catalog([entry], source="tagaudit.yaml")
    assert problem.value.field == field
    assert problem.value.path == "tagaudit.yaml"


def test_not_a_list() -> None:
    with pytest.raises(ConfigError, match="must be a list"):
        parse_providers({"id": "x"})


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(ConfigError) as problem:
        load_yaml("providers:\n  - id: [\n", "p.yaml")
    assert problem.value.line is not None and problem.value.path == "p.yaml"


def test_extending_a_builtin_provider_keeps_its_endpoints() -> None:
    catalog = load_catalog([{"id": "meta_pixel", "endpoints": [{"hosts": ["px.shop.example"]}]}])
    meta = catalog.provider("meta_pixel")
    assert len(meta.endpoints) == len(default_catalog().provider("meta_pixel").endpoints) + 1
    (hit,) = decode_request(Request("https://px.shop.example/tr?id=9&ev=Lead"), catalog)
    assert (hit.provider, hit.account, hit.event) == ("meta_pixel", "9", "Lead")
