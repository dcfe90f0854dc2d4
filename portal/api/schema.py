"""What the OpenAPI schema at /api/schema/ says beyond what drf-spectacular infers.

:class:`PortalAutoSchema` adds, to every operation, the error answers it can give, each with
the API's one error body (:mod:`portal.api.errors`): the rules follow what DRF and the
portal's handlers do, so that a client (or schemathesis, see tests/test_api_schema_fuzz.py)
can rely on the schema saying every status code it will meet.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


def only_portal_api(endpoints):
    """Keep the portal's REST API in the schema: not Wagtail's admin API, nor the pages API
    at /api/v2/, which Wagtail documents itself and which DRF's schema cannot describe."""
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if path.startswith("/api/") and not path.startswith("/api/v2/")
    ]


class ErrorSerializer(serializers.Serializer):
    """The body of every error of the API (see portal/api/errors.py)."""

    status = serializers.IntegerField(help_text=_("The HTTP status code, repeated."))
    code = serializers.CharField(help_text=_('A stable code: "invalid", "not_found"...'))
    detail = serializers.CharField(help_text=_("What went wrong, for people."))
    errors = serializers.DictField(
        required=False,
        child=serializers.JSONField(),
        help_text=_(
            "Validation errors only: each field (or non_field_errors) with its messages, "
            "nested for nested objects."
        ),
    )

    class Meta:
        ref_name = "Error"


#: Status code -> what it means, for every error an operation can be documented to give.
ERROR_DESCRIPTIONS = {
    400: _("Invalid input: errors names each wrong field."),
    401: _("Not authenticated, or the token is not valid."),
    403: _("Authenticated, but not allowed to do this."),
    404: _("No such object, or you may not see it (the same answer)."),
    409: _("The request conflicts with the object's state."),
    413: _("The request body is too large."),
    415: _("The request body's media type is not accepted here."),
    429: _("Too many requests: wait for the seconds in Retry-After."),
}

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def error_response(code: int, description: str | None = None) -> OpenApiResponse:
    """An error answer with the API's error body, for ``@extend_schema(responses=...)``
    where an operation gives an error the central rules below do not foresee."""
    return OpenApiResponse(ErrorSerializer, description=description or ERROR_DESCRIPTIONS[code])


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, with every operation's error answers.

    The rules, from what DRF and the portal do:

    * 400 for an operation with query parameters, and for writes (their body, or the
      state of the object: a service refuses with a ValidationError);
    * 401 everywhere: a bad token is refused even where no login is needed;
    * 403 for writes (permissions; CSRF for a browser's session, even where anyone may
      write, such as POST /api/auth/token/); reads that refuse
      some people say so with :func:`error_response` in their ``extend_schema``;
    * 404 for an operation with a path parameter, and for paginated lists (a page past
      the end);
    * 413 and 415 for an operation with a request body;
    * 429 for a throttled operation.
    """

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in sorted(self._error_codes(operation)):
            responses.setdefault(str(code), {"description": ERROR_DESCRIPTIONS[code]})
        # Every error answer has the error body, also those an operation declared itself
        # with a description only.
        error_body = {"application/json": {"schema": self._error_component().ref}}
        for code, response in responses.items():
            if code.startswith("4") and "content" not in response:
                response["content"] = error_body
        return operation

    def _get_pagination_parameters(self):
        # Only reads are paginated (a POST answering a list, such as the invitations an
        # invite created, takes no ?page=).
        if self.method != "GET":
            return []
        return super()._get_pagination_parameters()

    def _error_component(self):
        return self.resolve_serializer(ErrorSerializer, "response")

    def _error_codes(self, operation: dict) -> set[int]:
        codes = {401}
        has_body = "requestBody" in operation
        has_query = any(param["in"] == "query" for param in operation.get("parameters", []))
        if has_query or self.method in UNSAFE_METHODS:
            codes.add(400)
        if has_body:
            codes |= {413, 415}
        if self.method in UNSAFE_METHODS:
            codes.add(403)
        if "{" in self.path or self._is_paginated():
            codes.add(404)
        if self._is_throttled():
            codes.add(429)
        return codes

    def _is_throttled(self) -> bool:
        # A throttle that counts writes only (portal.ratelimit.WriteThrottle, the default)
        # never answers 429 to a read.
        return any(
            self.method in UNSAFE_METHODS or not getattr(throttle, "writes_only", False)
            for throttle in self.view.get_throttles()
        )

    def _is_paginated(self) -> bool:
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
