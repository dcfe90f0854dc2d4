"""Bookmark services: the views, the API and the home panel all go through these."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from plugins.bookmarks.models import Bookmark
from portal import visibility
from portal.lookups import NOT_FOUND, visible_or_none
from portal.plugins import is_bookmarkable


class BookmarkError(Exception):
    """A bookmark request that cannot be honoured; the message is for the user."""


def resolve_target(user, type_label: str, object_id) -> object:
    """Find the object ``app_label.model``/``object_id`` if it may be bookmarked (its
    plugin declares its kind bookmarkable) and ``user`` may see it.

    An unknown kind, a kind nobody may bookmark (a poll vote, a report), an object that
    does not exist and one the user may not see all give the same error, so a bookmark
    request never reveals what exists."""
    try:
        app_label, model_name = str(type_label).lower().split(".", 1)
        model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    except (ValueError, ContentType.DoesNotExist) as exc:
        raise BookmarkError(str(NOT_FOUND)) from exc
    target = visible_or_none(user, model, object_id) if is_bookmarkable(model) else None
    if target is None:
        raise BookmarkError(str(NOT_FOUND))
    return target


def _content_type(obj) -> ContentType:
    from wagtail.models import Page

    if isinstance(obj, Page):
        # A page is always saved under its specific type, however it was loaded.
        return ContentType.objects.get_for_id(obj.content_type_id)
    return ContentType.objects.get_for_model(obj, for_concrete_model=True)


def add_bookmark(user, obj, note: str = "") -> tuple[Bookmark, bool]:
    """Save ``obj`` for ``user``; returns the bookmark and whether it is new."""
    if not (is_bookmarkable(type(obj)) and visibility.can_view(user, obj)):
        raise BookmarkError(str(NOT_FOUND))
    content_type = _content_type(obj)
    try:
        with transaction.atomic():
            return Bookmark.objects.get_or_create(
                user=user,
                content_type=content_type,
                object_id=obj.pk,
                defaults={"note": note},
            )
    except IntegrityError:  # the same bookmark saved at the same moment elsewhere
        return Bookmark.objects.get(user=user, content_type=content_type, object_id=obj.pk), False


def remove_bookmark(user, obj) -> bool:
    """Forget ``obj`` for ``user``; returns whether there was a bookmark."""
    deleted, _rows = Bookmark.objects.filter(
        user=user, content_type=_content_type(obj), object_id=obj.pk
    ).delete()
    return bool(deleted)


def toggle_bookmark(user, obj) -> bool:
    """Bookmark ``obj`` or, if it already is, remove the bookmark. Returns the new state."""
    if remove_bookmark(user, obj):
        return False
    add_bookmark(user, obj)
    return True


def is_bookmarked(user, obj) -> bool:
    if not user.is_authenticated:
        return False
    return Bookmark.objects.filter(
        user=user, content_type=_content_type(obj), object_id=obj.pk
    ).exists()


def _page_model():
    from wagtail.models import Page

    return Page


def _is_page_model(model) -> bool:
    return model is not None and issubclass(model, _page_model())


def visible_bookmarks(user) -> QuerySet[Bookmark]:
    """The user's bookmarks whose targets they may still see and may still bookmark (a
    kind no longer declared bookmarkable drops out), newest first.

    Building it costs one query for pages (whatever their types) and one per other kind of
    object bookmarked; the listing itself is one more."""
    mine = Bookmark.objects.filter(user=user)
    condition = Q(pk__in=[])
    type_ids = set(mine.order_by().values_list("content_type", flat=True).distinct())
    page_types = []
    for type_id in type_ids:
        content_type = ContentType.objects.get_for_id(type_id)
        model = content_type.model_class()
        if _is_page_model(model):
            page_types.append(type_id)
        elif is_bookmarkable(model):
            visible = visibility.filter_visible(user, model._default_manager.all()).values("pk")
            condition |= Q(content_type=type_id, object_id__in=visible)
    if page_types and is_bookmarkable(_page_model()):
        pages = visibility.filter_visible(user, _page_model().objects.all()).values("pk")
        condition |= Q(content_type__in=page_types, object_id__in=pages)
    return mine.filter(condition).select_related("content_type")


def attach_targets(bookmarks) -> list[Bookmark]:
    """Load the targets of a page of bookmarks: one query for all pages, one per other
    kind of object."""
    bookmarks = list(bookmarks)
    groups: dict[object, list[Bookmark]] = {}
    for bookmark in bookmarks:
        model = bookmark.content_type.model_class()
        key = _page_model() if _is_page_model(model) else model
        groups.setdefault(key, []).append(bookmark)
    for model, items in groups.items():
        if model is None:
            continue
        targets = model._default_manager.in_bulk([b.object_id for b in items])
        for bookmark in items:
            bookmark.loaded_target = targets.get(bookmark.object_id)
    return [b for b in bookmarks if getattr(b, "loaded_target", None) is not None]


def describe(obj, request=None) -> dict:
    """Title, link and kind of a bookmarked object, for lists and the API."""
    if isinstance(obj, _page_model()):
        # Loaded as a plain Page for speed; the kind still names its specific type.
        kind = obj.specific_class._meta.verbose_name if obj.specific_class else ""
        return {"title": obj.title, "url": obj.get_url(request) or "", "kind": str(kind)}
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return {"title": str(obj), "url": url or "", "kind": str(obj._meta.verbose_name)}


def type_label(obj_or_ct) -> str:
    content_type = obj_or_ct if isinstance(obj_or_ct, ContentType) else _content_type(obj_or_ct)
    return f"{content_type.app_label}.{content_type.model}"
