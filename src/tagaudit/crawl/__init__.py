"""Which pages an audit visits: the frontier (deduplicated, same-site, bounded by depth and
count). Plain data, no browser: the runner drives it. Imports only the model."""
