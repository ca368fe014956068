"""Placeholder: `tagaudit audit` is being written here (capture → decode → rules → reports)."""
