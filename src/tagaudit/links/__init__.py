"""The campaign link checker's HTTP side: follow links hop by hop, record every hop.

- inputs.py: URLs, .txt and .csv lists → LinkTargets, with the problems of bad inputs;
- follower.py: the hop-by-hop follower (httpx / aiohttp transports: transport.py,
  exchange.py), its pacing (pacing.py), outcomes (outcome.py) and meta refresh (meta.py);
- shards.py: many links over worker processes;
- navigator.py: the Protocol a browser implements to load landings, and merging what it saw;
- servers.py: who answered a hop; settings.py: LinkSettings (plain data).

The parameter ledger is vocabulary (tagaudit.model.params); judging links is the rules'
job (tagaudit.rules.links_assess, links_hygiene, links_channels). This package never imports
Playwright (STYLE.md arrows); the core run (tagaudit.runner.links) drives it.
"""
