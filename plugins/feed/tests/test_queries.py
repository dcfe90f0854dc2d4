"""The read side of the feed: what comes into whose feed, in which order, page by page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from plugins.feed import queries, services
from plugins.feed.models import Post
from plugins.groups.models import Group, Membership
from portal import visibility
from tests.factories import make_user


def make_group(owner, name, privacy=Group.PUBLIC, members=()):
    group = Group.objects.create(name=name, slug=name.lower().replace(" ", "-"), privacy=privacy)
    Membership.objects.create(group=group, user=owner, role=Membership.OWNER)
    for member in members:
        Membership.objects.create(group=group, user=member)
    for user in (owner, *members):
        visibility.forget_tokens(user)
    return group


def post(author, text="Hello", audience="all", at=None, **fields):
    created = services.create_post(author, text=text, audience=audience, **fields)
    if at is not None:
        Post.objects.filter(pk=created.pk).update(activity_at=at, created_at=at)
        created.refresh_from_db()
    return created


def feed_ids(user, **kwargs):
    page = queries.home_feed(user, **kwargs)
    return [item.post.pk for item in page.items if item.post is not None]


def fresh(user):
    visibility.forget_tokens(user)
    return user


@pytest.fixture
def outsider(departments):
    return make_user("outsider@example.com", department=departments["sales"])


def test_home_feed_merges_company_groups_follows_and_own_posts(employee, colleague, outsider):
    private = make_group(colleague, "Secret sauce", Group.PRIVATE, members=[employee])
    public = make_group(colleague, "Runners", Group.PUBLIC)
    company = post(colleague, "For everyone")
    in_private = post(colleague, "Members only", audience=f"group:{private.pk}")
    in_public = post(colleague, "Public group", audience=f"group:{public.pk}")
    own = post(employee, "Mine")

    employee = fresh(employee)
    assert set(feed_ids(employee)) == {company.pk, in_private.pk, own.pk}
    # The public group's post reaches its members and its followers, not everyone.
    outsider = fresh(outsider)
    assert set(feed_ids(outsider)) == {company.pk, own.pk}
    services.follow(outsider, group=public)
    assert set(feed_ids(outsider)) == {company.pk, own.pk, in_public.pk}
    # A private group's post never reaches a non-member, even one following its author.
    services.follow(outsider, person=colleague)
    assert in_private.pk not in feed_ids(outsider)
    assert in_private.pk not in queries.visible_posts(outsider).values_list("pk", flat=True)


def test_followed_person_brings_their_public_group_posts(employee, colleague):
    public = make_group(colleague, "Chess", Group.PUBLIC)
    in_public = post(colleague, "Checkmate", audience=f"group:{public.pk}")
    assert in_public.pk not in feed_ids(fresh(employee))
    services.follow(employee, person=colleague)
    assert in_public.pk in feed_ids(employee)


def test_department_posts_only_reach_the_department(employee, colleague, departments):
    engineering = post(
        employee, "Engineering news", audience=f"dept:{departments['engineering'].pk}"
    )
    mate = make_user("mate@example.com", department=departments["platform"])
    assert engineering.pk in feed_ids(fresh(mate))
    assert engineering.pk not in feed_ids(fresh(colleague))
    page = queries.home_feed(fresh(mate))
    assert page.items[0].post.audience_label == "Department Engineering"


def test_secret_group_posts_are_invisible_to_outsiders(employee, colleague):
    secret = make_group(colleague, "Skunkworks", Group.SECRET)
    hidden = post(colleague, "Codename", audience=f"group:{secret.pk}")
    employee = fresh(employee)
    assert hidden.pk not in feed_ids(employee)
    assert queries.group_feed(employee, secret).items == []
    assert queries.hashtag_feed(employee, "anything").items == []
    assert queries.author_feed(employee, colleague).items == []


def test_news_merged_by_date(employee, colleague, home_page):
    from portal.editorial.news.factories import make_news, make_news_index

    now = timezone.now()
    index = make_news_index(home_page)
    older = post(colleague, "Old post", at=now - timedelta(hours=3))
    news = make_news(index, "Quarterly results", published_at=now - timedelta(hours=2))
    newer = post(colleague, "New post", at=now - timedelta(hours=1))
    page = queries.home_feed(fresh(employee))
    kinds = [(item.kind, item.pk) for item in page.items]
    assert kinds == [("post", newer.pk), ("news", news.pk), ("post", older.pk)]


def test_pinned_first_once_and_relaunched_back_on_top(employee, colleague, editor):
    now = timezone.now()
    first = post(colleague, "First", at=now - timedelta(hours=5))
    pinned = post(colleague, "Pinned", at=now - timedelta(hours=4))
    middle = post(colleague, "Middle", at=now - timedelta(hours=3))
    services.pin_post(editor, pinned, True)

    page = queries.home_feed(fresh(employee), limit=1)
    assert [p.pk for p in page.pinned] == [pinned.pk]
    listed = [i.post.pk for i in page.items]
    second = queries.home_feed(employee, cursor=page.next_cursor, limit=1)
    assert second.pinned == []
    assert second.next_cursor is None
    listed += [i.post.pk for i in second.items]
    assert listed == [middle.pk, first.pk]

    services.relaunch_post(editor, first)
    page = queries.home_feed(employee)
    assert [i.post.pk for i in page.items] == [first.pk, middle.pk]
    assert page.items[0].post.relaunched_at is not None


def test_group_feed_pins_the_groups_posts(employee, colleague):
    group = make_group(colleague, "Makers", Group.PRIVATE, members=[employee])
    one = post(colleague, "One", audience=f"group:{group.pk}")
    two = post(colleague, "Two", audience=f"group:{group.pk}")
    services.pin_post(colleague, one, True)
    page = queries.group_feed(fresh(employee), group)
    assert [p.pk for p in page.pinned] == [one.pk]
    assert [i.post.pk for i in page.items] == [two.pk]
    # A company pin is not the group's: the home feed lists the group post normally.
    assert one.pk in feed_ids(employee)


def test_cursor_pages_have_no_duplicates_or_gaps_while_posts_arrive(employee, colleague):
    now = timezone.now()
    # Several posts at the very same instant: the id breaks the tie.
    same = now - timedelta(hours=1)
    originals = [
        post(colleague, f"Post {n}", at=same if n % 2 else now - timedelta(minutes=90 - n))
        for n in range(9)
    ]
    employee = fresh(employee)
    seen = []
    cursor = None
    while True:
        page = queries.home_feed(employee, cursor=cursor, limit=2)
        seen += [i.post.pk for i in page.items]
        post(colleague, "Arrives while scrolling")
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen))
    assert sorted(seen) == sorted(p.pk for p in originals)


def test_bad_cursor_is_refused(employee):
    with pytest.raises(ValidationError) as error:
        queries.home_feed(employee, cursor="not-a-cursor")
    assert "cursor" in error.value.message_dict


def test_last_24_hours_ranks_by_interactions(employee, colleague, departments):
    from plugins.feed import polls

    now = timezone.now()
    quiet = post(colleague, "Quiet", at=now - timedelta(hours=1))
    busy = post(
        colleague,
        "",
        kind=Post.POLL,
        poll={"question": "Lunch?", "options": ["Pizza", "Salad"]},
        at=now - timedelta(hours=2),
    )
    old = post(colleague, "Old", at=now - timedelta(days=3))
    options = list(busy.poll.options.all())
    for n in range(3):
        voter = make_user(f"voter{n}@example.com", department=departments["sales"])
        polls.vote(voter, busy, [options[0].pk])

    ranked = queries.last_24_hours(fresh(employee))
    assert [p.pk for p in ranked][:2] == [busy.pk, quiet.pk]
    assert old.pk not in [p.pk for p in ranked]
    assert ranked[0].activity_score >= 3


def test_last_24_hours_never_shows_what_one_may_not_see(employee, colleague):
    secret = make_group(colleague, "Vault", Group.SECRET)
    hidden = post(colleague, "Hidden", audience=f"group:{secret.pk}")
    assert hidden.pk not in [p.pk for p in queries.last_24_hours(fresh(employee))]


def test_load_posts_sets_permissions(employee, colleague, editor):
    mine = post(employee, "Mine")
    theirs = post(colleague, "Theirs")
    loaded = {p.pk: p for p in queries.load_posts([mine, theirs], employee)}
    assert loaded[mine.pk].permissions["edit"] is True
    assert loaded[mine.pk].permissions["report"] is False
    assert loaded[theirs.pk].permissions["edit"] is False
    assert loaded[theirs.pk].permissions["report"] is True
    as_editor = queries.load_posts([theirs], editor)[0]
    assert as_editor.permissions["pin"] is True
    assert as_editor.permissions["relaunch"] is True


def test_compiled_home_feed_walks_like_the_plain_queries(employee, colleague, home_page):
    """The home feed's SQL is compiled once per person with the cursor as parameters: page
    after page (ties on the date, a news item as the cursor) it lists exactly what the
    policy's queryset lists, in the same order, and it is remembered until access changes."""
    from portal.editorial.news.factories import make_news, make_news_index

    now = timezone.now()
    group = make_group(colleague, "Makers", Group.PRIVATE, members=[employee])
    same = now - timedelta(hours=2)
    made = [
        post(colleague, f"Post {n}", at=same if n % 3 == 0 else now - timedelta(minutes=7 * n))
        for n in range(10)
    ]
    made += [post(colleague, f"Group {n}", audience=f"group:{group.pk}") for n in range(3)]
    services.follow(employee, person=colleague)
    index = make_news_index(home_page)
    news = make_news(index, "Tie with posts", published_at=same)
    employee = fresh(employee)

    home = queries._home_sql(employee, 3)
    assert home.keys is not None and home.pinned is not None
    assert queries._home_sql(employee, 3) is home  # remembered on the person

    expected = list(queries.home_posts(employee).values_list("pk", flat=True))
    seen, kinds, cursor = [], [], None
    while True:
        page = queries.home_feed(employee, cursor=cursor, limit=2)
        seen += [i.post.pk for i in page.items if i.post is not None]
        kinds += [i.kind for i in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected and len(expected) == len(made)
    assert kinds.count("news") == 1 and news.pk

    # Leaving the group changes the SQL: its posts are gone at once.
    Membership.objects.filter(group=group, user=employee).delete()
    employee = fresh(employee)
    assert not {p.pk for p in made[-3:]} & set(feed_ids(employee, limit=50))
