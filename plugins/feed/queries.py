"""The read side of the feed: which posts, in which order, loaded for a page. (helper "feedui")

Contract:

* ``visible_posts(user) -> QuerySet[Post]`` -- every post ``user`` may see, with author
  and group selected.
* ``home_feed(user, *, cursor=None, limit=20) -> FeedPage`` -- company-wide posts, posts of
  the person's groups, department and followed people and groups, and published news
  pages, newest first (``activity_at``); pinned posts come first on the first page.
* ``group_feed(user, group, *, cursor=None, limit=20) -> FeedPage``
* ``hashtag_feed(user, tag, *, cursor=None, limit=20) -> FeedPage``
* ``author_feed(user, author, *, cursor=None, limit=20) -> FeedPage``
* ``last_24_hours(user, limit=10) -> list[Post]`` -- the most active posts of the last 24h.
* ``load_posts(posts, user) -> list[Post]`` -- everything a card shows, in a constant
  number of queries: attachments, event, poll, a share's preview (for the viewers who may
  see the shared object), extensions (comments, reactions).

``FeedPage`` has ``items`` (``FeedItem(kind="post"|"news", sort_at, post=..., page=...)``,
where ``page`` is a :class:`NewsCard`),
``pinned`` (posts, first page only) and ``next_cursor`` (an opaque string or ``None``).

Every list is ordered by the key ``(sort_at, kind, id)``, newest first, and a cursor is
that key of the last item shown. The next page holds the items strictly below it, so
posts written while someone scrolls land above their position: no item is shown twice
and none is skipped.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from plugins.feed import events, extensions, polls, services, sharing
from plugins.feed.models import Attachment, EventResponse, Follow, Hashtag, PollVote, Post
from plugins.groups.services import member_group_ids
from portal import avatars, visibility
from portal.accounts.models import User
from portal.core.localisation import reader_language
from portal.core.visibility_rules import restriction_key
from portal.inputs import INT64_MAX, INT64_MIN, moment_in_range
from portal.prepared import Prepared

POST = "post"
NEWS = "news"
MAX_LIMIT = 50
#: How many of the latest posts the last 24 hours considers beside those with interactions.
RECENT_POOL = 500


@dataclass
class FeedItem:
    kind: str
    sort_at: datetime
    post: Post | None = None
    page: object | None = None

    @property
    def pk(self) -> int:
        return (self.post or self.page).pk

    @property
    def key(self) -> tuple:
        return (self.sort_at, self.kind, self.pk)


@dataclass
class FeedPage:
    items: list[FeedItem] = field(default_factory=list)
    pinned: list[Post] = field(default_factory=list)
    next_cursor: str | None = None

    @property
    def posts(self) -> list[Post]:
        """Every post of the page (pinned ones first)."""
        return [*self.pinned, *(i.post for i in self.items if i.post is not None)]


# --- Cursors -------------------------------------------------------------------------------


def encode_cursor(key: tuple) -> str:
    sort_at, kind, pk = key
    raw = json.dumps([sort_at.isoformat(), kind, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple | None:
    """The key a cursor stands for; a cursor that was not made here is refused."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, kind, pk = json.loads(raw)
        sort_at = parse_datetime(stamp)
        if sort_at is None or kind not in (POST, NEWS) or not isinstance(pk, int):
            raise ValueError(cursor)
        # A forged cursor: an id or a moment no column holds.
        if not (INT64_MIN <= pk <= INT64_MAX and moment_in_range(sort_at)):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise ValidationError({"cursor": [_("This cursor is not valid.")]}) from None
    if timezone.is_naive(sort_at):
        sort_at = timezone.make_aware(sort_at, UTC)
    return sort_at, kind, pk


