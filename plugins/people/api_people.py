"""/api/people/: the directory and profiles."""


def register(router) -> None:
    """Register the directory's viewsets."""
