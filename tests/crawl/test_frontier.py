"""The frontier deduplicates, stays on the start hosts, and honours depth and page caps."""

from __future__ import annotations

from tagaudit.crawl.frontier import Frontier


def drain(frontier: Frontier, links: dict[str, list[str]]) -> list[str]:
    seen = []
    while (item := frontier.take()) is not None:
        url, depth = item
        seen.append(url)
        frontier.done(url, links.get(url, []), depth)
    return seen


def test_follows_same_host_links_to_depth() -> None:
    links = {
        "https://a.test/": ["https://a.test/x#top", "https://b.test/", "https://a.test/file.pdf"],
        "https://a.test/x": ["https://a.test/y"],
        "https://a.test/y": ["https://a.test/z"],
    }
    assert drain(Frontier(["https://a.test/"], 50, 2), links) == [
        "https://a.test/",
        "https://a.test/x",
        "https://a.test/y",
    ]


def test_duplicates_and_page_cap() -> None:
    """The planned targets are all kept (the plan applied max_pages, never to listed pages);
    links found while crawling fill only the room left."""
    targets = ["https://a.test/1", "https://a.test/1#frag", "https://a.test/2", "https://a.test/3"]
    links = {"https://a.test/1": ["https://a.test/4"]}
    assert drain(Frontier(targets, 2, 1), links) == [
        "https://a.test/1",
        "https://a.test/2",
        "https://a.test/3",
    ]
    assert drain(Frontier(targets[:1], 2, 1), links) == ["https://a.test/1", "https://a.test/4"]
