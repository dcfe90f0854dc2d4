"""The home feed API with 1,000 people and 100,000 posts, against a bare DRF endpoint.

The posts are bulk-created (the posting service would take minutes for 100,000 and the
benchmark times reading, not writing) with the mix a company network has: company-wide
posts, department posts, posts in about 50 groups (public, private, secret), some events
and polls, hashtags, comment and reaction counts, spread over a year. Then, for several
people (the benchmark user, a member of many groups who follows people, a newcomer with no
group), ``GET /api/feed/`` is timed beside ``GET /api/me/`` (a bare DRF endpoint: the same
authentication, middleware and renderer) in the same interleaved rounds, and a deep page
(a cursor 500 items down) beside them.

Target: the feed's p95 at most 3x the bare endpoint's p95. Everything seeded here is rolled
back at the end, so the benchmarks that follow see the shared seed only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from plugins.feed import queries
from plugins.feed.models import Event, Follow, Hashtag, Poll, PollOption, Post
from plugins.groups.models import Group, Membership
from portal.accounts.models import Department, User
from tests.benchmarks import seed
from tests.benchmarks.harness import (
    BenchmarkBroken,
    Context,
    Endpoint,
    format_table,
    measure,
    repeated_queries,
)

BASELINE = "bare DRF (/api/me/)"
TARGET_RATIO = 3.0
BATCH = 2_000
WORDS = ["launch", "team", "office", "customer", "release", "lunch", "security", "welcome"]
TAGS = ["news", "release", "people", "it", "sales", "office", "security", "wins"]


@dataclass(frozen=True)
class FeedSizes:
    users: int
    posts: int
    groups: int

    @classmethod
    def for_run(cls, quick: bool) -> FeedSizes:
        return cls(users=300, posts=5_000, groups=20) if quick else cls(1_000, 100_000, 50)


def _json(response) -> dict:
    try:
        return response.json()
    except ValueError as error:
        raise BenchmarkBroken(f"not JSON ({response.get('Content-Type')})") from error


def _check_me(response) -> None:
    if "email" not in _json(response):
        raise BenchmarkBroken("no email in /api/me/")


def _check_feed(min_items: int):
    def check(response) -> None:
        data = _json(response)
        if len(data.get("results", [])) < min_items or "pinned" not in data:
            raise BenchmarkBroken(f"expected {min_items}+ feed items: {str(data)[:200]}")
        if not data.get("next"):
            raise BenchmarkBroken("no next cursor on a feed of thousands of posts")

    return check


# --- Seeding -----------------------------------------------------------------------------


def _seed_users(target: int, rng) -> list[User]:
    """Top up the shared seed's people to ``target`` (bulk: no signals), then let the
    groups plugin put them into their department groups."""
    from plugins.groups.services import sync_department_groups

    existing = User.objects.count()
    leaves = list(Department.objects.filter(children__isnull=True))
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=f"feed.person{i:05d}@example.com",
                first_name=f"Person{i}",
                last_name=rng.choice(["Martin", "Bernard", "Dubois", "Smith", "Garcia"]),
                department=rng.choice(leaves),
                password=password,
            )
            for i in range(max(0, target - existing))
        ],
        batch_size=BATCH,
    )
    sync_department_groups()
    return list(User.objects.filter(is_active=True).order_by("pk"))


def _seed_groups(count: int, users: list[User], bench_user: User, rng) -> list[Group]:
    privacies = [Group.PUBLIC] * 4 + [Group.PRIVATE] * 4 + [Group.SECRET] * 2
    groups = Group.objects.bulk_create(
        [
            Group(
                name=f"Bench group {i}",
                slug=f"bench-group-{i}",
                privacy=privacies[i % len(privacies)],
                created_by=rng.choice(users),
            )
            for i in range(count)
        ]
    )
    memberships = []
    for index, group in enumerate(groups):
        members = set(rng.sample(users, min(len(users), rng.randint(10, 120))))
        if index % 6 == 0:
            members.add(bench_user)
        for position, user in enumerate(members):
            role = Membership.OWNER if position == 0 else Membership.MEMBER
            memberships.append(Membership(group=group, user=user, role=role))
    Membership.objects.bulk_create(memberships, batch_size=BATCH, ignore_conflicts=True)
    return groups


def _seed_posts(count: int, users: list[User], groups: list[Group], rng) -> None:
    departments = list(Department.objects.values_list("pk", flat=True))
    now = timezone.now()
    members_of: dict[int, list[int]] = {}
    for group_id, user_id in Membership.objects.filter(group__in=groups).values_list(
        "group_id", "user_id"
    ):
        members_of.setdefault(group_id, []).append(user_id)
    user_ids = [u.pk for u in users]
    department_of = {u.pk: u.department_id for u in users}
    tags = [Tag.objects.get_or_create(name=name, slug=name)[0] for name in TAGS]
    made = 0
    while made < count:
        batch = []
        for _ in range(min(BATCH, count - made)):
            roll = rng.random()
            moment = now - timedelta(seconds=rng.randint(0, 365 * 24 * 3600))
            kind = rng.choices([Post.STATUS, Post.EVENT, Post.POLL], [94, 3, 3])[0]
            if roll < 0.45:
                author, group, audience = rng.choice(user_ids), None, "all"
            elif roll < 0.65:
                author = rng.choice(user_ids)
                group, audience = None, f"dept:{department_of[author] or rng.choice(departments)}"
            else:
                group = rng.choice(groups)
                author = rng.choice(members_of.get(group.pk) or user_ids)
                audience = f"group:{group.pk}"
            words = " ".join(rng.choices(WORDS, k=rng.randint(5, 40)))
            batch.append(
                Post(
                    kind=kind,
                    author_id=author,
                    group=group,
                    audience=audience,
                    text=words,
                    html=f"<p>{words}</p>",
                    created_at=moment,
                    activity_at=moment,
                    comment_count=rng.choice([0, 0, 0, 1, 2, 5]),
                    reaction_count=rng.choice([0, 0, 1, 3, 8]),
                )
            )
        posts = Post.objects.bulk_create(batch, batch_size=BATCH)
        made += len(posts)
        _seed_extras(posts, tags, rng)


def _seed_extras(posts: list[Post], tags: list[Tag], rng) -> None:
    events, polls, hashtags = [], [], []
    for post in posts:
        if post.kind == Post.EVENT:
            events.append(
                Event(
                    post=post,
                    title=f"Event {post.pk}",
                    starts_at=post.created_at + timedelta(days=7),
                    location="Main hall",
                )
            )
        elif post.kind == Post.POLL:
            polls.append(Poll(post=post, question=f"Question {post.pk}?"))
        if rng.random() < 0.2:
            hashtags.append(Hashtag(content_object=post, tag=rng.choice(tags)))
    Event.objects.bulk_create(events)
    made = Poll.objects.bulk_create(polls)
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, label=f"Option {i}", position=i) for poll in made for i in range(3)]
    )
    Hashtag.objects.bulk_create(hashtags)


def _seed_follows(follower: User, users: list[User], groups: list[Group], rng) -> None:
    people = [u for u in rng.sample(users, 50) if u.pk != follower.pk]
    visible = [g for g in groups if g.privacy != Group.SECRET][:10]
    Follow.objects.bulk_create(
        [Follow(follower=follower, user=u) for u in people]
        + [Follow(follower=follower, group=g) for g in visible]
    )


def _pin_some() -> None:
    for post in Post.objects.filter(audience="all").order_by("-activity_at")[200:202]:
        post.pinned, post.pinned_at = True, timezone.now()
        post.save(update_fields=["pinned", "pinned_at"])


# --- Running -----------------------------------------------------------------------------


def _deep_cursor(user) -> str:
    cursor = None
    for _ in range(10):
        cursor = queries.home_feed(user, cursor=cursor, limit=50).next_cursor
    return cursor or ""


def run(ctx: Context) -> bool:
    sizes = FeedSizes.for_run(ctx.quick)
    rng = random.Random(4321)
    with transaction.atomic():
        ok = _seed_and_measure(ctx, sizes, rng)
        transaction.set_rollback(True)  # later benchmarks see the shared seed only
    return ok


def _seed_and_measure(ctx: Context, sizes: FeedSizes, rng) -> bool:
    import time

    started = time.perf_counter()
    bench_user = ctx.seeded.user
    users = _seed_users(sizes.users, rng)
    groups = _seed_groups(sizes.groups, users, bench_user, rng)
    _seed_posts(sizes.posts, users, groups, rng)
    busy = (
        User.objects.exclude(pk=bench_user.pk)
        .annotate(memberships=Count("group_memberships"))
        .order_by("-memberships", "pk")
        .first()
    )
    _seed_follows(busy, users, groups, rng)
    newcomer = User.objects.create_user(
        email="feed.newcomer@example.com", first_name="New", last_name="Comer"
    )
    _pin_some()
    seed.analyze()
    print("== Feed: GET /api/feed/ against a bare DRF endpoint (/api/me/) ==")
    print(
        f"{User.objects.count()} people, {Post.objects.count()} posts "
        f"({Event.objects.count()} events, {Poll.objects.count()} polls), "
        f"{len(groups)} groups, seeded in {time.perf_counter() - started:.1f}s. "
        f"{ctx.rounds} rounds x {ctx.requests} requests per endpoint, interleaved."
    )
    people = [
        ("bench user", bench_user),
        ("busy member + follows", busy),
        ("newcomer, no group", newcomer),
    ]
    ok = True
    summary = []
    for label, user in people:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        endpoints = [
            Endpoint(BASELINE, "/api/me/", _check_me),
            Endpoint("feed, first page", "/api/feed/", _check_feed(10)),
            Endpoint(
                "feed, 500 items down", f"/api/feed/?cursor={_deep_cursor(user)}", _check_feed(10)
            ),
        ]
        results = measure(
            client,
            endpoints,
            rounds=ctx.rounds,
            requests=ctx.requests,
            warmup=ctx.warmup,
            baseline=BASELINE,
        )
        failures = [f for r in results.values() for f in r.failures]
        print(f"\n-- as the {label} ({user.email}) --")
        if failures:
            print("BROKEN: not timed, because:")
            for failure in dict.fromkeys(failures):
                print(f"  - {failure}")
            ok = False
            continue
        print(format_table(results, BASELINE))
        base = results[BASELINE].p95_ms
        for name, result in results.items():
            if name == BASELINE:
                continue
            ratio = result.p95_ms / base
            verdict = "OK" if ratio <= TARGET_RATIO else "MISSED"
            summary.append(
                f"  {label:24} {name:22} p50 {result.p50_ms:7.2f} ms  p95 {result.p95_ms:7.2f} ms"
                f"  = {ratio:4.1f}x bare p95 (target <= {TARGET_RATIO:.0f}x) {verdict}"
            )
            for count, shape in repeated_queries(result.query_sql):
                print(f"  repeated {count}x: {shape[:130]}")
            if ctx.show_queries:
                print(f"  the {len(result.query_sql)} queries of {name}:")
                for sql in result.query_sql:
                    print(f"    {sql[:150]}")
    print("\nFeed p95 against the bare DRF endpoint's p95:")
    print("\n".join(summary))
    print()
    return ok
