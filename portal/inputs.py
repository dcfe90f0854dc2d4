"""What any input to the portal may hold, checked in one place before a view runs.

Text with a NUL character or an unpaired surrogate can be neither stored (PostgreSQL
refuses NUL, UTF-8 cannot encode a surrogate) nor shown back. The API's parsers
(:mod:`portal.api.parsers`) check request bodies; :class:`RejectInvalidTextMiddleware`
checks every query string, and the form bodies of the HTML pages, so no form or filter of
the portal has to.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

#: The range of a 64-bit signed integer: the largest any database column of ours holds.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

#: The moments any input may name: a day inside ``datetime``'s range on each side, so that
#: converting to UTC (or to a person's time zone) and adding a day never overflow.
MIN_MOMENT = datetime(1, 1, 2, tzinfo=UTC)
MAX_MOMENT = datetime(9999, 12, 30, tzinfo=UTC)
MIN_DAY, MAX_DAY = MIN_MOMENT.date(), MAX_MOMENT.date()

OUT_OF_RANGE_DATE = _("Give a date between the years 1 and 9999.")

_INVALID_TEXT = re.compile("[\x00\ud800-\udfff]")

INVALID_PARAMETER = _("Remove the NUL character or unpaired surrogate from this value.")

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_invalid_text(text: str) -> bool:
    """Whether ``text`` holds a NUL character or an unpaired surrogate."""
    return _INVALID_TEXT.search(text) is not None


def moment_in_range(moment: datetime) -> bool:
    """Whether ``moment`` (naive ones are read as UTC, give or take the margin) stays a
    valid datetime once converted to any time zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return MIN_MOMENT.replace(tzinfo=None) <= moment <= MAX_MOMENT.replace(tzinfo=None)
    return MIN_MOMENT <= moment <= MAX_MOMENT


def validate_moment(value: datetime) -> None:
    """Django validator (forms, DRF) for :func:`moment_in_range`."""
    if not moment_in_range(value):
        raise ValidationError(OUT_OF_RANGE_DATE, code="date_range")


def validate_day(value: date) -> None:
    """Django validator for a day whose start, end and next day are valid datetimes."""
    if not MIN_DAY <= value <= MAX_DAY:
        raise ValidationError(OUT_OF_RANGE_DATE, code="date_range")


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
        from portal.middleware import is_api_view

        api = is_api_view(view_func)
        field = invalid_field(request.GET)
        if field is None and not api and request.content_type in FORM_CONTENT_TYPES:
            field = invalid_field(request.POST)
        if field is None:
            return None
        if api:
            from portal.api.errors import validation_error_response

            return validation_error_response({field: [str(INVALID_PARAMETER)]})
        return render(request, "400.html", {"field": field}, status=400)
