"""Templates and sampling: page types from the URLs alone, and the same sample every run."""

from __future__ import annotations

from tagaudit.crawl.templates import sample, templates_of

SHOP = "https://shop.test"


def _urls(*paths: str) -> list[str]:
    return [SHOP + p for p in paths]


def test_ids_and_crowded_folders_are_templates_one_off_pages_are_not() -> None:
    products = [f"/product/{c}-{i}/" for c in "abcdefgh" for i in ("shirt", "scarf")]
    urls = _urls("/", "/cart/", "/checkout/", "/order/10442/", "/order/10443/", *products)
    found = templates_of(urls)
    assert found[f"{SHOP}/"] == "shop.test/"
    assert found[f"{SHOP}/cart/"] == "shop.test/cart"
    assert found[f"{SHOP}/order/10442/"] == found[f"{SHOP}/order/10443/"] == "shop.test/order/*"
    assert {found[SHOP + p] for p in products} == {"shop.test/product/*"}


def test_few_siblings_stay_apart_and_the_users_patterns_come_first() -> None:
    urls = _urls("/de/", "/en/", "/de/help/", "/en/help/", "/landing/spring/", "/landing/fall/")
    found = templates_of(urls, ["/landing/*"])
    assert found[f"{SHOP}/de/help/"] == "shop.test/de/help"
    assert found[f"{SHOP}/landing/spring/"] == found[f"{SHOP}/landing/fall/"] == "/landing/*"


def test_a_sample_is_spread_stable_and_in_the_original_order() -> None:
    products = [
        f"{SHOP}/product/item-{chr(97 + i)}{chr(97 + j)}/" for i in range(8) for j in range(8)
    ]
    urls = [f"{SHOP}/", f"{SHOP}/cart/", *products]
    kept = sample(urls, 5)
    assert kept[:2] == [f"{SHOP}/", f"{SHOP}/cart/"] and len(kept) == 7
    assert kept == sorted(kept, key=urls.index)
    assert sample(list(reversed(urls)), 5) == list(reversed(kept))  # the same pages
    assert kept[2:] != products[:5]  # spread, not the first five of the sitemap
    assert sample(urls, 0) == urls
