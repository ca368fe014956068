"""`--shard` shares journeys out like pages (DESIGN.md: pages, journeys and links)."""

from __future__ import annotations

from tagaudit.config import config_from_mapping
from tagaudit.crawl.shards import Shard
from tagaudit.runner.audit import AuditRun


def test_each_journey_runs_on_exactly_one_shard() -> None:
    names = ["checkout", "lead", "newsletter", "search", "account"]
    config = config_from_mapping(
        {
            "base_url": "https://shop.test",
            "journeys": [
                {"name": n, "start": f"/{n}/", "steps": [{"name": "go", "do": [{"goto": "/"}]}]}
                for n in names
            ],
        }
    )
    taken = [[j.name for j in AuditRun(None, config, shard=Shard(i, 2)).journeys] for i in (1, 2)]
    assert taken == [["checkout", "newsletter", "account"], ["lead", "search"]]
    assert [j.name for j in AuditRun(None, config).journeys] == names
    assert AuditRun(None, config).targets == []  # the base URL is no page when journeys run
