"""Full-text search over everything the searcher may see (issue 6 builds it out)."""
