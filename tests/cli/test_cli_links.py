"""`tagaudit links` end to end (HTTP only): exit codes, bad input lines, the JSON report."""

from __future__ import annotations

import json

from tagaudit.cli import main
from tests.support.redirect_server import CAMPAIGN

FAST = ["--no-browser", "--timeout", "2", "--retries", "0"]


def test_findings_fail_the_run_and_land_in_json(routes, tmp_path, capsys):
    out = tmp_path / "r.json"
    code = main(["links", routes.url(f"/start?{CAMPAIGN}"), *FAST, "--json", str(out)])
    assert code == 1
    data = json.loads(out.read_text())
    (link,) = data["links"]
    assert [h["status"] for h in link["hops"]] == [301, 301, 200]
    assert link["ledger"][1]["dropped"] == ["utm_source", "utm_medium", "utm_campaign", "gclid"]
    messages = [f["message"] for f in data["findings"] if f["rule_id"] == "link-stripped-params"]
    assert messages == [
        "utm_source, utm_medium, utm_campaign, gclid dropped at hop 2"
        " (301 from /go/spring to /promo)"
    ]


def test_clean_link_exits_0(routes, capsys):
    url = routes.url("/s/301?utm_source=newsletter&utm_medium=email&utm_campaign=spring")
    assert main(["links", url, *FAST]) == 0
    assert main(["links", url, *FAST, "--fail-on", "info"]) == 1


def test_bad_inputs_are_one_line_each_and_the_rest_is_checked(routes, tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("# none\n")
    url = routes.url("/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring")
    code = main(["links", "ftp://x/y", str(empty), url, *FAST])
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "tagaudit: argument: 'ftp://x/y': unsupported scheme 'ftp' (only http and https)",
        f"tagaudit: {empty}: no links in this file",
    ]
    assert code == 0


def test_nothing_usable_exits_2(tmp_path, capsys):
    csv = tmp_path / "x.csv"
    csv.write_text("name\nfoo\n")
    assert main(["links", str(csv), "not a url", *FAST]) == 2
    err = capsys.readouterr().err
    assert "no URL column" in err and "no usable links" in err
    assert "Traceback" not in err


def test_csv_expectations_from_the_command_line(routes, tmp_path, capsys):
    csv = tmp_path / "ads.csv"
    csv.write_text(f"url,expected_landing\n{routes.url('/wrong?' + CAMPAIGN)},/promo\n")
    out = tmp_path / "r.json"
    assert main(["links", str(csv), *FAST, "--json", str(out)]) == 1
    data = json.loads(out.read_text())
    (mismatch,) = [f for f in data["findings"] if f["rule_id"] == "link-landing-mismatch"]
    assert mismatch["evidence"]["landed"] == routes.url(f"/home?{CAMPAIGN}")
    assert mismatch["evidence"]["link"] == routes.url(f"/wrong?{CAMPAIGN}")


def test_config_links_section(routes, tmp_path):
    config = tmp_path / "tagaudit.yaml"
    link = routes.url("/partial?utm_source=poster&utm_medium=qr&utm_campaign=c&ref_id=7")
    config.write_text(
        "links:\n"
        f"  targets: ['{link}']\n"
        "  extra_params: [ref_id]\n"
        "  sources: {social: [poster]}\n"
    )
    out = tmp_path / "r.json"
    assert main(["links", "-c", str(config), *FAST, "--json", str(out)]) == 1
    data = json.loads(out.read_text())
    assert data["links"][0]["ledger"][0]["dropped"] == ["utm_source", "utm_campaign", "ref_id"]
    channels = [f["message"] for f in data["findings"] if f["rule_id"] == "utm-channel"]
    assert channels == ["GA4 default channel: Organic Social"]


def test_unknown_config_setting_is_a_usage_error(tmp_path, capsys):
    config = tmp_path / "tagaudit.yaml"
    config.write_text("links:\n  hop_limit: 3\n")
    assert main(["links", "https://a.example/", "-c", str(config), *FAST]) == 2
    err = capsys.readouterr().err
    assert "tagaudit.yaml:2: links.hop_limit: unknown setting (known: targets, sources" in err


