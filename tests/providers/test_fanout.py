"""merge_fanout: one Ads conversion sent over several transports is one logical hit."""

from __future__ import annotations

from pathlib import Path

import yaml

from tagaudit.model import Request, TagHit
from tagaudit.providers import decode_request, link_aux, merge_fanout

BEACONS = Path(__file__).resolve().parents[2] / "fixtures" / "beacons"


def _ads_case(name: str) -> list[TagHit]:
    cases = yaml.safe_load((BEACONS / "google_ads.yaml").read_text())["cases"]
    spec = next(c for c in cases if c["name"].startswith(name))["request"]
    return decode_request(Request(spec["url"]))


def test_conversion_and_its_first_party_copy_fold_into_one_hit() -> None:
    hits = _ads_case("purchase conversion") + _ads_case("the same conversion")
    merged = merge_fanout(hits)
    assert len(merged) == 1
    assert merged[0].params["transports"] == ["conversion", "1p-conversion"]
    assert merged[0].account == "AW-987654321/AbC-D_efG-h12_34-567"
    assert merged[0].consent["gcs"]["raw"] == "G111"


def test_remarketing_user_list_is_aux_linked_to_its_page_view_not_folded() -> None:
    hits = (
        _ads_case("remarketing page view")
        + _ads_case("purchase conversion")
        + _ads_case("remarketing user-list")
        + _ads_case("the same conversion")
    )
    merged = link_aux(merge_fanout(hits))
    assert [(h.kind, h.event, h.params.get("transports")) for h in merged] == [
        ("hit", "gtag.config", ["viewthroughconversion"]),
        ("hit", "purchase", ["conversion", "1p-conversion"]),
        ("aux", "gtag.config", None),
    ]
    assert merged[2].follows == 0  # the config hit it was sent for, not the purchase between


def test_two_real_conversions_stay_two() -> None:
    first = _ads_case("purchase conversion") + _ads_case("the same conversion")
    again = _ads_case("purchase conversion") + _ads_case("the same conversion")
    merged = merge_fanout(first + again)
    assert [h.params["transports"] for h in merged] == [["conversion", "1p-conversion"]] * 2


def test_different_order_ids_do_not_fold() -> None:
    a = TagHit(
        "google_ads",
        account="AW-1/x",
        event="purchase",
        params={"transport": "conversion", "transaction_id": "A"},
    )
    b = TagHit(
        "google_ads",
        account="AW-1/x",
        event="purchase",
        params={"transport": "1p-conversion", "transaction_id": "B"},
    )
    assert len(merge_fanout([a, b])) == 2


def test_labelless_ping_joins_the_labelled_conversion() -> None:
    a = TagHit("google_ads", account="AW-1", event="conversion", params={"transport": "ccm"})
    b = TagHit(
        "google_ads",
        account="AW-1/lbl",
        event="conversion",
        params={"transport": "conversion", "value": 5},
    )
    merged = merge_fanout([a, b])
    assert len(merged) == 1 and merged[0].account == "AW-1/lbl" and merged[0].params["value"] == 5


def test_meta_privacy_sandbox_copy_folds_into_the_tr_hit() -> None:
    tr = decode_request(Request("https://www.facebook.com/tr/?id=1&ev=PageView"))
    sandbox = decode_request(
        Request("https://www.facebook.com/privacy_sandbox/pixel/register/trigger/?id=1&ev=PageView")
    )
    merged = merge_fanout(tr + sandbox)
    assert len(merged) == 1 and merged[0].params["transports"] == ["tr", "privacy_sandbox"]


def test_hits_without_transport_and_other_providers_pass_through_in_order() -> None:
    ga = TagHit("ga4", account="G-1", event="page_view")
    lib = TagHit("google_ads", kind="library", account="AW-1")
    ads = TagHit("google_ads", account="AW-1", event="x", params={"transport": "conversion"})
    merged = merge_fanout([ga, lib, ads])
    assert merged[:2] == [ga, lib] and merged[2].params["transports"] == ["conversion"]


def test_inputs_are_not_mutated() -> None:
    a = TagHit("google_ads", account="AW-1/x", event="e", params={"transport": "conversion"})
    b = TagHit("google_ads", account="AW-1/x", event="e", params={"transport": "1p-conversion"})
    merge_fanout([a, b])
    assert "transports" not in a.params and a.params == {"transport": "conversion"}


def test_linkedin_px4_mirror_folds_into_the_px_hit() -> None:
    query = "?pid=5551234&conversionId=7654321&fmt=gif&url=https%3A%2F%2Fshop.example%2F"
    hits = decode_request(Request("https://px.ads.linkedin.com/collect/" + query))
    hits += decode_request(Request("https://px4.ads.linkedin.com/collect/" + query))
    merged = merge_fanout(hits)
    assert [(h.account, h.event, h.params["transports"]) for h in merged] == [
        ("5551234", "conversion", ["px", "px4"])
    ]
