"""Link inputs: URLs, .txt lists, .csv exports, and one line per bad input."""

from __future__ import annotations

import pytest

from tagaudit.links.inputs import read_inputs


def test_urls_and_bad_urls(tmp_path):
    got = read_inputs(
        ["https://a.example/?utm_source=x", "ftp://a/b", "no-scheme.example", "http://"]
    )
    assert [t.url for t in got.targets] == ["https://a.example/?utm_source=x"]
    assert got.problems == [
        "argument: 'ftp://a/b': unsupported scheme 'ftp' (only http and https)",
        "argument: 'no-scheme.example': no scheme (write https://…)",
        "argument: 'http://': no host",
    ]


def test_txt_with_comments_and_blank_lines(tmp_path):
    path = tmp_path / "links.txt"
    path.write_text("# spring\nhttps://a.example/1\n\n  https://a.example/2  \nhttps://bad url\n")
    got = read_inputs([str(path)])
    assert [(t.url, t.source) for t in got.targets] == [
        ("https://a.example/1", f"{path}:2"),
        ("https://a.example/2", f"{path}:4"),
    ]
    assert got.problems == [f"{path}:5: 'https://bad url': spaces in the host"]


def test_csv_with_expectations(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(
        "Campaign,Final URL,Expected landing,Must arrive,Expected channel\n"
        "spring,https://a.example/go?gclid=1,shop.example/promo*,gclid;utm_source,Paid Search\n"
        "autumn,,,,\n"
    )
    got = read_inputs([str(path)])
    (target,) = got.targets
    assert target.url == "https://a.example/go?gclid=1"
    assert target.expected_landing == "shop.example/promo*"
    assert target.must_arrive == ["gclid", "utm_source"]
    assert target.expected_channel == "Paid Search"
    assert got.problems == [f"{path}:3: empty URL cell"]


def test_empty_files_csv_without_url_column_and_missing_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n")
    nourl = tmp_path / "nourl.csv"
    nourl.write_text("name,target\nx,https://a.example/\n")
    got = read_inputs([str(empty), str(nourl), str(tmp_path / "missing.txt")])
    assert got.targets == []
    assert got.problems[0] == f"{empty}: no links in this file"
    assert got.problems[1].startswith(f"{nourl}:1: no URL column")
    assert got.problems[2] == f"{tmp_path / 'missing.txt'}: no such file"


def test_url_ending_in_csv_is_a_url():
    got = read_inputs(["https://a.example/export.csv"])
    assert [t.url for t in got.targets] == ["https://a.example/export.csv"]


def test_the_shipped_examples_parse():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "fixtures" / "links"
    got = read_inputs([str(folder / "campaign-links.csv"), str(folder / "campaign-links.txt")])
    assert got.problems == []
    assert len(got.targets) == 5
    assert got.targets[1].must_arrive == ["gclid"]
    assert got.targets[1].expected_channel == "Paid Search"
    assert got.targets[2].expected_landing == "/landing/summer/"


def test_spaces_in_the_query_are_checked_not_rejected():
    got = read_inputs(["https://a.example/?utm_campaign=spring sale"])
    assert [t.url for t in got.targets] == ["https://a.example/?utm_campaign=spring sale"]
    assert got.problems == []


def test_semicolon_csv_from_european_excel(tmp_path):
    """Excel set to a European locale: `;` between cells, a byte order mark, CRLF lines."""
    path = tmp_path / "ads.csv"
    path.write_bytes(
        b"\xef\xbb\xbfKampagne;Final URL;Expected landing\r\n"
        b"fr\xc3\xbchling;https://a.example/go?utm_source=x,y;/promo\r\n"
    )
    got = read_inputs([str(path)])
    assert got.problems == []
    assert [(t.url, t.source, t.expected_landing) for t in got.targets] == [
        ("https://a.example/go?utm_source=x,y", f"{path}:2", "/promo")
    ]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [("name\turl\nx\t{u}\n", "tab"), ("sep=;\nname;url\nx;{u}\n", "sep= line")],
)
def test_tab_and_excels_sep_line(tmp_path, text, delimiter):
    path = tmp_path / "ads.csv"
    path.write_text(text.format(u="https://a.example/1"))
    got = read_inputs([str(path)])
    assert [t.url for t in got.targets] == ["https://a.example/1"], delimiter
    assert got.problems == []


