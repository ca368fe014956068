"""Link inputs: URLs, .txt lists, .csv exports, and one line per bad input."""

from __future__ import annotations

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
    assert got.problems[2].startswith(f"{tmp_path / 'missing.txt'}: cannot read")


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
