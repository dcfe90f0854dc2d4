"""/api/orgchart/: subtrees of the org chart."""


def register(router) -> None:
    """Register the org chart's viewsets."""
