"""``{% load feed_link_tags %}{% personal_feed_url path %}``: the absolute URL of a feed
carrying the person's own feed token, for a feed reader (see
:mod:`portal.accounts.feed_tokens`)."""

from __future__ import annotations

from django import template

from portal.accounts import feed_tokens

register = template.Library()


@register.simple_tag(takes_context=True)
def personal_feed_url(context, path: str) -> str:
    """``path`` (a feed URL of this site) as the logged-in person's personal feed link;
    ``path`` unchanged for anyone else."""
    request = context.get("request")
    if request is None or not getattr(request.user, "is_authenticated", False):
        return path
    return feed_tokens.personal_url(request, path)
