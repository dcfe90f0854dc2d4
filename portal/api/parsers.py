"""The API's request parsers: JSON, urlencoded forms and multipart, each with the checks
every body gets before a serializer sees it.

- A JSON body is at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes (DRF reads JSON straight
  from the socket, past Django's own limit) and at most :data:`MAX_DEPTH` levels deep
  (deeper bodies used to end in a ``RecursionError``).
- No text anywhere in a body (values or keys) holds a NUL character or a lone surrogate:
  neither can be stored (PostgreSQL refuses NUL; UTF-8 cannot encode a surrogate) nor
  echoed back in an error message. The 400 names the top-level field that held it and
  never repeats the text.
- JSON numbers are limited to 64-bit integers and finite floats: nothing larger fits a
  database column, and parsing a number of thousands of digits is itself slow. The 400
  names the field.
"""

from __future__ import annotations

import codecs
import math

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status
from rest_framework.utils import json

from portal.inputs import INT64_MAX, INT64_MIN, has_invalid_text

#: Nesting levels a JSON body may have (an object inside a list inside an object is 3).
MAX_DEPTH = 32

#: The key of errors that belong to no field (the body itself, or a key that is invalid).
NON_FIELD = "non_field_errors"

INVALID_TEXT = _("Remove the NUL character or unpaired surrogate from this text.")
TOO_DEEP = _("The JSON body is nested more than %(max)d levels deep.")
TOO_LARGE_NUMBER = _("Give a number between %(min)d and %(max)d.")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


class TooManyFields(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The request has too many fields or files.")
    default_code = "too_many_fields"


class _OutOfRange:
    """Stands for a JSON number no column can hold, until :func:`check_body` names its
    field."""


OUT_OF_RANGE = _OutOfRange()


def _bounded_int(text: str):
    # Twenty characters hold every 64-bit integer and its sign: longer ones are refused
    # before int() spends time on them.
    if len(text.lstrip("-")) > 19:
        return OUT_OF_RANGE
    value = int(text)
    return value if INT64_MIN <= value <= INT64_MAX else OUT_OF_RANGE


def _finite_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else OUT_OF_RANGE


def check_body(data) -> None:
    """Refuse a parsed body that is too deep or holds invalid text, naming its field.

    Walks the data without recursion, so that no body can exhaust the stack here."""
    errors: dict[str, list[str]] = {}
    stack = [(data, 1, NON_FIELD)]
    while stack:
        value, depth, field = stack.pop()
        if depth > MAX_DEPTH:
            raise exceptions.ParseError(TOO_DEEP % {"max": MAX_DEPTH})
        if isinstance(value, str):
            if field not in errors and has_invalid_text(value):
                errors[field] = [str(INVALID_TEXT)]
        elif value is OUT_OF_RANGE:
            errors.setdefault(field, [str(TOO_LARGE_NUMBER % {"min": INT64_MIN, "max": INT64_MAX})])
        elif isinstance(value, dict):
            for key, item in value.items():
                key_field = key if depth == 1 else field
                if has_invalid_text(key):
                    errors.setdefault(NON_FIELD if depth == 1 else field, [str(INVALID_TEXT)])
                    continue
                stack.append((item, depth + 1, key_field))
        elif isinstance(value, list | tuple):
            stack.extend((item, depth + 1, field) for item in value)
    if errors:
        raise exceptions.ValidationError(errors)


def _check_querydict(data) -> None:
    check_body({key: data.getlist(key) for key in data})


def _max_body_size() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, bounded in size, depth and integers, and checked for text that
    cannot be stored."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)
        limit = _max_body_size()
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge()
        parse_constant = json.strict_constant if self.strict else None
        try:
            data = json.loads(
                codecs.decode(raw, encoding),
                parse_constant=parse_constant,
                parse_int=_bounded_int,
                parse_float=_finite_float,
            )
        except RecursionError:
            raise exceptions.ParseError(TOO_DEEP % {"max": MAX_DEPTH}) from None
        except ValueError as error:
            raise exceptions.ParseError(f"JSON parse error - {error}") from None
        check_body(data)
        return data


class FormParser(parsers.FormParser):
    """DRF's urlencoded-form parser, checked for text that cannot be stored."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check_querydict(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, checked for text that cannot be stored (file names are the
    upload service's concern)."""

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _check_querydict(result.data)
        return result


#: What every API view accepts; views that take files list the same three.
PARSER_CLASSES = [JSONParser, FormParser, MultiPartParser]