def _below(key: tuple | None, kind: str, date_field: str) -> Q:
    """Rows of ``kind`` whose key ``(date, kind, pk)`` comes after ``key`` (newest first).

    The condition starts with a plain bound on the date (``date <= X``), so the database
    reads the ``(date, id)`` index as a range from the cursor down instead of testing an
    ``OR`` on every row."""
    if key is None:
        return Q()
    sort_at, key_kind, pk = key
    if kind == key_kind:
        return Q(**{f"{date_field}__lte": sort_at}) & (
            Q(**{f"{date_field}__lt": sort_at}) | Q(**{date_field: sort_at, "pk__lt": pk})
        )
    if kind < key_kind:
        return Q(**{f"{date_field}__lte": sort_at})
    return Q(**{f"{date_field}__lt": sort_at})


# --- Which posts ---------------------------------------------------------------------------


def visible_posts(user) -> QuerySet[Post]:
    """Every post ``user`` may see, newest activity first."""
    return visibility.filter_visible(
        user,
        Post.objects.select_related(
            "author", "author__department", "group", *avatars.related("author")
        ),
    ).order_by("-activity_at", "-pk")


def followed(user) -> tuple[list[int], list[int]]:
    """The ids of the people and of the groups ``user`` follows (remembered with their
    access: a follow or unfollow forgets it)."""
    return visibility.remembered(user, "feed:followed", _followed)


def _followed(user) -> tuple[list[int], list[int]]:
    people, groups = [], []
    for user_id, group_id in Follow.objects.filter(follower=user).values_list("user", "group"):
        if user_id:
            people.append(user_id)
        if group_id:
            groups.append(group_id)
    return people, groups


def _home_sources(user) -> tuple[list[int], list[int]]:
    """The groups (theirs and followed) and the people (followed, and themselves) whose
    posts come into ``user``'s home feed, read once per call."""
    people, groups = followed(user)
    group_ids = sorted({*member_group_ids(user), *groups})
    author_ids = sorted({*people, user.pk})
    return group_ids, author_ids


def _home_q(group_ids: list[int], author_ids: list[int]) -> Q:
    return Q(group__isnull=True) | Q(group_id__in=group_ids) | Q(author_id__in=author_ids)


def home_posts(user) -> QuerySet[Post]:
    """What comes into ``user``'s home feed: company-wide and department posts, posts of
    their groups, of the people and groups they follow, and their own."""
    return visible_posts(user).filter(_home_q(*_home_sources(user)))


#: At most this many groups or people per part of the home feed (the size of its SQL).
SPLIT_CHUNK = 500


class _Key:
    """Stands for a post or a news page while a feed page is merged, before the ones shown
    are loaded."""

    __slots__ = ("pk",)

    def __init__(self, pk: int):
        self.pk = pk


def _home_parts(visible, group_ids: list[int], author_ids: list[int]) -> list[QuerySet]:
    """:func:`home_posts` as parts the database reads as short index ranges in feed order
    (an ``OR`` of the sources made it read most of the table): the posts outside groups,
    the posts of the groups, and the posts of the people, all from ``visible`` (the
    visibility policy's queryset); together they hold exactly the posts of
    :func:`home_posts` (a post in two parts is read twice and shown once). A part reads
    at most :data:`SPLIT_CHUNK` groups or people (one query for them all was cheaper to
    build and run than a query per group: the busy member's first page went from ~24x to
    ~7x the bare endpoint)."""

    def split(field_name: str, values: list) -> list[QuerySet]:
        return [
            visible.filter(**{f"{field_name}__in": values[start : start + SPLIT_CHUNK]})
            for start in range(0, len(values), SPLIT_CHUNK)
        ]

    return [
        visible.filter(group__isnull=True),
        *split("group_id", group_ids),
        *split("author_id", author_ids),
    ]


# --- The home feed's SQL, compiled once per person ------------------------------------------
#
# Building and compiling the home feed's queries (the policy's conditions, a part per
# source, the pinned posts) took a third of a feed request; the SQL only changes when the
# person's access does (their tokens, groups and follows are remembered with it). So it is
# compiled once and kept with the rest of what is remembered for them
# (:func:`visibility.remembered`), and each request only puts its cursor in.

