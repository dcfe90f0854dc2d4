"""How other plugins add to each post of the feed without a query per post.

The comments and reactions plugins (which declare ``feed`` as a dependency) register a
:class:`PostExtension`. For each page of posts the feed calls every extension's
``annotate(posts, user)`` once; it bulk-loads what it needs (a constant number of queries,
whatever the page size) and sets ``post.extras[key]`` to a JSON-serialisable dict. The
API returns ``extras`` as is; the post card renders each extension's ``template`` with
``post`` and ``data`` (= ``post.extras[key]``) in its context.

``activity(since)`` (optional) returns ``{post_id: interactions since that time}``, which
the "last 24 hours" view adds up to rank the most active posts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PostExtension:
    key: str
    annotate: Callable[[list, object], None]
    template: str = ""
    activity: Callable[[object], dict[int, int]] | None = None
    order: int = 100


_extensions: dict[str, PostExtension] = {}


def register(extension: PostExtension) -> None:
    _extensions[extension.key] = extension


def extensions() -> list[PostExtension]:
    """The registered extensions, of enabled plugins only, in order."""
    from django.apps import apps

    return sorted(
        (e for e in _extensions.values() if apps.is_installed(_module_app(e))),
        key=lambda e: (e.order, e.key),
    )


def _module_app(extension: PostExtension) -> str:
    module = extension.annotate.__module__
    return ".".join(module.split(".")[:2]) if module.startswith("plugins.") else module


def annotate(posts: list, user) -> list:
    """Run every extension over a page of posts (``post.extras`` is set on each)."""
    for post in posts:
        if not hasattr(post, "extras"):
            post.extras = {}
    if posts:
        for extension in extensions():
            extension.annotate(posts, user)
    return posts
