"""The API's router: DRF's, with numeric ids in detail routes."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from portal.api.fields import ID_REGEX


class PortalRouter(DefaultRouter):
    """Detail routes (``/api/posts/12/``, ``/api/posts/12/pin/``) match only ids that fit a
    column (:data:`portal.api.fields.ID_REGEX`) unless the viewset sets its own
    ``lookup_value_regex``: ``/api/posts/abc/`` or an id of thirty digits is the API's
    404 before any view runs, whatever the view does with its ``pk``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = ID_REGEX
