"""Campaign links at a glance (report/links_view.py): one row per link, worst first, with its
CSV line and what happened, cut to the width of the terminal."""

from __future__ import annotations

from tagaudit.model import Finding, Hop, LinkResult, ParamChange, Report
from tagaudit.report import links_view

CSV = "campaign-links.csv"


def _link(line: int, url: str, **fields: object) -> LinkResult:
    link = LinkResult(url, **fields)  # type: ignore[arg-type]
    link.expected = {"source": f"/home/ana/ads/{CSV}:{line}"}
    return link


def _report() -> Report:
    lost = _link(
        5,
        "https://shop.test/go/old?utm_source=g&utm_medium=cpc&gclid=1",
        final_url="https://shop.test/lp/",
        hops=[
            Hop("https://shop.test/go/old?utm_source=g&utm_medium=cpc&gclid=1", 301),
            Hop("https://shop.test/lp/", 200),
        ],
        ledger=[
            ParamChange(0, kept=["utm_source", "utm_medium", "gclid"]),
            ParamChange(1, dropped=["utm_source", "utm_medium", "gclid"]),
        ],
    )
    fine = _link(
        2,
        "https://shop.test/lp/?gclid=2",
        final_url="https://shop.test/lp/?gclid=2",
        landing={
            "stored_in_cookies": {"gclid": ["_gcl_aw"]},
            "consent": "granted",
            "banner": "klaro",
        },
    )
    dead = _link(3, "https://shop.test/gone", verdict="broken", error="HTTP 404")
    warned = _link(
        4, "https://shop.test/lp/?utm_source=Facebook", final_url="https://shop.test/lp/"
    )
    findings = [
        Finding("link-stripped-params", "stripped-params", "error", "dropped", url=lost.url),
        Finding("utm-case", "utm-hygiene", "warning", "utm_source spelt 'Facebook'", warned.url),
        Finding("utm-channel", "utm-hygiene", "info", "GA4 default channel: Paid", fine.url),
    ]
    return Report(links=[fine, dead, lost, warned], findings=findings)


def test_rows_are_grouped_worst_first_in_input_order() -> None:
    rows = links_view.link_rows(_report())
    assert [(r.verdict, r.name) for r in rows] == [
        ("broken", "3"),
        ("params lost", "5"),
        ("warning", "4"),
        ("ok", "2"),
    ]
    assert [r.what for r in rows] == [
        "HTTP 404",
        "/go/old dropped gclid, utm_source/medium",
        "utm_source spelt 'Facebook'",
        "→ /lp/ · gclid stored",  # information (its channel) is no row's business
    ]


def test_the_terminal_gives_counts_and_a_header_first_then_one_line_per_link() -> None:
    lines = links_view.terminal_lines(_report(), width=80)
    assert lines[0] == f"4 link(s) of {CSV}: 1 broken, 1 params lost, 1 warning, 1 ok"
    assert lines[1] == "  verdict      line  what happened"
    assert lines[3] == "  params lost  5     /go/old dropped gclid, utm_source/medium"
    assert lines[-1] == "1 landing(s) behind a klaro banner: judged after accept (--consent)"
    assert all(len(line) <= 80 for line in lines)
    narrow = links_view.terminal_lines(_report(), width=40)
    assert narrow[3].endswith("…") and len(narrow[3]) == 40


def test_links_from_several_places_are_named_by_file_or_host() -> None:
    report = _report()
    report.links[0].expected = {"source": "argument"}
    names = {r.link.url: r.name for r in links_view.link_rows(report)}
    assert names["https://shop.test/lp/?gclid=2"] == "shop.test/lp/"
    assert names["https://shop.test/gone"] == f"{CSV}:3"


def test_the_html_table_links_each_row_to_its_card() -> None:
    html = links_view.links_overview(_report())
    assert html.startswith('<section id="links-overview"><h2>4 link(s) of campaign-links.csv')
    assert html.count("<tr") == 5 and 'href="#link-1"' in html  # the broken one, 2nd input
    assert links_view.links_overview(Report()) == ""


def test_an_info_card_lists_its_links_in_the_order_of_the_file() -> None:
    from tagaudit.report import html

    report = _report()
    report.findings = [
        Finding("utm-channel", "utm-hygiene", "info", f"channel of {link.url}", link.url)
        for link in sorted(report.links, key=lambda link: link.url)  # the order findings sort
    ]
    page = html.render(report)
    card = page[page.index('id="rule-utm-channel"') :]
    rows = [card.index(f"<td>{CSV}:{n}</td>") for n in (2, 3, 5, 4)]  # as report.links
    assert rows == sorted(rows)


def test_a_links_findings_in_the_terminal_name_its_row_of_the_file() -> None:
    import io

    from rich.console import Console

    from tagaudit.report import terminal

    out = io.StringIO()
    terminal.render(_report(), Console(file=out, width=200, color_system=None))
    text = out.getvalue()
    assert f"  {CSV}:5  https://shop.test/go/old?utm_source=g" in text  # the dropped params
    assert f"  {CSV}:4  https://shop.test/lp/?utm_source=Facebook" in text
