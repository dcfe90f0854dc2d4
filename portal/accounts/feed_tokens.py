"""Personal feed links: one secret per person for every feed a feed reader fetches on
their behalf (the news RSS and Atom feeds), since a feed reader has no session.

A feed link is the feed's URL with ``?token=<key>``. :class:`portal.middleware.
IntranetLoginRequiredMiddleware` lets a GET of a feed URL (:data:`FEED_PATH_SUFFIXES`)
through as the token's owner, and only with the valid token of an active person; the
feed then lists what that person may see (the one visibility policy), nothing more.
A wrong or missing token gets what any anonymous request gets: the login page.

The token is not the API token: it only opens feeds, and resetting it (a POST on
``account_feed_token_reset``) breaks the old links and nothing else.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.db import IntegrityError, transaction

from portal import links
from portal.accounts.models import FeedToken, new_feed_key

#: The paths that accept a feed token, by their ending: every personal feed uses one.
FEED_PATH_SUFFIXES = ("/feed/rss/", "/feed/atom/")
#: The query parameter carrying the token.
TOKEN_PARAMETER = "token"  # noqa: S105 - a parameter name, not a secret
#: Longest key looked up (``secrets.token_urlsafe(32)`` gives 43 characters).
MAX_KEY_LENGTH = 64


def is_feed_path(path: str) -> bool:
    return path.endswith(FEED_PATH_SUFFIXES)


def token_for(user) -> FeedToken:
    """``user``'s feed token, made on first use."""
    token = FeedToken.objects.filter(user=user).first()
    if token is not None:
        return token
    try:
        with transaction.atomic():
            return FeedToken.objects.create(user=user)
    except IntegrityError:  # made at the same moment by another request
        return FeedToken.objects.get(user=user)


def reset(user) -> FeedToken:
    """Give ``user`` a new feed token: links carrying the old one stop working."""
    with transaction.atomic():
        token, created = FeedToken.objects.select_for_update().get_or_create(user=user)
        if not created:
            token.key = new_feed_key()
            token.save(update_fields=["key"])
    return token


def reader_for(key) -> object | None:
    """The active person whose feed token is ``key``, or ``None``."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        return None
    token = FeedToken.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


def reader_of(request) -> object | None:
    """Who reads a feed: the logged-in person, or the owner of the feed token the
    request carries (``?token=``); ``None`` for nobody."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        return user
    return reader_for(request.GET.get(TOKEN_PARAMETER, ""))


def personal_url(request, path: str) -> str:
    """The absolute URL of the feed at ``path`` carrying ``request.user``'s token (made
    once per request however many links a page shows)."""
    key = getattr(request, "_portal_feed_key", None)
    if key is None:
        key = token_for(request.user).key
        request._portal_feed_key = key
    # On the portal's configured address: feed readers keep the link (portal.links).
    parts = urlsplit(links.absolute_url(path))
    query = "&".join(filter(None, [parts.query, urlencode({TOKEN_PARAMETER: key})]))
    return urlunsplit(parts._replace(query=query))