def test_auto_browser_that_cannot_start_falls_back_to_http(routes, tmp_path, capsys):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    url = routes.url("/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring")
    config = tmp_path / "tagaudit.yaml"
    config.write_text(f"browser: {{path: {fake}}}\n")
    args = ["links", url, "--timeout", "5"]
    assert main([*args, "-c", str(config)]) == 0
    assert "checking over HTTP only" in capsys.readouterr().err
    assert main([*args, "--browser", str(fake)]) == 3  # named on the command line: insisted on


def test_a_missing_rule_file_fails_before_any_link_is_followed(routes, tmp_path, capsys):
    url = routes.url("/landing?rules=missing")
    assert main(["links", url, *FAST, "--rules", str(tmp_path / "nope.yaml")]) == 2
    assert "rule file not found" in capsys.readouterr().err
    assert routes.hits["/landing?rules=missing"] == 0


def _chain_findings(out) -> list[str]:
    data = json.loads(out.read_text())
    return [f["message"] for f in data["findings"] if f["rule_id"] == "link-redirect-chain"]


def test_chain_budget_from_the_flag_and_from_tagaudit_yaml(routes, tmp_path, capsys):
    url = routes.url(f"/chain/4?{CAMPAIGN}")  # 4 redirects, then the landing
    out = tmp_path / "r.json"
    main(["links", url, *FAST, "--json", str(out)])
    assert len(_chain_findings(out)) == 1  # the built-in budget is 3
    main(["links", url, *FAST, "--json", str(out), "--chain-budget", "4"])
    assert _chain_findings(out) == []
    config = tmp_path / "tagaudit.yaml"
    config.write_text("args:\n  link-redirect-chain: {max_hops: 1}\n")
    main(["links", url, *FAST, "--json", str(out), "-c", str(config)])
    assert len(_chain_findings(out)) == 1
    main(["links", url, *FAST, "--json", str(out), "-c", str(config), "--chain-budget", "5"])
    assert _chain_findings(out) == []  # the flag wins over the file


def test_rule_args_in_tagaudit_yaml_are_checked_with_file_line_and_field(tmp_path, capsys):
    config = tmp_path / "tagaudit.yaml"
    cases = {
        "args:\n  link-redirect-chain: {max_hops: three}\n": (
            f"{config}:2: args.link-redirect-chain.max_hops: must be a whole number"
        ),
        "fail_on: error\nargs:\n  no-such-rule: {x: 1}\n": f"{config}:3: args.no-such-rule:",
        "args:\n  link-redirect-chain: {budget: 2}\n": (
            f"{config}:2: args.link-redirect-chain.budget: unknown argument"
        ),
        "args: [1]\n": f"{config}:1: args: must map rule ids",
        "args:\n  link-redirect-chain: 3\n": f"{config}:2: args.link-redirect-chain: must be a map",
    }
    for text, start in cases.items():
        config.write_text(text)
        assert main(["links", "https://shop.example/", *FAST, "-c", str(config)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"tagaudit: {start}"), err
        assert len(err.splitlines()) == 1


def test_negative_chain_budget_is_a_usage_error(capsys):
    assert main(["links", "https://shop.example/", *FAST, "--chain-budget", "-1"]) == 2
    assert "--chain-budget: max_hops: must be 0 or more" in capsys.readouterr().err


def test_a_binary_or_missing_list_is_one_line_each_and_exit_2(tmp_path, capsys):
    """Someone passed the browser instead of the list: one line, not one per line of it."""
    binary = tmp_path / "chromium"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 64)
    missing = tmp_path / "links.csv"
    assert main(["links", str(binary), str(missing), *FAST]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"tagaudit: {binary} is not a text file of URLs",
        f"tagaudit: {missing}: no such file",
        "tagaudit: no usable links: give URLs, a .txt list or a .csv with a URL column",
    ]


def test_the_run_collects_garbage_less_often_and_gives_the_thresholds_back(routes, monkeypatch):
    import gc

    from tagaudit.cli import links as links_cli
    from tagaudit.runner.run import Run

    seen: list[tuple[int, ...]] = []
    real_run = Run.run
    monkeypatch.setattr(Run, "run", lambda self: seen.append(gc.get_threshold()) or real_run(self))
    before = gc.get_threshold()
    url = routes.url("/s/301?utm_source=newsletter&utm_medium=email&utm_campaign=spring")
    assert main(["links", url, *FAST]) == 0
    assert seen == [links_cli.RUN_GC_THRESHOLDS]  # while the links were followed
    assert gc.get_threshold() == before
