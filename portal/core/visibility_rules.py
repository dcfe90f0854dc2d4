"""Visibility rules for the core's own models: Wagtail pages and people."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

from portal import visibility

_BLOCKED_CACHE_ATTR = f"{visibility.USER_CACHE_PREFIX}blocked_page_paths"


def _blocked_paths(user) -> list[str]:
    """Tree paths of the page restrictions this user does not pass (once per user object).

    A password restriction can only be passed in the browser session, so listings and the
    API treat it as closed; a group restriction is passed by members of one of its groups.
    """
    cached = getattr(user, _BLOCKED_CACHE_ATTR, None)
    if cached is not None:
        return cached
    user_groups = set(user.groups.values_list("pk", flat=True))
    blocked = []
    for restriction in PageViewRestriction.objects.select_related("page").prefetch_related(
        "groups"
    ):
        if restriction.restriction_type == PageViewRestriction.LOGIN:
            continue
        if restriction.restriction_type == PageViewRestriction.GROUPS and user_groups & {
            group.pk for group in restriction.groups.all()
        }:
            continue
        blocked.append(restriction.page.path)
    setattr(user, _BLOCKED_CACHE_ATTR, blocked)
    return blocked


def filter_pages(user, queryset):
    queryset = queryset.filter(live=True)
    blocked = _blocked_paths(user)
    if blocked:
        condition = Q()
        for path in blocked:
            condition |= Q(path__startswith=path)
        queryset = queryset.exclude(condition)
    return queryset


def can_view_page(user, page) -> bool:
    if not page.live:
        return False
    return not any(page.path.startswith(path) for path in _blocked_paths(user))


def page_tokens(page) -> set[str]:
    restricted = PageViewRestriction.objects.filter(
        page__path__in=[page.path[:i] for i in range(4, len(page.path) + 1, 4)]
    ).exclude(restriction_type=PageViewRestriction.LOGIN)
    if not page.live or restricted.exists():
        return set()
    return {visibility.EVERYONE}


def filter_people(user, queryset):
    return queryset.filter(is_active=True)


def can_view_person(user, person) -> bool:
    return person.is_active


def register_core_rules() -> None:
    visibility.register(
        Page, visibility.Rule(can_view=can_view_page, filter=filter_pages, tokens=page_tokens)
    )
    visibility.register(
        get_user_model(),
        visibility.Rule(
            can_view=can_view_person,
            filter=filter_people,
            tokens=lambda person: {visibility.EVERYONE} if person.is_active else set(),
        ),
    )
