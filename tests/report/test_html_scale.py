"""The HTML report of a large audit: hit tables within a budget, pages with findings first.

A report of many pages is built from the sample shop's pages under new URLs; with the detail
budget made small, the pages with findings keep their tables of decoded parameters, the
others list their tags and say where the details are, the section's head counts both, and
the page filter offers (and styles) only pages that have findings.
"""

from __future__ import annotations

import copy
import re

from tagaudit.model import Finding, Report
from tagaudit.report import html, html_sections
from tests.report.report_sample import build_sample


def many_pages(count: int) -> Report:
    sample = build_sample()
    with_hits = next(p for p in sample.pages if p.hits)
    report = copy.deepcopy(sample)
    report.pages, report.findings = [], []
    for index in range(count):
        page = copy.deepcopy(with_hits)
        page.url = page.final_url = f"https://shop.test/p/{index}/"
        report.pages.append(page)
    for index in (7, 30):  # two pages with something to fix, far down the list
        url = f"https://shop.test/p/{index}/"
        report.findings.append(Finding("x-rule", "missing-tag", "error", "no purchase", url=url))
    report.summarize()
    return report


def page_blocks(text: str) -> list[str]:
    return re.findall(r'<details class="page[^"]*" id="page-\d+".*?</details>', text, re.S)


def test_hit_tables_go_to_pages_with_findings_first_within_the_budget(monkeypatch):
    report = many_pages(40)
    one_page = html_sections._hits_size(report.pages[0])
    monkeypatch.setattr(html_sections, "PAGE_DETAIL_BUDGET", one_page * 5)
    text = html.render(report)
    blocks = page_blocks(text)
    assert len(blocks) == 40
    detailed = [i for i, block in enumerate(blocks) if 'class="hits"' in block]
    assert detailed == [0, 1, 2, 7, 30]  # the two with findings, then the first in order
    brief = blocks[3]
    assert "Tags: ga4 G-SHOP01" in brief and "Hit details: in the JSON report" in brief
    assert "Tag hit details are shown for 5 of 40 pages" in text
    assert "the other 35 show their facts and findings" in text


def test_no_note_when_every_page_fits():
    text = html.render(many_pages(6))
    assert "Tag hit details are shown for" not in text
    assert all('class="hits"' in block for block in page_blocks(text))


def test_the_page_filter_offers_only_pages_with_findings():
    text = html.render(many_pages(40))
    options = re.findall(r'<option value="(page-\d+)">', text)
    assert options == ["page-7", "page-30"]
    rules = re.findall(r'option\[value="(page-\d+)"\]:checked', text)
    assert rules == ["page-7", "page-30"]
    assert "main:has(" not in text  # scoped to the findings section: a big page opens fast


def matrix_rows(text: str) -> list[str]:
    section = re.search(r'<section id="matrix">.*?</section>', text, re.S)
    assert section is not None
    return re.findall(r"<tr(?: class=\"alike\")?><th>(?!page<).*?</tr>", section.group(0), re.S)


def test_a_long_matrix_gives_pages_that_agree_one_row_and_the_odd_template_its_own():
    """2,000 rows hid the one template that lost its tag; alike pages now share a row."""
    report = many_pages(60)
    for index in (20, 21, 22, 45):  # one template lost its tag: its pages send nothing
        report.pages[index].hits = []
    text = html.render(report)
    rows = matrix_rows(text)
    assert len(rows) == 2, rows  # 56 alike pages, and the 4 that send nothing
    alike, lost = rows
    assert "56 pages like /p/0/" in alike and alike.count("<li>") == 56
    assert "4 pages like /p/20/" in lost and 'href="#page-45"' in lost
    assert 'class="cell fired"' in alike and 'class="cell fired"' not in lost
    assert "60 pages in 2 rows" in text


def test_a_short_matrix_keeps_a_row_per_page():
    text = html.render(many_pages(10))
    rows = matrix_rows(text)
    assert len(rows) == 10 and not any('class="alike"' in row for row in rows)
