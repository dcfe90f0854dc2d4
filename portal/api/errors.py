"""One error body for the whole API.

Every error answers with the same shape, whatever raised it::

    {"status": 400, "code": "invalid", "detail": "Invalid input.",
     "errors": {"field": ["This field is required."]}}

``errors`` appears for validation errors only and maps field names (or
``non_field_errors``) to messages.

Input that validation let through and the database then refused (a ``DataError``, an
``IntegrityError``, an ``OverflowError``, text that cannot be encoded) is the client's
400, not a server error; it is logged with its traceback, since it shows a validator
missing somewhere. Bodies over Django's limits answer 413 (too large) or 400 (too many
fields) with the same body.
"""

from __future__ import annotations

import logging

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from portal.api.parsers import PayloadTooLarge, TooManyFields

logger = logging.getLogger(__name__)


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        flat = []
        for item in detail:
            value = _flatten(item)
            if isinstance(value, list):
                flat.extend(value)
            else:
                flat.append(value)
        return flat
    return str(detail)


def _codes(detail):
    if isinstance(detail, dict):
        for value in detail.values():
            return _codes(value)
    if isinstance(detail, list) and detail:
        return _codes(detail[0])
    return getattr(detail, "code", None)


#: What the database (or its driver) raises for a value it cannot hold.
REFUSED_BY_DATABASE = (DataError, IntegrityError, OverflowError, UnicodeEncodeError)


def _refused_input(exc, context) -> exceptions.ValidationError:
    view = context.get("view")
    logger.error(
        "The database refused input that validation let through in %s",
        type(view).__name__ if view is not None else "an API view",
        exc_info=exc,
    )
    return exceptions.ValidationError(
        {"non_field_errors": [_("This input cannot be stored; check its values.")]},
        code="refused",
    )


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = TooManyFields()
    elif isinstance(exc, REFUSED_BY_DATABASE):
        exc = _refused_input(exc, context)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        # ObjectDoesNotExist: the row was deleted while the request ran (a post pinned as
        # it is deleted): the same answer as had it been gone before.
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # The service's reason ("Comments are closed here.") when it gave one: the caller
        # may see the object, so saying why they may not act on it leaks nothing.
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if not isinstance(detail, dict):
            detail = {"non_field_errors": detail}
        body = {
            "status": response.status_code,
            "code": "invalid",
            "detail": _("Invalid input."),
            "errors": _flatten(detail),
        }
    else:
        detail = getattr(exc, "detail", None)
        body = {
            "status": response.status_code,
            "code": _codes(detail) or getattr(exc, "default_code", "error"),
            "detail": _flatten(detail) if detail is not None else str(exc),
        }
    response.data = body
    return response


def validation_error_response(errors: dict[str, list[str]]) -> JsonResponse:
    """The API's 400 body for ``errors``, outside a DRF view (middleware)."""
    body = {
        "status": status.HTTP_400_BAD_REQUEST,
        "code": "invalid",
        "detail": _("Invalid input."),
        "errors": errors,
    }
    return JsonResponse(body, status=status.HTTP_400_BAD_REQUEST)


def json_error(status_code: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"status": status_code, "code": code, "detail": detail}, status=status_code)


class NotFoundView(APIView):
    """Answers every unknown path under /api/ with the API's own 404 body."""

    permission_classes = [AllowAny]
    schema = None

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound()

    post = put = patch = delete = get


api_not_found = NotFoundView.as_view()


def api_server_error(request):
    return json_error(
        status.HTTP_500_INTERNAL_SERVER_ERROR,
        "server_error",
        _("Something went wrong on our side; it has been logged."),
    )