def test_a_cell_spanning_lines_is_a_problem_named_by_its_line(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(
        "name,url\n"
        "\n"
        'split,"https://a.example/go?utm_source=a\nutm_medium=b"\n'
        "after,https://a.example/after\n"
    )
    got = read_inputs([str(path)])
    assert got.problems == [
        f"{path}:3: 'https://a.example/go?utm_source=a\\nutm_medium=b':"
        " a line break or tab inside the URL"
    ]
    assert [(t.url, t.source) for t in got.targets] == [("https://a.example/after", f"{path}:5")]


def test_a_tab_inside_a_url_is_a_problem_a_space_is_left_to_the_hygiene_rule():
    got = read_inputs(["https://a.example/?utm_source=a\tb", "https://a.example/?utm_source=a b"])
    assert got.problems == [
        "argument: 'https://a.example/?utm_source=a\\tb': a line break or tab inside the URL"
    ]
    assert [t.url for t in got.targets] == ["https://a.example/?utm_source=a b"]


@pytest.mark.parametrize(
    "head",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # an image
        b"\x1f\x8b\x08\x08\xa5\xe3\x1dg\x02\xffurls.txt",  # gzip (no NUL in its header here)
        b"\x7fELF\x02\x01\x01\x00",  # an executable
    ],
)
def test_a_binary_file_is_one_line(tmp_path, head):
    path = tmp_path / "links.txt"
    path.write_bytes(head + bytes(range(256)) * 8)
    got = read_inputs([str(path), "https://a.example/"])
    assert got.problems == [f"{path} is not a text file of URLs"]
    assert [t.url for t in got.targets] == ["https://a.example/"]


def test_a_script_given_as_a_list_is_one_line(tmp_path):
    """What `tagaudit links /usr/bin/chromium` read on Debian: a shell script, 122 problems."""
    path = tmp_path / "chromium"
    path.write_text("#!/bin/sh\n# launcher\nset -e\nAPP=chromium\nexport X=1\n" + "fi\n" * 20)
    got = read_inputs([str(path)])
    assert got.problems == [
        f"{path} is not a list of URLs (23 lines, none a link;"
        " line 3: 'set -e': no scheme (write https://…))"
    ]


def test_a_few_bad_lines_are_each_named(tmp_path):
    path = tmp_path / "links.txt"
    path.write_text("www.a.example/1\nwww.a.example/2\n")
    got = read_inputs([str(path)])
    assert got.problems == [
        f"{path}:1: 'www.a.example/1': no scheme (write https://…)",
        f"{path}:2: 'www.a.example/2': no scheme (write https://…)",
    ]


def test_windows_1252_text_is_named_as_such(tmp_path):
    """Excel's plain "CSV" on Windows: legacy encoding, not binary; say how to save it."""
    path = tmp_path / "ads.csv"
    path.write_bytes("name,url\nété,https://a.example/\n".encode("cp1252"))
    got = read_inputs([str(path)])
    assert got.problems == [f"{path}:2: not UTF-8 text; save it as UTF-8 (in Excel: CSV UTF-8)"]


def test_excels_unicode_text_export_is_text(tmp_path):
    path = tmp_path / "links.txt"
    path.write_text("https://a.example/1\n", encoding="utf-16")  # with its byte order mark
    assert [t.url for t in read_inputs([str(path)]).targets] == ["https://a.example/1"]


def test_a_google_ads_export_final_url_suffix_is_part_of_the_link(tmp_path):
    """Google Ads appends the Final URL suffix to the final URL (after `&` when it has a
    query, else `?`, before any fragment): that is the URL a click lands on."""
    csv = tmp_path / "ads.csv"
    csv.write_text(
        "Campaign,Final URL,Final URL suffix\n"
        "Spring,https://shop.example/lp/,utm_source=google&gclid=1\n"
        "Spring,https://shop.example/lp/?v=2#top,?utm_source=google\n"
        "Spring,https://shop.example/plain/,\n"
    )
    out = read_inputs([str(csv)])
    assert [t.url for t in out.targets] == [
        "https://shop.example/lp/?utm_source=google&gclid=1",
        "https://shop.example/lp/?v=2&utm_source=google#top",
        "https://shop.example/plain/",
    ]


@pytest.mark.parametrize(
    "header",
    [
        "final_url,final_url_suffix,must_arrive,expected_landing,expected_channel",
        "FINAL URL,FINAL URL SUFFIX,Must arrive,Expected landing,Expected channel",
        "Final-URL,Final URL Suffix,must-arrive,expected-landing,channel",
    ],
)
def test_columns_are_read_whatever_their_case_spaces_or_underscores(tmp_path, header):
    csv = tmp_path / "links.csv"
    csv.write_text(f"{header}\nhttps://shop.example/lp/,gclid=1,gclid,/lp/*,Paid Search\n")
    [target] = read_inputs([str(csv)]).targets
    assert target.url == "https://shop.example/lp/?gclid=1"
    assert (target.must_arrive, target.expected_landing, target.expected_channel) == (
        ["gclid"],
        "/lp/*",
        "Paid Search",
    )


def test_the_columns_read_are_the_ones_documented():
    """README.md ("Campaign links") lists every column tagaudit reads, under every name."""
    from pathlib import Path

    from tagaudit.links import inputs

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    columns = (
        inputs.URL_COLUMNS,
        inputs.SUFFIX_COLUMNS,
        inputs.EXPECT_COLUMNS,
        inputs.MUST_ARRIVE_COLUMNS,
        inputs.CHANNEL_COLUMNS,
    )
    for names in columns:
        for name in names:
            assert f"`{name}`" in readme, name
