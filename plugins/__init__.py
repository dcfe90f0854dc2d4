"""Social and collaboration features, one Django app each (see portal.plugins)."""
