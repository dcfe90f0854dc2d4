"""Request middleware of the portal: intranet-wide login, the user's language and the
security headers."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils import translation


class IntranetLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a logged-in user, as on any intranet.

    Two kinds of requests are let through to answer for themselves: the public paths of
    ``PORTAL_PUBLIC_PATH_PREFIXES`` (health check, static assets) and API views, which
    authenticate sessions *and tokens* themselves and answer 401/403 as JSON rather than
    redirecting a script to a login form. A third goes on as a person: a feed reader's
    GET of a personal feed link, with that person's valid feed token.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any(request.path.startswith(p) for p in settings.PORTAL_PUBLIC_PATH_PREFIXES):
            return None
        if is_api_view(view_func):
            return None
        feed_reader = _token_feed_reader(request)
        if feed_reader is not None:
            # The request goes on as that person: it sees exactly what they would see.
            request.user = feed_reader
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def _token_feed_reader(request):
    """The person a feed reader's request reads as: a GET of a feed URL carrying the
    valid feed token of an active person (portal.accounts.feed_tokens), else ``None``.
    Never for another method or URL, and never instead of a logged-in session."""
    from portal.accounts import feed_tokens

    if request.method not in ("GET", "HEAD") or not feed_tokens.is_feed_path(request.path):
        return None
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return None
    return feed_tokens.reader_for(request.GET.get(feed_tokens.TOKEN_PARAMETER, ""))


def is_api_view(view_func) -> bool:
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


def is_admin_request(request) -> bool:
    """A page of the admin, or a page rendered for its preview (Wagtail runs a dummy
    request through the middleware, with the page's own path, for the preview frame)."""
    if getattr(request, "is_dummy", False):
        return True
    return request.path_info.startswith(tuple(settings.PORTAL_ADMIN_PATH_PREFIXES))


class SecurityHeadersMiddleware:
    """Headers Django does not set: Permissions-Policy everywhere, and same-origin framing
    for the admin only (Wagtail's live preview frames the admin's own preview pages);
    every other page keeps X_FRAME_OPTIONS (DENY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PORTAL_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PORTAL_PERMISSIONS_POLICY)
        if is_admin_request(request):
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy under the admin's paths
    (PORTAL_ADMIN_CONTENT_SECURITY_POLICY) unless a view chose its policy itself."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and is_admin_request(request):
            parts.config = default_config(settings.PORTAL_ADMIN_CONTENT_SECURITY_POLICY)
        return parts
