"""What tests of several parts share: loopback servers and the sites and checkers they use.

    servers.py          start any server on 127.0.0.1 (a folder, a handler, a route table)
    redirect_server.py  the link follower's route table of redirect scenarios
    consent_sites.py    the consent fixture sites, npm banners beside them
    shop_site.py        a generated shop for crawl control and shards
    github_sarif.py     GitHub code scanning's SARIF constraints, as a checker

Tests import them as `tests.support.<module>` (pyproject's pytest `pythonpath = ["."]`);
nothing here edits `sys.path`.
"""
