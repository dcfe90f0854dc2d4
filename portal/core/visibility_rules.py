"""Visibility rules for the core's own models: Wagtail pages and people."""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

from portal import visibility


def _lineage(page) -> list[str]:
    """Tree paths of the page's ancestors and of the page itself, from the root down."""
    step = page.steplen
    return [page.path[:i] for i in range(step, len(page.path) + 1, step)]


def _blocked_paths(user) -> list[str]:
    """Tree paths of the page restrictions this user does not pass (remembered until their
    access or a page changes: see :mod:`portal.core.access`).

    Two kinds of restriction apply to a page and everything below it:

    * the portal's audiences (:class:`portal.core.models.PageAudience`): passed by holding
      one of the page's audience tokens;
    * Wagtail's view restrictions: a group restriction is passed by members of one of its
      groups; a password can only be given in the browser session, so listings, the API
      and search treat it as closed.
    """
    return visibility.remembered(user, "core:blocked_page_paths", _compute_blocked_paths)


def _compute_blocked_paths(user) -> list[str]:
    from portal.core.models import PageAudience

    tokens = visibility.tokens_for(user)
    audiences: dict[str, set[str]] = {}
    for path, token in PageAudience.objects.values_list("page__path", "token"):
        audiences.setdefault(path, set()).add(token)
    blocked = [path for path, allowed in audiences.items() if not allowed & tokens]
    # A page below an unpublished one (a lesson of a withdrawn course) is withdrawn too.
    blocked += Page.objects.filter(live=False, numchild__gt=0, depth__gt=1).values_list(
        "path", flat=True
    )

    user_groups = set(user.groups.values_list("pk", flat=True))
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
    return blocked


def restriction_key(user) -> str:
    """A short name for the page restrictions ``user`` does not pass: people with the same
    key see the same pages (listings shared between them can be cached under it)."""
    blocked = "\n".join(sorted(_blocked_paths(user)))
    return hashlib.sha256(blocked.encode()).hexdigest()[:16]


def audience_allows(user, page) -> bool:
    """Whether the portal's audiences let ``user`` see ``page``, and no ancestor is
    unpublished (Wagtail's own view restrictions aside: page serving checks those itself,
    with its password form)."""
    from portal.core.models import PageAudience

    lineage = _lineage(page)
    if Page.objects.filter(path__in=lineage[1:-1], live=False).exists():
        return False
    rows = PageAudience.objects.filter(page__path__in=lineage).values_list("page__path", "token")
    by_path: dict[str, set[str]] = {}
    for path, token in rows:
        by_path.setdefault(path, set()).add(token)
    tokens = visibility.tokens_for(user)
    return all(allowed & tokens for allowed in by_path.values())


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
    """Who may see a page, as audience tokens for the search index: the tokens of the
    nearest restricted ancestor (or the page itself) that also pass every restricted level
    above it, "all" otherwise, nobody for drafts,
    pages below an unpublished page (like :func:`filter_pages`) and pages behind a Wagtail
    view restriction."""
    from portal.core.models import PageAudience

    if not page.live:
        return set()
    lineage = _lineage(page)
    if Page.objects.filter(path__in=lineage[1:-1], live=False).exists():
        return set()
    if (
        PageViewRestriction.objects.filter(page__path__in=lineage)
        .exclude(restriction_type=PageViewRestriction.LOGIN)
        .exists()
    ):
        return set()
    rows = list(
        PageAudience.objects.filter(page__path__in=lineage).values_list("page__path", "token")
    )
    if not rows:
        return {visibility.EVERYONE}
    levels: dict[str, set[str]] = {}
    for path, token in rows:
        levels.setdefault(path, set()).add(token)
    nearest = levels.pop(max(levels))
    if not levels:
        return nearest
    # Every restricted level must be passed (as in audience_allows): a token of the
    # nearest level is kept only if holding it alone passes the levels above too (the
    # same token, or a department inside one of theirs).
    lineages = _department_lineages(nearest)
    return {
        token
        for token in nearest
        if all(token in level or lineages.get(token, set()) & level for level in levels.values())
    }


def _department_lineages(tokens) -> dict[str, set[str]]:
    """``{"dept:9": {"dept:1", "dept:4", "dept:9"}}`` for the department tokens given: the
    tokens every member of that department holds."""
    from portal.accounts.models import Department

    ids = [int(t.split(":", 1)[1]) for t in tokens if t.startswith("dept:") and t[5:].isdigit()]
    return {
        visibility.department_token(department.pk): {
            visibility.department_token(pk) for pk in department.lineage_ids()
        }
        for department in Department.objects.filter(pk__in=ids)
    }


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


def _own_summary(user, summary) -> bool:
    return visibility.is_active_user(user) and summary.recipient_id == user.pk


def _own_summaries(user, queryset):
    if not visibility.is_active_user(user):
        return queryset.none()
    return queryset.filter(recipient_id=user.pk)


def register_modeoff_rules() -> None:
    """A mode off summary is its recipient's alone."""
    from portal.core.models import ModeOffSummary

    visibility.register(
        ModeOffSummary,
        visibility.Rule(
            can_view=_own_summary,
            filter=_own_summaries,
            tokens=lambda summary: {visibility.user_token(summary.recipient_id)},
        ),
    )