#: The posts after a cursor are those with ``activity_at < at``, or ``activity_at == at``
#: and ``pk < pk``; the first page's bound lets every post through.
_FIRST_PAGE = (datetime(9999, 1, 1, tzinfo=UTC), 0)
#: Two bounds the SQL is compiled with: the parameters that differ between the two
#: compilations are where a cursor's bound goes.
_PROBES = (
    (datetime(9000, 1, 1, tzinfo=UTC), 1_000_001),
    (datetime(9001, 1, 1, tzinfo=UTC), 1_000_003),
)


def _bound(key: tuple | None) -> tuple[datetime, int]:
    """The bound of the posts below ``key`` (a cursor's key, see :func:`_below`): below a
    news item of the same date come the posts of an earlier date only ("news" < "post")."""
    if key is None:
        return _FIRST_PAGE
    sort_at, kind, pk = key
    return (sort_at, pk) if kind == POST else (sort_at, 0)


def _bounded(bound: tuple[datetime, int]) -> Q:
    at, pk = bound
    return Q(activity_at__lte=at) & (Q(activity_at__lt=at) | Q(activity_at=at, pk__lt=pk))


def _sql(queryset) -> tuple[str, list]:
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    return sql, list(params)


@dataclass(frozen=True)
class _CompiledKeys:
    """The ``(pk, activity_at)`` of the first rows of each part, as one ``UNION ALL``, with
    the positions of the cursor's date and id among its parameters."""

    sql: str
    params: tuple
    at_slots: tuple[int, ...]
    pk_slots: tuple[int, ...]
    alias: str

    def rows(self, bound: tuple[datetime, int]) -> list[tuple[int, datetime]]:
        at, pk = bound
        connection = connections[self.alias]
        prepared = _ACTIVITY_AT().get_db_prep_value(at, connection)
        params = list(self.params)
        for slot in self.at_slots:
            params[slot] = prepared
        for slot in self.pk_slots:
            params[slot] = pk
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return [(row_pk, _as_datetime(value)) for row_pk, value in cursor.fetchall()]


def _ACTIVITY_AT():
    return Post._meta.get_field("activity_at")


