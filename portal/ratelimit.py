"""Rate limits of the portal: one module for the API, the HTML pages and the admin's login.

Every write counts, on the shared cache, against a *scope* (``login``, ``post``,
``comment``...; ``write`` when a view names none) twice: once for the account and once
for the client's address. A scope's two rates live in ``PORTAL_RATE_LIMITS``; a request
over either answers 429 with ``Retry-After``.

- API views get :class:`WriteThrottle` from ``DEFAULT_THROTTLE_CLASSES``; a view (or an
  ``@action(throttle_scope=...)``) names its scope with ``throttle_scope``.
- HTML views are counted by :class:`RateLimitMiddleware` under ``write``; a view names
  another scope with the :func:`rate_limit` decorator (also for a Wagtail page's route)
  or a ``rate_limit_scope`` attribute on a class-based view, and views that are not ours
  are named in ``PORTAL_RATE_LIMIT_VIEWS``.

So a write added later is limited by default, under ``write``.

The client's address is ``REMOTE_ADDR`` unless that is one of ``PORTAL_TRUSTED_PROXIES``:
then ``X-Forwarded-For`` is read from the right, skipping trusted proxies, so a client
cannot choose its own address by sending the header.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger("portal.security")

#: The scope of a write whose view names none.
DEFAULT_SCOPE = "write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: Form or body fields naming the account of a request made before login.
ACCOUNT_FIELDS = ("username", "email")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- The client's address ----------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)
    except ValueError as error:
        raise ImproperlyConfigured(f"PORTAL_TRUSTED_PROXIES: {error}") from error


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client, believing ``X-Forwarded-For`` only from trusted proxies.

    The header is read from its right end (the hop the last trusted proxy saw) leftwards,
    as long as each hop is itself a trusted proxy; an unreadable entry stops the walk."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(settings.PORTAL_TRUSTED_PROXIES))
    address = _parse_ip(remote)
    if address is None or not any(address in network for network in networks):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        hop_address = _parse_ip(hop)
        if hop_address is None:
            break
        address = hop_address
        if not any(address in network for network in networks):
            break
    return str(address)


def address_key(request: HttpRequest) -> str:
    """The client's address as counted: an IPv6 client counts by its /64 network, which
    one machine can fill with addresses at will."""
    address = _parse_ip(client_ip(request))
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


# --- The account ---------------------------------------------------------------------------


def normalise_identifier(value: object) -> str:
    """An account name as typed (an email address), compared without case or spaces."""
    return str(value).strip().lower() if isinstance(value, str) else ""


def account_key(request: HttpRequest, data: object = None) -> str | None:
    """The account a request counts against: the logged-in person, or before login the
    account named in the form or body (a hash of it: keys name no one)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    if data is None:
        data = request.POST
    if not hasattr(data, "get"):
        return None
    for field in ACCOUNT_FIELDS:
        identifier = normalise_identifier(data.get(field))
        if identifier:
            return "name:" + hashlib.sha256(identifier.encode("utf-8", "replace")).hexdigest()
    return None


# --- Counting ------------------------------------------------------------------------------


def scope_rates(scope: str) -> tuple[str | None, str | None]:
    """The (per account, per address) rates of a scope; None means no limit on that key."""
    try:
        account_rate, address_rate = settings.PORTAL_RATE_LIMITS[scope]
    except KeyError as error:
        raise ImproperlyConfigured(f"No rate in PORTAL_RATE_LIMITS for scope {scope!r}") from error
    return account_rate, address_rate


