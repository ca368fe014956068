"""`--shard I/N`: every target in exactly one shard, balanced, and positions to merge back."""

from __future__ import annotations

import pytest

from tagaudit.crawl.shards import Shard, parse_shard, plan_id
from tagaudit.errors import UsageError


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7])
def test_shards_partition_the_plan_and_know_each_targets_place(count: int) -> None:
    plan = [f"https://shop.test/{i}" for i in range(23)]
    shards = [Shard(i, count) for i in range(1, count + 1)]
    parts = [shard.take(plan) for shard in shards]
    assert sorted(u for part in parts for u in part) == sorted(plan)
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    for shard, part in zip(shards, parts, strict=True):
        assert [plan[shard.position(j)] for j in range(len(part))] == part


@pytest.mark.parametrize(
    ("spec", "line"),
    [
        ("3/2", "--shard 3/2: the shard number must be between 1 and 2"),
        ("0/4", "--shard 0/4: the shard number must be between 1 and 4"),
        ("1/0", "--shard 1/0: the number of shards must be at least 1"),
        ("2 of 4", "--shard '2 of 4': write I/N, e.g. 2/4 for the second of four shards"),
    ],
)
def test_bad_specs_are_one_line(spec: str, line: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_shard(spec)
    assert caught.value.one_line() == line


def test_plan_ids_follow_the_list_and_its_order() -> None:
    assert parse_shard(" 2 / 4 ") == Shard(2, 4) and str(Shard(2, 4)) == "2/4"
    assert plan_id(["a", "b"]) == plan_id(["a", "b"]) != plan_id(["b", "a"])
