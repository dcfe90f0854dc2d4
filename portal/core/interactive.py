"""Pages people comment on and react to: news, courses, lessons, wellness sessions, themed
weeks (each editorial app declares its types with :func:`declare_page` when it is ready).

A declared page type mixes :class:`portal.core.models.CommentablePage` in (its editors
close the comments in the page's settings) and is declared in :mod:`portal.interactions`:

* whoever may see the page (:mod:`portal.visibility`: department audiences, Wagtail's
  view restrictions, the course of a lesson...) may comment and react while its comments
  are open;
* every page type shares the ``pages`` API prefix (``/api/pages/<page id>/comments/`` and
  ``.../reactions/``), page ids being looked up in Wagtail's ``Page``;
* the page's owner hears of comments and reactions (the person who last published it, or
  wrote its latest revision, when it has no owner);
* the people who may edit the page moderate its comments (Wagtail's page permissions).
"""

from __future__ import annotations

from wagtail.models import Page

from portal import interactions


def page_recipients(page) -> list:
    """The page's owner, else whoever last published it or wrote its latest revision."""
    if page.owner_id is not None:
        return [page.owner]
    for revision in (page.live_revision, page.latest_revision):
        if revision is not None and revision.user_id is not None:
            return [revision.user]
    return []


def page_moderates(user, page) -> bool:
    """People who may edit the page moderate its comments."""
    return page.permissions_for_user(user).can_edit()


def pages_moderated(user, queryset):
    """The pages of ``queryset`` that ``user`` may edit, in one query (as
    :func:`page_moderates` answers for one: a "change" permission on the page or above it,
    or an "add" permission there for the pages they own)."""
    from wagtail.permission_policies.pages import PagePermissionPolicy

    editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, {"change"})
    return queryset.filter(pk__in=editable.values("pk"))


def page_url(page) -> str:
    return page.get_url() or ""


def comments_open(page) -> bool:
    return bool(getattr(page, "comments_open", True))


def declare_page(model) -> interactions.Interactive:
    """Declare a page type (a :class:`~portal.core.models.CommentablePage`) commentable
    and reactable, under ``/api/pages/``."""
    return interactions.declare(
        model,
        comments=interactions.VIEWERS,
        reactions=True,
        is_open=comments_open,
        recipients=page_recipients,
        moderates=page_moderates,
        moderated=pages_moderated,
        api_prefix="pages",
        lookup_model=Page,
        shareable=True,
        url=page_url,
        title=lambda page: page.title,
    )