def hit(request: HttpRequest, scope: str, account: str | None) -> int | None:
    """Count one request of ``scope`` for its account and its address.

    Returns None while both are within their rates, otherwise the seconds to wait."""
    account_rate, address_rate = scope_rates(scope)
    address = address_key(request)
    waits = []
    for kind, value, rate in (
        ("account", account, account_rate),
        ("address", address, address_rate),
    ):
        if value is None or rate is None:
            continue
        usage = get_usage(
            request,
            group=f"portal:{scope}:{kind}",
            key=lambda group, request, value=value: value,
            rate=rate,
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            waits.append(max(1, usage["time_left"]))
    if not waits:
        return None
    logger.warning(
        "Rate limit %s exceeded by %s from %s on %s %s",
        scope,
        account or "an anonymous client",
        address,
        request.method,
        request.path,
    )
    return max(waits)


# --- The API -------------------------------------------------------------------------------


class WriteThrottle(BaseThrottle):
    """The API's default throttle: every unsafe request counts against the view's
    ``throttle_scope`` (``write`` when it names none), by account and by address."""

    #: Reads are never counted (the API schema lists 429 on writes only).
    writes_only = True

    def allow_request(self, request, view) -> bool:
        self._wait = None
        if request.method in SAFE_METHODS:
            return True
        scope = getattr(view, "throttle_scope", None) or DEFAULT_SCOPE
        data = None if request.user.is_authenticated else request.data
        self._wait = hit(request, scope, account_key(request, data))
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait

    def get_ident(self, request) -> str:
        return address_key(request)


# --- HTML pages ----------------------------------------------------------------------------


def rate_limit(scope: str) -> Callable:
    """Count the writes of an HTML view (or of a Wagtail page's route, which the
    middleware only sees as Wagtail's ``serve``) against ``scope``; 429 beyond its rates.

    The request is the first argument that is one (page routes take the page first)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def limited(*args, **kwargs):
            request = next(arg for arg in args if isinstance(arg, HttpRequest))
            if request.method not in SAFE_METHODS:
                wait = hit(request, scope, account_key(request))
                if wait is not None:
                    return too_many_requests(request, wait)
            return view(*args, **kwargs)

        # The middleware leaves the view to count itself.
        limited.rate_limit_scope = scope
        limited.rate_limit_counts_itself = True
        return limited

    return decorator


def _dotted_name(view_func) -> Iterable[str]:
    for target in (getattr(view_func, "view_class", None), view_func):
        if target is not None and hasattr(target, "__qualname__"):
            yield f"{target.__module__}.{target.__qualname__}"


def view_scope(request: HttpRequest, view_func) -> str | None:
    """The scope of an HTML view's writes, or None for a view left alone (the admin's
    pages other than those named in ``PORTAL_RATE_LIMIT_VIEWS``)."""
    view_class = getattr(view_func, "view_class", None)
    for target in (view_func, view_class):
        scope = getattr(target, "rate_limit_scope", None)
        if scope:
            return scope
    for name in _dotted_name(view_func):
        if name in settings.PORTAL_RATE_LIMIT_VIEWS:
            return settings.PORTAL_RATE_LIMIT_VIEWS[name]
    if any(
        request.path.startswith(prefix) for prefix in settings.PORTAL_RATE_LIMIT_EXEMPT_PREFIXES
    ):
        return None
    return DEFAULT_SCOPE


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    """The 429 answer of an HTML view: a page, or the API's error body for scripts."""
    if wants_json(request):
        response = JsonResponse(
            {
                "status": 429,
                "code": "throttled",
                "detail": _("Too many requests. Try again in %(seconds)d seconds.")
                % {"seconds": wait},
            },
            status=429,
        )
    else:
        response = render(request, "429.html", {"retry_after": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


class RateLimitMiddleware:
    """Counts the writes of HTML views (API views count in their throttle, after they
    authenticated the token)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from portal.middleware import is_api_view

        if request.method in SAFE_METHODS or is_api_view(view_func):
            return None
        if getattr(view_func, "rate_limit_counts_itself", False):
            return None
        scope = view_scope(request, view_func)
        if scope is None:
            return None
        wait = hit(request, scope, account_key(request))
        if wait is None:
            return None
        return too_many_requests(request, wait)