def _as_datetime(value) -> datetime:
    """A date read by a plain cursor: SQLite gives the text Django stored (UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _compile_keys(parts: list[QuerySet], size: int) -> _CompiledKeys | None:
    """Compile ``parts`` (each bounded by the cursor, newest first, ``size`` rows) as one
    statement; ``None`` when the slots of the cursor can't be told apart (the caller
    then builds the queries as usual)."""
    compiled = []
    for bound in _PROBES:
        selects, params = [], []
        for index, part in enumerate(parts):
            keys = part.filter(_bounded(bound)).order_by("-activity_at", "-pk")
            try:
                sql, part_params = _sql(keys.values_list("pk", "activity_at")[:size])
            except EmptyResultSet:
                continue
            # The ORM's own SQL, its values kept as parameters.
            selects.append(f"SELECT * FROM ({sql}) AS part{index}")  # noqa: S608
            params += part_params
        compiled.append((" UNION ALL ".join(selects), params))
    (sql, first), (second_sql, second) = compiled
    if not sql or sql != second_sql or len(first) != len(second):
        return None
    alias = parts[0].db
    connection = connections[alias]
    slots = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
    probe_at = _ACTIVITY_AT().get_db_prep_value(_PROBES[0][0], connection)
    at_slots = tuple(i for i in slots if first[i] == probe_at)
    pk_slots = tuple(i for i in slots if first[i] == _PROBES[0][1])
    if len(at_slots) != 3 * len(selects) or len(pk_slots) != len(selects):
        return None
    return _CompiledKeys(sql, tuple(first), at_slots, pk_slots, alias)


@dataclass(frozen=True)
class _HomeSQL:
    keys: _CompiledKeys | None
    pinned: tuple[str, tuple, str] | None


def _home_sql(user, size: int) -> _HomeSQL:
    """The home feed's statements for ``user`` and pages of ``size - 1`` items,
    remembered with their access."""

    def compile_(user) -> _HomeSQL:
        group_ids, author_ids = _home_sources(user)
        visible = visible_posts(user)
        unpinned = ~_HOME_PINNED
        parts = [part.filter(unpinned) for part in _home_parts(visible, group_ids, author_ids)]
        pinned = (
            visible.filter(_home_q(group_ids, author_ids))
            .filter(_HOME_PINNED)
            .order_by("-pinned_at", "-pk")
            .values_list("pk", flat=True)[:MAX_LIMIT]
        )
        try:
            sql, params = _sql(pinned)
            pinned_sql = (sql, tuple(params), pinned.db)
        except EmptyResultSet:
            pinned_sql = None
        return _HomeSQL(_compile_keys(parts, size), pinned_sql)

    return visibility.remembered(user, f"feed:home-sql:{size}", compile_)


#: The home feed's pinned posts: company-wide and department posts (a group's pinned posts
#: lead the group's feed).
_HOME_PINNED = Q(pinned=True, group__isnull=True)


def _news(user):
    from portal.editorial.news.services import visible_news

    return (
        visible_news(user)
        .filter(first_published_at__isnull=False)
        .select_related("category")
        .order_by("-first_published_at", "-pk")
    )


def _card_posts() -> QuerySet[Post]:
    # The authors' photos come in the same query (an avatar never costs one).
    return Post.objects.select_related(
        "author", "author__department", "group", *avatars.related("author")
    )


#: The posts of a page by id (they came through the policy already), compiled once.
_CARDS = Prepared(lambda ids: _card_posts().filter(pk__in=ids))


@dataclass(frozen=True)
class NewsCard:
    """What the feed shows of a news page: kept in the shared cache as is (a Wagtail page
    was costly to unpickle and to ask its URL, a fifth of a feed page full of news)."""

    pk: int
    title: str
    url: str
    summary: str
    first_published_at: datetime
    category_name: str = ""
    image_url: str = ""
    image_alt: str = ""


def _hero(page) -> tuple[str, str]:
    """The hero image of a news page as a card-sized rendition (made once, then read from
    the shared cache with the card), and its alternative text."""
    if not page.hero_image_id:
        return "", ""
    try:
        return page.hero_image.get_rendition("fill-800x450").url, page.hero_alt or ""
    except Exception:  # a missing or broken file: the card without its picture
        return "", ""


def _news_cards(ids: list[int]) -> dict[int, NewsCard]:
    from portal.editorial.news.models import NewsPage

    pages = NewsPage.objects.select_related("category", "hero_image").in_bulk(ids)
    cards = {}
    for pk, page in pages.items():
        image_url, image_alt = _hero(page)
        cards[pk] = NewsCard(
            pk=pk,
            title=page.title,
            url=page.get_url() or "",
            summary=page.summary or page.search_description or "",
            first_published_at=page.first_published_at,
            category_name=page.category.name if page.category_id else "",
            image_url=image_url,
            image_alt=image_alt,
        )
    return cards


def _limit(limit) -> int:
    return max(1, min(int(limit or 20), MAX_LIMIT))


def _shared_news(scope: str | None, name: str, compute):
    """News rows and cards are the same for everyone who passes the same page
    restrictions (``scope``): kept in the shared cache until a page or a restriction
    changes (``visibility.shared``)."""
    if scope is None:
        return compute()
    return visibility.shared(f"feed:news:{scope}:{name}", compute)


def _page(
    posts,
    *,
    news=None,
    news_scope=None,
    pinned=None,
    cursor=None,
    limit=20,
    user=None,
    home=None,
) -> FeedPage:
    """Merge ``posts`` (and ``news()``, the news queryset, built only when the shared cache
    does not hold the page's news) after ``cursor``; the posts matching ``pinned`` (a
    ``Q``) lead the first page and are left out of the rest, so they show once.

    ``home``, when given, is the compiled SQL of ``posts`` (:func:`_home_sql`): the keys
    of the first rows of each part are read and merged here, then the posts shown are
    loaded by primary key."""
    limit = _limit(limit)
    key = decode_cursor(cursor)
    pinned_posts: list = []
    if home is not None:
        # The keys came through the policy already: the rows are read by primary key
        # alone (the visibility condition is not built and run a second time).
        items = [
            FeedItem(POST, at, post=_Key(pk))
            for pk, at in dict(home.keys.rows(_bound(key))).items()
        ]
        if key is None and home.pinned is not None:
            sql, params, alias = home.pinned
            with connections[alias].cursor() as db:
                db.execute(sql, params)
                pinned_posts = [_Key(pk) for (pk,) in db.fetchall()]
    else:
        condition = _below(key, POST, "activity_at")
        if pinned is not None:
            if key is None:
                pinned_posts = list(posts.filter(pinned).order_by("-pinned_at", "-pk")[:MAX_LIMIT])
            condition &= ~pinned
        items = [
            FeedItem(POST, post.activity_at, post=post)
            for post in posts.filter(condition)[: limit + 1]
        ]
    if news is not None:
        # Keys only: a Wagtail page is costly to build, and most of these are not shown.
        rows = _shared_news(
            news_scope,
            f"keys:{encode_cursor(key) if key else ''}:{limit}",
            lambda: list(
                news()
                .filter(_below(key, NEWS, "first_published_at"))
                .values_list("pk", "first_published_at")[: limit + 1]
            ),
        )
        items += [FeedItem(NEWS, at, page=_Key(pk)) for pk, at in rows]
    items.sort(key=lambda item: item.key, reverse=True)
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode_cursor(items[-1].key) if more else None
    if home is not None:
        ids = [p.pk for p in pinned_posts] + [i.pk for i in items if i.kind == POST]
        loaded = _CARDS.in_bulk(ids)
        pinned_posts = [loaded[p.pk] for p in pinned_posts if p.pk in loaded]
        for item in items:
            if item.kind == POST:
                item.post = loaded.get(item.pk)
    if news is not None:
        ids = [item.pk for item in items if item.kind == NEWS]
        pages = _shared_news(
            news_scope,
            "cards:" + ",".join(map(str, ids)),
            lambda: _news_cards(ids),
        )
        for item in items:
            if item.kind == NEWS:
                item.page = pages.get(item.pk)
    # A post or page deleted in between is left out (the cursor still marks the end).
    items = [item for item in items if (item.post or item.page) is not None]
    load_posts([*pinned_posts, *(i.post for i in items if i.post is not None)], user)
    return FeedPage(items=items, pinned=pinned_posts, next_cursor=next_cursor)


def home_feed(user, *, cursor=None, limit=20) -> FeedPage:
    limit = _limit(limit)
    home = _home_sql(user, limit + 1)
    posts = None
    if home.keys is None:
        posts = visible_posts(user).filter(_home_q(*_home_sources(user)))
        home = None
    return _page(
        posts,
        news=lambda: _news(user),
        # The news are in the reader's language (portal.core.localisation): per language.
        news_scope=f"{restriction_key(user)}:{reader_language(user)}",
        pinned=_HOME_PINNED,
        cursor=cursor,
        limit=limit,
        user=user,
        home=home,
    )


def group_feed(user, group, *, cursor=None, limit=20) -> FeedPage:
    posts = visible_posts(user).filter(group=group)
    return _page(posts, pinned=Q(pinned=True), cursor=cursor, limit=limit, user=user)


def hashtag_feed(user, tag, *, cursor=None, limit=20) -> FeedPage:
    tagged = Hashtag.objects.filter(tag__name__iexact=tag).values("content_object_id")
    posts = visible_posts(user).filter(pk__in=tagged)
    return _page(posts, cursor=cursor, limit=limit, user=user)


def author_feed(user, author, *, cursor=None, limit=20) -> FeedPage:
    posts = visible_posts(user).filter(author=author)
    return _page(posts, cursor=cursor, limit=limit, user=user)


def last_24_hours(user, limit=10) -> list[Post]:
    """The visible posts most interacted with in the last 24 hours (comments, reactions,
    votes, event answers), then the most recent; each has ``activity_score``."""
    since = timezone.now() - timedelta(hours=24)
    scores: Counter = Counter()
    for extension in extensions.extensions():
        if extension.activity is not None:
            scores.update(extension.activity(since) or {})
    scores.update(
        dict(
            PollVote.objects.filter(voted_at__gte=since)
            .order_by()
            .values_list("poll__post_id")
            .annotate(n=Count("pk"))
        )
    )
    scores.update(
        dict(
            EventResponse.objects.filter(answered_at__gte=since)
            .order_by()
            .values_list("event__post_id")
            .annotate(n=Count("pk"))
        )
    )
    visible = visible_posts(user)
    # Posts with interactions, and the most recent ones (a quiet day still has a list).
    rows = set(visible.filter(pk__in=list(scores)).values_list("pk", "activity_at"))
    rows.update(
        visible.filter(activity_at__gte=since).values_list("pk", "activity_at")[:RECENT_POOL]
    )
    ranked = sorted(
        rows,
        key=lambda row: (scores.get(row[0], 0), row[1], row[0]),
        reverse=True,
    )[: _limit(limit)]
    order = {pk: index for index, (pk, _at) in enumerate(ranked)}
    posts = sorted(visible.filter(pk__in=order), key=lambda p: order[p.pk])
    for post in posts:
        post.activity_score = scores.get(post.pk, 0)
    return load_posts(posts, user)


# --- What a card shows ---------------------------------------------------------------------


def _label_audiences(posts: list[Post]) -> None:
    """``post.audience_label``: the company, the department's or the group's name."""
    from portal.accounts.models import Department

    names = {}
    if any(p.audience.startswith("dept:") for p in posts):
        names = visibility.shared(
            "accounts:department_names",
            lambda: dict(Department.objects.values_list("pk", "name")),
        )
    for post in posts:
        if post.group is not None:
            post.audience_label = post.group.name
        elif post.audience == visibility.EVERYONE:
            post.audience_label = _("Whole company")
        elif post.audience.startswith("dept:"):
            pk = post.audience.split(":", 1)[1]
            name = names.get(int(pk), "") if pk.isdigit() else ""
            post.audience_label = _("Department %(name)s") % {"name": name}
        else:
            post.audience_label = _("Named people")


def _missing(posts: list[Post]) -> list[str]:
    """What of a card's relations is not loaded yet (a feed page's posts come with their
    author, department and group selected: walking them again was a tenth of a page)."""
    cached = {name: Post._meta.get_field(name).is_cached for name in ("author", "group")}
    department = User._meta.get_field("department").is_cached
    relaunched = Post._meta.get_field("relaunched_by").is_cached
    lookups = []
    if not all(
        cached["author"](p) and (p.author.department_id is None or department(p.author))
        for p in posts
    ):
        lookups.append("author__department")
    if not all(p.group_id is None or cached["group"](p) for p in posts):
        lookups.append("group")
    if not all(p.relaunched_by_id is None or relaunched(p) for p in posts):
        lookups.append("relaunched_by")
    for name in ("attachments", "hashtags"):
        if not all(name in p._prefetched_objects_cache for p in posts):
            lookups.append(name)
    return lookups


def load_posts(posts, user) -> list[Post]:
    """Load everything the cards of ``posts`` show, in a number of queries that does not
    depend on how many posts there are; sets ``post.permissions`` for ``user`` (the
    answers of :func:`services.permissions_for`, plus ``report``)."""
    posts = list(posts)
    if not posts:
        return posts
    # Hashtags come from the text: a post without "#" has none, and is not asked about;
    # nor is a post whose attachment counter is 0.
    no_tags = Hashtag.tag_model().objects.none()
    no_files = Attachment.objects.none()
    for post in posts:
        cache = post.__dict__.setdefault("_prefetched_objects_cache", {})
        if "#" not in post.text:
            cache.setdefault("hashtags", no_tags)
        if not post.attachment_count:
            cache.setdefault("attachments", no_files)
    lookups = _missing(posts)
    if lookups:
        prefetch_related_objects(posts, *lookups)
    _label_audiences(posts)
    events.attach(posts, user)
    polls.attach(posts, user)
    sharing.attach(posts, user)
    extensions.annotate(posts, user)
    permissions = services.permissions_for(user, posts)
    for post in posts:
        post.permissions = {
            **permissions[post.pk],
            "report": visibility.is_active_user(user) and post.author_id != user.pk,
        }
    return posts
