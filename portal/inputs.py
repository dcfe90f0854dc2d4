"""What any input to the portal may hold, checked in one place before a view runs.

Text with a NUL character or an unpaired surrogate can be neither stored (PostgreSQL
refuses NUL, UTF-8 cannot encode a surrogate) nor shown back. The API's parsers
(:mod:`portal.api.parsers`) check request bodies; :class:`RejectInvalidTextMiddleware`
checks every query string, and the form bodies of the HTML pages, so no form or filter of
the portal has to.
"""

from __future__ import annotations

import re

from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

#: The range of a 64-bit signed integer: the largest any database column of ours holds.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_INVALID_TEXT = re.compile("[\x00\ud800-\udfff]")

INVALID_PARAMETER = _("Remove the NUL character or unpaired surrogate from this value.")

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_invalid_text(text: str) -> bool:
    """Whether ``text`` holds a NUL character or an unpaired surrogate."""
    return _INVALID_TEXT.search(text) is not None


def invalid_field(data) -> str | None:
    """The first key of a ``QueryDict`` whose name or values hold invalid text; never the
    text itself (a key that is invalid is reported as ``non_field_errors``)."""
    for key, values in data.lists():
        if has_invalid_text(key):
            return "non_field_errors"
        if any(has_invalid_text(value) for value in values):
            return key
    return None


class RejectInvalidTextMiddleware:
    """Answer 400 to a query string, or a page's form, holding text that cannot be stored.

    API views get the API's JSON error body naming the parameter; their bodies are checked
    by the API's parsers, which also read JSON. Pages get the 400 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        from portal.middleware import _is_api_view

        api = _is_api_view(view_func)
        field = invalid_field(request.GET)
        if field is None and not api and request.content_type in FORM_CONTENT_TYPES:
            field = invalid_field(request.POST)
        if field is None:
            return None
        if api:
            from portal.api.errors import validation_error_response

            return validation_error_response({field: [str(INVALID_PARAMETER)]})
        return render(request, "400.html", {"field": field}, status=400)
