"""examples/github/tracking-shards.yml: four shard jobs and a merge job, linted by actionlint
as it is and against this repository's action.yml, and holding the shape the README promises."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.ci.test_action_yml import actionlint, lint_clean

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "github" / "tracking-shards.yml"


def test_the_sharded_example_lints_as_is_and_against_this_action(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    done = actionlint(tmp_path, EXAMPLE)
    assert done.returncode == 0, done.stdout
    (remote,) = re.findall(r"uses: ([\w-]+/tagaudit@[\w.-]+)", text)
    lint_clean(tmp_path / "local", {"tracking-shards.yml": text.replace(remote, "./")})


def test_four_shards_then_one_merge_that_decides() -> None:
    workflow = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    audit, merge = workflow["jobs"]["audit"], workflow["jobs"]["merge"]
    assert audit["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert audit["strategy"]["fail-fast"] is False
    (step,) = [s for s in audit["steps"] if "tagaudit/tagaudit@" in s.get("uses", "")]
    assert step["with"]["args"] == "--shard ${{ matrix.shard }}/4"
    assert step["with"]["fail-on"] == "never"
    assert "matrix.shard" in step["with"]["artifact-name"]  # unique per job
    assert merge["needs"] == "audit" and "cancelled()" in merge["if"]
    script = "\n".join(s.get("run", "") for s in merge["steps"])
    assert "tagaudit merge shards/*/tagaudit.json -c tagaudit.yaml" in script
    assert "--baseline baseline/tagaudit.json --fail-on-new" in script
