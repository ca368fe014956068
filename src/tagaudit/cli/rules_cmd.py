"""Placeholder: this command module is being written; it registers its commands on `app`."""
