"""A feed page costs the same number of queries whatever its size.

The page mixes what a feed holds: statuses with attachments, events, polls, posts in
groups, in a department and company-wide, and news. Whatever extensions are registered
(comments, reactions) take part, through ``queries.load_posts`` and the post card.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from plugins.feed import events, polls, queries, services
from plugins.feed.models import Post
from plugins.groups.models import Group, Membership
from portal.accounts.models import User
from tests.factories import make_user


def png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="notes.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def mixed_feed(employee, colleague, departments, home_page):
    """25 items in a repeating cycle, so that any 5 in a row hold one of each kind."""
    from portal.editorial.news.factories import make_news, make_news_index

    group = Group.objects.create(name="Guild", slug="guild", privacy=Group.PRIVATE)
    for person in (employee, colleague):
        Membership.objects.create(group=group, user=person)
    index = make_news_index(home_page)
    reader = make_user("reader@example.com", department=departments["platform"])
    Membership.objects.create(group=group, user=reader)
    author = User.objects.get(pk=colleague.pk)
    start = timezone.now() - timedelta(hours=1)
    for n in range(5):
        made = [
            services.create_post(author, text=f"Photo {n} #team", files=[png(), pdf()]),
            services.create_post(
                author,
                text=f"Event {n}",
                kind=Post.EVENT,
                audience=f"group:{group.pk}",
                event={"title": f"Meetup {n}", "starts_at": timezone.now() + timedelta(days=3)},
            ),
            services.create_post(
                author,
                text="",
                kind=Post.POLL,
                poll={"question": f"Poll {n}?", "options": ["Yes", "No"]},
            ),
            services.create_post(
                author, text=f"Sales only {n}", audience=f"dept:{departments['sales'].pk}"
            ),
        ]
        employee_post = services.create_post(
            User.objects.get(pk=employee.pk),
            text=f"Dept {n} @[Colleague](user:{colleague.pk})",
            audience=f"dept:{departments['platform'].pk}",
        )
        made.append(employee_post)
        for offset, post in enumerate(made):
            at = start + timedelta(minutes=n * 10 + offset)
            Post.objects.filter(pk=post.pk).update(activity_at=at, created_at=at)
        make_news(index, f"News {n}", published_at=start + timedelta(minutes=n * 10 + 5))
    # Some interaction on the polls and events: the attach functions show them.
    for post in Post.objects.filter(kind=Post.POLL):
        polls.vote(reader, post, [post.poll.options.first().pk])
    for post in Post.objects.filter(kind=Post.EVENT):
        events.respond(reader, post, "going")
    return reader


def count(callable_):
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


def test_home_feed_page_queries_do_not_depend_on_its_size(mixed_feed, django_assert_num_queries):
    def page(limit):
        reader = User.objects.get(pk=mixed_feed.pk)
        result = queries.home_feed(reader, limit=limit)
        assert len(result.items) == limit
        kinds = {i.kind for i in result.items} | {i.post.kind for i in result.items if i.post}
        assert {"news", Post.STATUS, Post.EVENT, Post.POLL} <= kinds

    # Each size is asked twice: the first fills the caches (content types, the reader's
    # access, the news rows shared by everyone with the same page restrictions).
    page(5)
    small = count(lambda: page(5))
    page(20)
    with django_assert_num_queries(small):
        page(20)


def test_rendered_feed_page_queries_do_not_depend_on_its_size(
    client, mixed_feed, django_assert_num_queries
):
    """The HTML of a page (cards, event and poll blocks, extensions' templates)."""
    client.force_login(mixed_feed)
    url = reverse("feed:home")
    client.get(url)  # caches of the site (root paths, content types) filled once

    def fragment(size):
        response = client.get(url, {"fragment": "1", "limit": size})
        assert response.status_code == 200
        assert response.content.count(b'class="feed__item"') == size

    fragment(5)  # the news rows of this size, shared in the cache
    small = count(lambda: fragment(5))
    fragment(20)
    with django_assert_num_queries(small):
        fragment(20)


def test_cards_without_files_or_hashtags_ask_nothing_about_them(employee, colleague):
    """The attachment counter (kept by signals) and the text spare a card two queries."""
    author = User.objects.get(pk=colleague.pk)
    with_files = services.create_post(author, text="Photos #team", files=[png(), pdf()])
    plain = services.create_post(author, text="Nothing attached")
    assert Post.objects.get(pk=with_files.pk).attachment_count == 2
    reader = User.objects.get(pk=employee.pk)
    cards = list(Post.objects.filter(pk=plain.pk))
    with CaptureQueriesContext(connection) as context:
        queries.load_posts(cards, reader)
    assert not [q for q in context.captured_queries if "feed_attachment" in q["sql"]]
    assert not [q for q in context.captured_queries if "feed_hashtag" in q["sql"]]
    [card] = queries.load_posts(list(Post.objects.filter(pk=with_files.pk)), reader)
    assert len(card.attachments.all()) == 2 and [t.name for t in card.hashtags.all()] == ["team"]
    first = card.attachments.all()[0]
    services.update_post(author, with_files, text="Photos #team", files_to_remove=[first.pk])
    assert Post.objects.get(pk=with_files.pk).attachment_count == 1
    with_files.delete()
    assert not Post.objects.filter(pk=with_files.pk).exists()
