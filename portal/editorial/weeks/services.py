"""Themed-week services: the pages, the API, the admin and the home panel all go
through these."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.models import Page

from portal import approvals, files, interactions, visibility
from portal.core import localisation
from portal.editorial.weeks.models import Initiative, ThemedWeekIndexPage, ThemedWeekPage

#: Largest photo an employee may upload, in bytes.
MAX_PHOTO_SIZE = 5 * 1024 * 1024
#: Pillow format name -> file extension of the photos we accept.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
#: The permission of moderators (the Editor role).
MODERATE_PERMISSION = "weeks.change_initiative"

APPROVE, REJECT, FEATURE, UNFEATURE = "approve", "reject", "feature", "unfeature"
MODERATION_ACTIONS = (APPROVE, REJECT, FEATURE, UNFEATURE)
#: The decisions that approve (featuring shows the initiative to everyone too).
APPROVING_ACTIONS = (APPROVE, FEATURE)


def can_moderate(user) -> bool:
    """Whether ``user`` moderates initiatives (approve, reject, feature)."""
    return visibility.is_active_user(user) and user.has_perm(MODERATE_PERMISSION)


def may_approve(user, initiative: Initiative) -> bool:
    """Whether ``user`` is offered to approve or feature ``initiative``: a moderator,
    and not its author (unless self-approval is allowed, see portal/approvals.py)."""
    return can_moderate(user) and approvals.may_approve(user, initiative.author_id)


# --- Visibility of initiatives (registered with the one policy in signals.py) ---------


def filter_initiatives(user, queryset: QuerySet) -> QuerySet:
    """Initiatives of weeks the user may see: approved ones, the user's own and, for
    moderators, all of them."""
    weeks = visibility.filter_visible(user, ThemedWeekPage.objects.all())
    queryset = queryset.filter(week__in=weeks.values("pk"))
    if can_moderate(user):
        return queryset
    return queryset.filter(Q(status=Initiative.Status.APPROVED) | Q(author=user))


def can_view_initiative(user, initiative: Initiative) -> bool:
    if not visibility.can_view(user, initiative.week):
        return False
    return (
        initiative.status == Initiative.Status.APPROVED
        or initiative.author_id == user.pk
        or can_moderate(user)
    )


def initiative_tokens(initiative: Initiative) -> set[str]:
    """Who may see an initiative, for the search index (moderators aside)."""
    if initiative.status != Initiative.Status.APPROVED:
        return {visibility.user_token(initiative.author_id)}
    return visibility.tokens_for_object(initiative.week)


def initiative_open_to_comments(initiative: Initiative) -> bool:
    """An initiative takes comments once approved, and keeps them open after its week
    (colleagues still thank the author); a pending or rejected one takes none."""
    return initiative.status == Initiative.Status.APPROVED


def initiatives_moderated(user, queryset: QuerySet) -> QuerySet:
    """The initiatives whose comments ``user`` moderates: every one for their moderators."""
    return queryset if can_moderate(user) else queryset.none()


def register_visibility_rule() -> None:
    visibility.register(
        Initiative,
        visibility.Rule(
            can_view=can_view_initiative, filter=filter_initiatives, tokens=initiative_tokens
        ),
    )


# --- Weeks ------------------------------------------------------------------------------


def visible_weeks(user, parent: Page | None = None) -> QuerySet[ThemedWeekPage]:
    """The weeks ``user`` may see (below ``parent`` or one of its translations), the
    running ones first, then the latest first, each in the reader's language when
    translated into it (portal.core.localisation)."""
    today = timezone.localdate()
    queryset = ThemedWeekPage.objects.live()
    if parent is not None:
        queryset = localisation.below_any_version(queryset, parent, children_only=True)
    return (
        localisation.localized_visible(user, queryset)
        .annotate(
            running=Case(
                When(start_date__lte=today, end_date__gte=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("image")
        .order_by("-running", "-start_date", "pk")
    )


def current_week(user, today: datetime.date | None = None) -> ThemedWeekPage | None:
    """The week running ``today`` that ``user`` may see (the one started last when
    several overlap), in their language, or ``None``."""
    today = today or timezone.localdate()
    return (
        localisation.localized_visible(
            user,
            ThemedWeekPage.objects.live().filter(start_date__lte=today, end_date__gte=today),
        )
        .select_related("image")
        .order_by("-start_date", "end_date", "pk")
        .first()
    )


def visible_week_or_404(user, week_id) -> ThemedWeekPage:
    """The week ``week_id`` if ``user`` may see it; 404 otherwise, as if absent."""
    try:
        return visibility.filter_visible(user, ThemedWeekPage.objects.all()).get(pk=week_id)
    except (ThemedWeekPage.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def week_index(user) -> ThemedWeekIndexPage | None:
    """The themed weeks index, if it exists and ``user`` may see it, in their language."""
    indexes = localisation.localized_visible(user, ThemedWeekIndexPage.objects.all())
    return localisation.in_tree_order(indexes).first()


def linked_pages(user, week: ThemedWeekPage, request=None) -> list[dict]:
    """The news, sessions and courses linked to the week that ``user`` may see, in the
    editor's order, each in the reader's language when translated into it, as title, kind
    (the page type's name) and url. Two queries."""
    linked = list(week.items.values_list("page_id", "page__translation_key"))
    if not linked:
        return []
    versions = Page.objects.filter(translation_key__in={key for _pk, key in linked})
    pages = {page.translation_key: page for page in localisation.localized_visible(user, versions)}
    described = []
    for _page_id, key in linked:
        page = pages.get(key)
        if page is None:
            continue
        kind = page.specific_class._meta.verbose_name if page.specific_class else ""
        described.append(
            {"title": page.title, "kind": str(kind), "url": page.get_url(request) or ""}
        )
    return described


# --- Initiatives ------------------------------------------------------------------------


def week_initiatives(week: ThemedWeekPage) -> QuerySet[Initiative]:
    """The initiatives of ``week`` and of its translations: employees act for the week,
    whatever language they read it in (portal.core.localisation)."""
    return Initiative.objects.filter(week__translation_key=week.translation_key)


def visible_initiatives(user, week: ThemedWeekPage) -> QuerySet[Initiative]:
    """The initiatives of ``week`` that ``user`` may see: approved ones (featured first),
    the user's own pending or rejected ones and, for moderators, everything."""
    return (
        visibility.filter_visible(user, week_initiatives(week))
        .select_related("author")
        .order_by("-featured", "status", "-created_at", "-pk")
    )


def initiatives_for_page(user, week: ThemedWeekPage) -> list[Initiative]:
    """:func:`visible_initiatives` as the week page lists them: each knows its week (no
    query for its address) and carries what the enabled plugins say about it (its
    reactions, its comment count) for the whole list at once
    (:func:`portal.interactions.attach_summaries`)."""
    initiatives = list(visible_initiatives(user, week))
    for initiative in initiatives:
        initiative.week = week
    return interactions.attach_summaries(user, initiatives)


def visible_initiative_or_404(user, week: ThemedWeekPage, initiative_id) -> Initiative:
    """The initiative of ``week`` that ``user`` may see; 404 otherwise, as if absent."""
    initiative = (
        visibility.filter_visible(user, Initiative.objects.filter(week=week))
        .select_related("author")
        .filter(pk=initiative_id)
        .first()
    )
    if initiative is None:
        raise Http404
    initiative.week = week
    return initiative


def featured_initiatives(user, week: ThemedWeekPage, limit: int = 2) -> list[Initiative]:
    """A few approved, featured initiatives of ``week`` (for the home page)."""
    return list(
        visibility.filter_visible(
            user,
            week_initiatives(week).filter(featured=True, status=Initiative.Status.APPROVED),
        )
        .select_related("author")
        .order_by("-moderated_at", "-pk")[:limit]
    )


def validate_photo(photo) -> files.CleanImage:
    """Check an uploaded photo by its content, not its name: at most
    :data:`MAX_PHOTO_SIZE` bytes, and a JPEG, PNG or WebP image Pillow can read.

    Returns it re-encoded under a safe name (:func:`portal.files.clean_image`); raises
    ``ValidationError`` (whose messages name the photo) otherwise."""
    return files.clean_image(
        photo,
        formats=PHOTO_FORMATS,
        max_bytes=MAX_PHOTO_SIZE,
        invalid_message=_("The photo must be a JPEG, PNG or WebP image."),
        too_large_message=_("The photo is too large (%(size)s MB at most).")
        % {"size": MAX_PHOTO_SIZE // (1024 * 1024)},
    )


def closed_reason(week: ThemedWeekPage, today: datetime.date | None = None) -> str:
    """Why ``week`` takes no initiative ``today`` ("" while it runs): initiatives are
    shared from the week's first day to its last, not before, not after."""
    today = today or timezone.localdate()
    if week.is_over(today):
        return _("This week is over: it no longer takes initiatives.")
    if week.is_upcoming(today):
        return _("This week has not started yet: initiatives open on %(date)s.") % {
            "date": date_format(week.start_date, "DATE_FORMAT")
        }
    return ""


def check_open_for_initiatives(week: ThemedWeekPage) -> None:
    """Raise ``ValidationError`` naming the ``week`` when it takes no initiative today."""
    reason = closed_reason(week)
    if reason:
        raise ValidationError({"week": [reason]})


def submit_initiative(
    user, week: ThemedWeekPage, *, title: str, description: str = "", photo=None
) -> Initiative:
    """Record ``user``'s initiative for ``week``, waiting for moderation.

    Raises ``Http404`` when the user may not see the week and ``ValidationError`` (by
    field) for bad input, or (``week``) when the week is not running; in every case
    nothing is written, file included."""
    if not visibility.can_view(user, week):
        raise Http404
    check_open_for_initiatives(week)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give your initiative a title.")]
    if photo is not None:
        try:
            photo = validate_photo(photo)
        except ValidationError as error:
            errors["photo"] = error.messages
    if errors:
        raise ValidationError(errors)
    initiative = Initiative(week=week, author=user, title=title, description=description or "")
    initiative.full_clean(exclude=["photo", "week", "author"])
    if photo is not None:
        initiative.photo = photo
    try:
        with transaction.atomic():
            initiative.save()
    except Exception:
        if initiative.photo and initiative.photo.name:
            initiative.photo.storage.delete(initiative.photo.name)
        raise
    return initiative


def moderate_initiative(user, initiative: Initiative, action: str) -> Initiative:
    """Apply a moderator's decision: approve, reject, feature (approves too) or
    unfeature. Raises ``PermissionDenied`` for people who do not moderate, and
    :class:`portal.approvals.SelfApprovalRefused` when a moderator would approve or
    feature their own initiative (unless ``PORTAL_ALLOW_SELF_APPROVAL``)."""
    if not can_moderate(user):
        raise PermissionDenied
    if action not in MODERATION_ACTIONS:
        raise ValidationError(
            {"action": [_("Unknown action: choose approve, reject, feature or unfeature.")]}
        )
    if action in APPROVING_ACTIONS:
        approvals.check_may_approve(user, initiative.author_id)
    if action == APPROVE:
        initiative.status = Initiative.Status.APPROVED
    elif action == REJECT:
        initiative.status = Initiative.Status.REJECTED
        initiative.featured = False
    elif action == FEATURE:
        initiative.status = Initiative.Status.APPROVED
        initiative.featured = True
    else:
        initiative.featured = False
    initiative.moderated_by = user
    initiative.moderated_at = timezone.now()
    initiative.save(update_fields=["status", "featured", "moderated_by", "moderated_at"])
    return initiative


def pending_initiatives() -> QuerySet[Initiative]:
    """Initiatives waiting for a moderator, oldest first (the admin's queue)."""
    return (
        Initiative.objects.filter(status=Initiative.Status.SUBMITTED)
        .select_related("author", "week")
        .order_by("created_at", "pk")
    )


def photo_url(initiative: Initiative, week_url: str) -> str:
    """Where the photo is served, through the week page (which checks visibility)."""
    if not initiative.photo:
        return ""
    return week_url.rstrip("/") + f"/initiatives/{initiative.pk}/photo/"
