"""News services: the listing, the "new since your last visit" marker, feed readers and
the moderation workflow. Views, the API and the home panel all go through these."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from taggit.models import Tag

from portal import avatars, visibility
from portal.core import localisation
from portal.editorial.news.models import NewsCategory, NewsIndexPage, NewsPage, NewsVisit

#: Views of the news index closer together than this belong to the same visit: paging
#: through the listing or filtering it keeps the "New" markers of the visit.
VISIT_GAP = timedelta(minutes=30)

MODERATION_WORKFLOW_NAME = "News moderation"
MODERATION_TASK_NAME = "Approval by the editors"
WRITERS_GROUP_NAME = "News writers"


def visible_news(
    user, news_index: NewsIndexPage | None = None, language: str | None = None
) -> QuerySet[NewsPage]:
    """The live news ``user`` may see (under ``news_index`` or one of its translations if
    given), newest first, each in the reader's language when translated into it, else in
    its original (``language``: the reader's by default; see portal.core.localisation)."""
    queryset = NewsPage.objects.live()
    if news_index is not None:
        queryset = localisation.below_any_version(queryset, news_index)
    news = localisation.localized_visible(user, queryset, language)
    return news.order_by("-date", "-first_published_at", "-pk")


def filter_news(queryset: QuerySet[NewsPage], category: str = "", tag: str = "") -> QuerySet:
    """Only the news of the category with slug ``category`` and tagged ``tag`` (if given)."""
    if category:
        queryset = queryset.filter(category__slug=category)
    if tag:
        queryset = queryset.filter(tags__name=tag)
    return queryset


def with_listing_relations(queryset: QuerySet[NewsPage]) -> QuerySet[NewsPage]:
    """Load what a listing shows in a fixed number of queries, whatever the number of news."""
    from wagtail.images import get_image_model

    images = get_image_model().objects.prefetch_renditions("fill-480x270")
    return queryset.select_related(
        "category", "author", "colleague", *avatars.related("author")
    ).prefetch_related("tags", Prefetch("hero_image", queryset=images))


def categories_in_use(news: QuerySet[NewsPage]) -> list[NewsCategory]:
    """The categories of some of ``news`` (for the listing's filter)."""
    return list(NewsCategory.objects.filter(news__in=news.values("pk")).distinct())


def tags_in_use(news: QuerySet[NewsPage]) -> list[str]:
    """The names of the tags of ``news``, alphabetically."""
    return list(
        Tag.objects.filter(news_newspagetag_items__content_object__in=news.values("pk"))
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )


def _threshold(user, visit: NewsVisit | None, now: datetime) -> datetime:
    if visit is None:
        # Never looked at the news: everything since they joined is new to them.
        return user.date_joined
    if now - visit.last_seen_at < VISIT_GAP:
        return visit.previous_seen_at or user.date_joined
    return visit.last_seen_at


def new_since(user) -> datetime | None:
    """From when on a news counts as new for ``user`` (without recording a visit)."""
    if not visibility.is_active_user(user):
        return None
    visit = NewsVisit.objects.filter(user=user).first()
    return _threshold(user, visit, timezone.now())


def record_visit(user) -> datetime | None:
    """Record that ``user`` looks at the news now; returns from when on news are new for
    this visit (the previous visit, or when the user joined on their first visit)."""
    if not visibility.is_active_user(user):
        return None
    now = timezone.now()
    with transaction.atomic():
        visit = NewsVisit.objects.select_for_update().filter(user=user).first()
        since = _threshold(user, visit, now)
        if visit is None:
            try:
                with transaction.atomic():
                    NewsVisit.objects.create(user=user, last_seen_at=now, previous_seen_at=None)
            except IntegrityError:  # the same first visit recorded at the same moment
                pass
            return since
        if now - visit.last_seen_at >= VISIT_GAP:
            visit.previous_seen_at = visit.last_seen_at
        visit.last_seen_at = now
        visit.save(update_fields=["last_seen_at", "previous_seen_at"])
    return since


def is_new(news: NewsPage, since: datetime | None) -> bool:
    """Whether ``news`` was first published after ``since``."""
    return bool(since and news.first_published_at and news.first_published_at > since)


def mark_new(news, since: datetime | None) -> list[NewsPage]:
    """The news as a list, each with ``is_new`` set."""
    items = list(news)
    for item in items:
        item.is_new = is_new(item, since)
    return items


def latest_news(user, limit: int = 5) -> list[NewsPage]:
    """The ``limit`` latest news ``user`` may see, marked new or not (the home panel)."""
    news = with_listing_relations(visible_news(user))[:limit]
    return mark_new(news, new_since(user))


def news_index_for(user) -> NewsIndexPage | None:
    """The first news index ``user`` may see, if any, in their language."""
    indexes = localisation.localized_visible(user, NewsIndexPage.objects.all())
    return localisation.in_tree_order(indexes).first()


def feed_reader(request):
    """Who reads a feed: the logged-in user, or the owner of the personal feed token
    given as ``?token=`` (feed readers cannot use the session); ``None`` for nobody."""
    from portal.accounts import feed_tokens

    return feed_tokens.reader_of(request)


def setup_news_moderation(news_index: NewsIndexPage):
    """Put the news under ``news_index`` under moderation (idempotent).

    Creates the "News moderation" workflow, whose one task is approved by the Editors
    role, attaches it to the index, and creates the "News writers" group: they add and
    change news under the index but do not publish; they submit to moderation.
    Returns the workflow."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    from portal.accounts import roles

    with transaction.atomic():
        task = GroupApprovalTask.objects.filter(name=MODERATION_TASK_NAME).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=MODERATION_TASK_NAME)
        task.groups.add(roles.role_group(roles.EDITOR))
        workflow, _created = Workflow.objects.get_or_create(name=MODERATION_WORKFLOW_NAME)
        WorkflowTask.objects.get_or_create(
            workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0}
        )
        WorkflowPage.objects.update_or_create(page=news_index, defaults={"workflow": workflow})
        roles.section_editors(WRITERS_GROUP_NAME, news_index)
    return workflow
