"""Fields and helpers for what clients send the API, bounded to what the database holds.

DRF's ``IntegerField`` takes any integer: one beyond 64 bits then reaches the database,
which fails (``OverflowError`` on SQLite, ``DataError`` on PostgreSQL) instead of
answering 400. Its ``DateTimeField`` takes year 1 in a time zone east of UTC, which
overflows once converted to UTC. Use :class:`IntegerField`, :class:`DateTimeField` and
:class:`DateField` for what a client sends (in a body, a list, the query string); model
integer fields mapped by ``ModelSerializer`` already carry the column's range.
"""

from __future__ import annotations

from rest_framework import exceptions, serializers

from portal.inputs import INT64_MAX, INT64_MIN, validate_day, validate_moment

#: An object id in a URL: digits only, and few enough that every one fits a 64-bit column
#: (18 digits: ids far beyond any table's). The router gives it to every viewset that sets
#: no ``lookup_value_regex`` of its own; anything else in the path is a 404.
ID_REGEX = r"[0-9]{1,18}"


class IntegerField(serializers.IntegerField):
    """An integer within a 64-bit column's range unless narrower bounds are given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", INT64_MIN)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(**kwargs)


class DateTimeField(serializers.DateTimeField):
    """A moment that stays valid once converted to UTC or any time zone (DRF's own field
    takes year 1 in Paris, which the database cannot store)."""

    default_validators = [validate_moment]


class DateField(serializers.DateField):
    """A day whose start, end and next day are valid datetimes (9999-12-31 is not)."""

    default_validators = [validate_day]


def query_int(request, name: str, *, min_value: int = INT64_MIN, max_value: int = INT64_MAX):
    """The query parameter ``name`` as an integer within bounds, ``None`` when absent or
    empty; a 400 naming the parameter otherwise."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    field = IntegerField(min_value=min_value, max_value=max_value)
    try:
        return field.run_validation(value)
    except exceptions.ValidationError as error:
        raise exceptions.ValidationError({name: error.detail}) from None
