"""YAML that would expand without end is refused at once: one line with file and line, exit 2.

Before: an alias bomb in tagaudit.yaml (ten aliases of ten aliases, nine levels) grew the
process to 4.7 GB and did not end.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tagaudit.cli import main

pytestmark = pytest.mark.timing


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    return "\n".join(lines) + "\n"


BOMB = _alias_bomb()
CASES = {
    "config": ("audit", "-c", "tagaudit.yaml", "pages: [https://example.com/]\nexpect: *a9\n"),
    "rules": ("audit", "--rules", "rules.yaml", "rules: *a9\n"),
}


@pytest.mark.parametrize("where", list(CASES))
def test_an_alias_bomb_is_one_line_and_exit_2(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command, flag, name, tail = CASES[where]
    path = tmp_path / name
    path.write_text(BOMB + tail, encoding="utf-8")
    args = [command, flag, str(path)] + (["https://example.com/"] if where == "rules" else [])
    began = time.process_time()  # the work, whatever else the machine is doing
    assert main(args) == 2
    assert time.process_time() - began < 5
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert f"{path}:" in err and "alias bomb" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("pages: &p [*p]\n", "alias inside its own anchor"),
        ("pages: " + "[" * 20000 + "]" * 20000 + "\n", "nested too deeply"),
    ],
    ids=["self-reference", "deep-nesting"],
)
def test_recursive_or_bottomless_yaml_is_refused(
    text: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["audit", "-c", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err, err


def test_anchors_used_as_intended_still_work(tmp_path: Path) -> None:
    """A config that shares a list through an anchor loads as before."""
    from tagaudit.config import load_config

    path = tmp_path / "tagaudit.yaml"
    path.write_text(
        "pages: &shop [https://shop.example/, https://shop.example/cart/]\n"
        "links: {targets: *shop}\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.pages == ["https://shop.example/", "https://shop.example/cart/"]
