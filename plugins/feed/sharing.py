"""Shares: a post that links an object (a news article, a course, a session...).

What may be shared is what :mod:`portal.interactions` declares ``shareable``, and only by
someone the visibility policy lets see it. A share's card shows the object's preview
(:func:`portal.interactions.preview_of`) only to the viewers who may see the object
themselves; everyone else sees the sharer's comment and a neutral placeholder, with no
title, URL, id or kind: the same placeholder as for an object deleted or unpublished
since, so the card tells an outsider nothing the object's audience would not.

* ``target(user, obj)`` -- the object a share of ``obj`` links (the original object of
  a share that is shared again), or ``Http404(NOT_FOUND)``;
* ``lookup(user, prefix, pk)`` -- the object ``/api/<prefix>/<pk>/`` names, for sharing;
* ``attach(posts, user)`` -- ``post.shared_preview`` on the shares of a page of posts,
  one query per kind of object shared (none for a page without shares).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.models import Page

from plugins.feed.models import Post
from portal import interactions, visibility
from portal.lookups import NOT_FOUND, parse_id

#: The API prefix of a share that is shared again (its object is what is shared).
POSTS = "posts"


def prefixes() -> list[str]:
    """The API prefixes one may share from: each shareable declaration's, and ``posts``
    (a share, whose object is shared again)."""
    found = {d.api_prefix for d in interactions.shareable() if d.api_prefix}
    return sorted(found | {POSTS})


def shared_object(post: Post):
    """The object ``post`` links, whatever its visibility (the caller checks it), or
    ``None``: not a share, deleted since, or no longer shareable."""
    if post.kind != Post.SHARE or not post.shared_type_id or not post.shared_id:
        return None
    declaration = interactions.for_content_type(post.shared_type_id)
    if declaration is None or not declaration.shareable:
        return None
    return declaration.model._default_manager.filter(pk=post.shared_id).first()


def _specific(obj):
    return obj.specific if isinstance(obj, Page) else obj


def target(user, obj):
    """What sharing ``obj`` links: ``obj`` itself, or the object of a share; ``Http404``
    with :data:`NOT_FOUND` unless ``user`` may see it and its model is shareable (the
    answer for a missing object)."""
    if obj is None:
        raise Http404(NOT_FOUND)
    obj = _specific(obj)
    if isinstance(obj, Post) and obj.kind == Post.SHARE:
        if not visibility.can_view(user, obj):
            raise Http404(NOT_FOUND)
        obj = shared_object(obj)
        if obj is None:
            raise Http404(NOT_FOUND)
    declaration = interactions.declaration_for(type(obj))
    if declaration is None or not declaration.shareable or not visibility.can_view(user, obj):
        raise Http404(NOT_FOUND)
    return obj


def lookup(user, prefix: str, pk) -> object:
    """The object to share that ``prefix`` and ``pk`` name (see :func:`target`)."""
    number = parse_id(pk)
    if number is None or prefix not in prefixes():
        raise Http404(NOT_FOUND)
    if prefix == POSTS:
        obj = Post.objects.filter(pk=number).first()
    else:
        declarations = [d for d in interactions.shareable() if d.api_prefix == prefix]
        obj = interactions.lookup(prefix, number) if declarations else None
        # A model under the same prefix that is not shareable is no object to share.
        if obj is not None and interactions.declaration_for(type(obj)) not in declarations:
            obj = None
    return target(user, obj)


def link_of(obj) -> tuple[ContentType, int]:
    """The ``(shared_type, shared_id)`` of a share of ``obj``."""
    return ContentType.objects.get_for_model(obj), obj.pk


def _preview(declaration, obj) -> dict:
    preview = interactions.preview_of(obj) or {}
    return {
        "type": declaration.api_prefix,
        "id": obj.pk,
        "kind": str(preview.get("kind") or ""),
        "title": str(preview.get("title") or ""),
        "excerpt": str(preview.get("excerpt") or ""),
        "image": str(preview.get("image_url") or ""),
        "url": str(preview.get("url") or ""),
    }


def preview_for(user, obj) -> dict | None:
    """The preview of ``obj`` for ``user`` (``None`` unless they may see it)."""
    obj = _specific(obj)
    declaration = interactions.declaration_for(type(obj))
    if declaration is None or not declaration.shareable or not visibility.can_view(user, obj):
        return None
    return _preview(declaration, obj)


def attach(posts, user) -> list:
    """Set ``post.shared_preview`` on the shares of ``posts`` (already visible to
    ``user``): the object's preview (``{"type", "id", "kind", "title", "excerpt",
    "image", "url"}``) when ``user`` may see the object, ``None`` otherwise (hidden,
    deleted, unpublished or no longer shareable alike). One query per kind of object
    shared on the page (two more for the images, if any), read through the policy."""
    shares = [post for post in posts if post.kind == Post.SHARE]
    if not shares:
        return posts
    wanted: dict[int, set[int]] = {}
    for post in shares:
        post.shared_preview = None
        if post.shared_type_id and post.shared_id:
            wanted.setdefault(post.shared_type_id, set()).add(post.shared_id)
    previews: dict[tuple[int, int], dict] = {}
    for type_id, ids in wanted.items():
        declaration = interactions.for_content_type(type_id)
        if declaration is None or not declaration.shareable:
            continue
        objects = declaration.model._default_manager.filter(pk__in=sorted(ids))
        for obj in visibility.filter_visible(user, interactions.preview_queryset(objects)):
            previews[(type_id, obj.pk)] = _preview(declaration, obj)
    for post in shares:
        post.shared_preview = previews.get((post.shared_type_id, post.shared_id))
    return posts
