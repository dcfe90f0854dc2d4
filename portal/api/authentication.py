"""API authentication that also applies the user's interface language.

Middleware runs before DRF authenticates a token, so the language saved on the profile
is activated here, once the user is known."""

from django.utils import translation
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication


class UserLanguageMixin:
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            language = getattr(result[0], "preferred_language", "")
            if language:
                translation.activate(language)
                request._request.LANGUAGE_CODE = language
        return result


class TokenAuthentication(UserLanguageMixin, authentication.TokenAuthentication):
    pass


class SessionAuthentication(UserLanguageMixin, authentication.SessionAuthentication):
    pass


class PortalSessionScheme(SessionScheme):
    """Describe our session authentication in the OpenAPI schema like DRF's own."""

    target_class = "portal.api.authentication.SessionAuthentication"
