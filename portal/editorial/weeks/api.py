"""REST API of Themed weeks, mounted under /api/ by portal.api.urls."""


def register_api(router) -> None:
    """Register this area's viewsets on the portal's router."""
