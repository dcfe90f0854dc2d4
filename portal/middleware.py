"""Request middleware of the portal: intranet-wide login and the user's language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils import translation


class IntranetLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a logged-in user, as on any intranet.

    Two kinds of requests are let through to answer for themselves: the public paths of
    ``PORTAL_PUBLIC_PATH_PREFIXES`` (health check, static assets) and API views, which
    authenticate sessions *and tokens* themselves and answer 401/403 as JSON rather than
    redirecting a script to a login form.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any(request.path.startswith(p) for p in settings.PORTAL_PUBLIC_PATH_PREFIXES):
            return None
        if _is_api_view(view_func):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def _is_api_view(view_func) -> bool:
    from rest_framework.views import APIView

    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class UserLanguageMiddleware:
    """Use the language saved in the user's profile; otherwise LocaleMiddleware's choice
    (language cookie, then the browser's Accept-Language) stands."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "") if user is not None else ""
        if user is not None and user.is_authenticated and language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
