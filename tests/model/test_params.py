"""The parameter ledger (model.params): which parameters track, what each hop kept, dropped,
changed or moved into the fragment, and where each was first lost; pure functions."""

from __future__ import annotations

from tagaudit.model import Hop
from tagaudit.model.params import build_ledger, compare, first_loss, tracking_params


def test_tracking_params_cover_utm_click_ids_and_user_names():
    url = "https://a/?utm_foo=1&gclid=2&ScCid=3&x=4&ref=5&_gl=6&rdt_cid=7"
    assert list(tracking_params(url)) == ["utm_foo", "gclid", "ScCid", "_gl", "rdt_cid"]
    assert "ref" in tracking_params(url, extra=["ref"])


def test_compare_kept_dropped_changed_fragment():
    original = {"utm_source": "a", "gclid": "1", "fbclid": "2", "utm_medium": "x%20y"}
    change = compare(3, original, "https://b/?utm_source=a&utm_medium=x+y#fbclid=2")
    assert change.hop == 3
    assert change.kept == ["utm_source"]
    assert change.dropped == ["gclid"]
    assert change.changed == ["utm_medium"]
    assert change.moved_to_fragment == ["fbclid"]


def test_ledger_numbers_hops_from_one_and_first_loss_wins():
    hops = [
        Hop("https://a/?utm_source=s&gclid=g"),
        Hop("https://a/b?utm_source=s"),
        Hop("https://c/"),
    ]
    ledger = build_ledger(hops)
    assert [c.hop for c in ledger] == [1, 2]
    assert first_loss(ledger) == {"gclid": 1, "utm_source": 2}
