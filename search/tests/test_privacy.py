"""Search never shows what the searcher may not see.

A corpus with content in public, private and secret groups (status, event and poll posts,
comments, the groups themselves), unpublished pages, a page and a course restricted to a
department, a page under an unpublished parent, a page behind a password, a draft wellness
session and a deactivated person is built with the real services, then indexed with
``rebuild_search_index``. Each hidden item holds a word no visible item holds: an outsider
searching it finds nothing, in results, in counts per type, in suggestions, in highlights;
a member finds it; a member who leaves the group loses it at once; anonymous and inactive
people find nothing at all.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageViewRestriction

from plugins.comments import services as comments
from plugins.feed import services as feed
from plugins.feed.models import Post
from plugins.groups import services as groups
from portal import visibility
from portal.core import visibility_rules
from portal.core.models import PageAudience
from portal.editorial.learning.factories import make_course, make_course_index
from portal.editorial.wellness.models import WellnessSessionPage
from portal.editorial.wellness.tests.factories import make_section
from search import query
from tests.factories import make_content_page, make_user

pytestmark = pytest.mark.django_db


@dataclass
class Corpus:
    owner: object
    member: object
    outsider: object
    items: dict  # word -> (key, object_id)
    public_group: object
    private_group: object
    secret_group: object


def _invite(owner, group, person):
    [invitation] = groups.invite(owner, group, [person])
    groups.accept_invitation(person, invitation)


def _event(title, location):
    starts = timezone.now() + timedelta(days=3)
    return {"title": title, "starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "location": location}


@pytest.fixture
def corpus(home_page, departments):
    owner = make_user("owner@example.com", department=departments["sales"])
    member = make_user("member@example.com", department=departments["sales"])
    outsider = make_user("outsider@example.com", department=departments["platform"])
    items = {}

    def keep(word, key, obj):
        items[word] = (key, str(obj.pk))

    public = groups.create_group(owner, name="Runners", privacy="public")
    private = groups.create_group(owner, name="Board", privacy="private")
    secret = groups.create_group(
        owner, name="Falcon", description="The covert jackal project", privacy="secret"
    )
    groups.join(member, public)
    _invite(owner, private, member)
    _invite(owner, secret, member)
    keep("falcon", "groups.group", secret)
    keep("jackal", "groups.group", secret)

    # Visible to everyone: company-wide and public-group content.
    feed.create_post(owner, text="Common zephyr news for everyone")
    feed.create_post(owner, text="Common meadow run", audience=visibility.group_token(public.pk))

    # Private group: a status, a comment, an event and a poll.
    private_audience = visibility.group_token(private.pk)
    post = feed.create_post(owner, text="Quokka common agenda", audience=private_audience)
    keep("quokka", "feed.post", post)
    keep("narwhal", "comments.comment", comments.add_comment(member, post, "Narwhal common view"))
    event = feed.create_post(
        owner,
        text="Board dinner",
        audience=private_audience,
        kind=Post.EVENT,
        event=_event("Xylophone gala", "Marimba hall"),
    )
    keep("xylophone", "feed.post", event)
    keep("marimba", "feed.post", event)
    poll = feed.create_post(
        owner,
        audience=private_audience,
        kind=Post.POLL,
        poll={"question": "Pangolin or tapir?", "options": ["Pangolin", "Okapi"]},
    )
    keep("pangolin", "feed.post", poll)
    keep("okapi", "feed.post", poll)

    # Secret group: a post and a comment.
    secret_post = feed.create_post(
        owner, text="Ocelot common plan", audience=visibility.group_token(secret.pk)
    )
    keep("ocelot", "feed.post", secret_post)
    keep("ibex", "comments.comment", comments.add_comment(member, secret_post, "Ibex common"))

    # Pages: restricted to Sales (the owner's and the member's department, not the
    # outsider's), a draft, a page under an unpublished parent, a page behind a password.
    sales_only = make_content_page(home_page, "Marmot bonus scheme", intro="common")
    PageAudience.objects.create(page=sales_only, department=departments["sales"])
    keep("marmot", "pages.contentpage", sales_only)
    course = make_course(make_course_index(home_page), "Tarsier negotiation", intro="common")
    PageAudience.objects.create(page=course, department=departments["sales"])
    keep("tarsier", "pages.coursepage", course)
    draft = home_page.add_child(instance=_draft("Lynx"))
    draft.save_revision()
    keep("lynx", "pages.contentpage", draft)
    archive = make_content_page(home_page, "Old archive")
    below = make_content_page(archive, "Badger notes", intro="common")
    archive.unpublish()
    keep("badger", "pages.contentpage", below)
    locked = make_content_page(home_page, "Heron minutes", intro="common")
    PageViewRestriction.objects.create(
        page=locked,
        restriction_type=PageViewRestriction.PASSWORD,
        password="s3cret",  # noqa: S106
    )
    keep("heron", "pages.contentpage", locked)
    section = make_section(home_page)
    session = section.add_child(
        instance=WellnessSessionPage(
            title="Gecko stretching",
            slug="gecko",
            starts_at=timezone.now() + timedelta(days=2),
            capacity=5,
            place="Room common",
            live=False,
        )
    )
    keep("gecko", "pages.wellnesssessionpage", session)

    # People: a deactivated person.
    gone = make_user("z@example.com", first_name="Quentin", last_name="Zyzzyva")
    gone.is_active = False
    gone.save()
    keep("zyzzyva", "people.person", gone)

    call_command("rebuild_search_index", stdout=io.StringIO(), stderr=io.StringIO())
    return Corpus(owner, member, outsider, items, public, private, secret)


def _draft(title):
    from portal.core.models import ContentPage

    return ContentPage(title=f"{title} draft memo", slug=title.lower(), intro="common", live=False)


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


#: Hidden from the outsider; ``True``: the member finds it (a member of the groups, in the
#: page's department); ``False``: nobody does.
CASES = {
    "quokka": True,
    "narwhal": True,
    "xylophone": True,
    "marimba": True,
    "pangolin": True,
    "okapi": True,
    "ocelot": True,
    "ibex": True,
    "falcon": True,
    "jackal": True,
    "marmot": True,
    "tarsier": True,
    "lynx": False,
    "badger": False,
    "heron": False,
    "gecko": False,
    "zyzzyva": False,
}

#: Words in the titles of their items (suggestions are title prefixes).
IN_TITLE = {"quokka", "xylophone", "pangolin", "ocelot", "falcon", "marmot", "tarsier"}


def assert_finds_nothing(user, word):
    results = query.search(user, word)
    assert results.hits == []
    assert results.total == 0
    assert not any(results.counts.values()), results.counts
    assert query.suggest(user, word) == []
    assert query.suggest(user, word[:4]) == []


@pytest.mark.parametrize("word", sorted(CASES))
def test_hidden_items_are_found_only_by_who_may_see_them(corpus, word):
    key, object_id = corpus.items[word]
    assert_finds_nothing(fresh(corpus.outsider), word)
    member = fresh(corpus.member)
    results = query.search(member, word)
    if not CASES[word]:
        assert_finds_nothing(member, word)
        assert_finds_nothing(fresh(corpus.owner), word)
        return
    assert (key, object_id) in [(hit.key, hit.object_id) for hit in results.hits]
    assert results.counts.get(key, 0) >= 1
    if word in IN_TITLE:
        assert (key, object_id) in [(hit.key, hit.object_id) for hit in query.suggest(member, word)]


def test_highlights_of_visible_items_show_nothing_hidden(corpus):
    outsider = fresh(corpus.outsider)
    results = query.search(outsider, "common", per_page=50)
    assert results.total == len(results.hits) == 2  # the company-wide and the public posts
    shown = " ".join(f"{hit.title_html} {hit.snippet_html}".lower() for hit in results.hits)
    assert "<mark>" in shown
    for word in CASES:
        assert word not in shown
    assert set(results.counts) <= {"feed.post"}
    member_results = query.search(fresh(corpus.member), "common", per_page=50)
    assert member_results.total > results.total


def test_a_member_who_leaves_loses_the_content_at_once(corpus):
    member = fresh(corpus.member)
    # The post and its comment (found by its own words, not by the post's title).
    assert query.search(member, "quokka").total + query.search(member, "narwhal").total == 2
    groups.leave(member, corpus.private_group)
    groups.leave(member, corpus.secret_group)
    again = fresh(corpus.member)
    for word in ("quokka", "narwhal", "xylophone", "okapi", "ocelot", "ibex", "jackal"):
        assert_finds_nothing(again, word)
    # Still in the public group and in Sales.
    assert query.search(again, "meadow").total == 1
    assert query.search(again, "marmot").total == 1


def test_the_same_user_object_loses_it_too(corpus):
    """forget_tokens is called by the groups services on the object they were given."""
    member = fresh(corpus.member)
    # The secret post and its comment (found by its own words).
    assert query.search(member, "ocelot").total + query.search(member, "ibex").total == 2
    groups.leave(member, corpus.secret_group)
    assert_finds_nothing(member, "ocelot")
    assert_finds_nothing(member, "ibex")


def test_anonymous_and_inactive_people_find_nothing(corpus):
    for word in ("zephyr", "common", "quokka", "runners"):
        assert_finds_nothing(AnonymousUser(), word)
    member = fresh(corpus.member)
    member.is_active = False
    member.save()
    for word in ("zephyr", "common", "quokka", "runners"):
        assert_finds_nothing(fresh(corpus.member), word)


def test_outsiders_find_what_is_theirs(corpus):
    outsider = fresh(corpus.outsider)
    assert query.search(outsider, "zephyr").total == 1
    assert query.search(outsider, "meadow").total == 1  # a public group's post
    # A private group is known to everyone, a secret one is not.
    assert [hit.key for hit in query.search(outsider, "board").hits] == ["groups.group"]
    assert query.search(outsider, "runners").total == 1


def test_page_tokens_follow_the_listings_for_pages_below_an_unpublished_page(home_page, employee):
    parent = make_content_page(home_page, "Parent")
    child = make_content_page(parent, "Child")
    assert visibility_rules.page_tokens(child) == {visibility.EVERYONE}
    parent.unpublish()
    child.refresh_from_db()
    assert child.live
    assert visibility_rules.page_tokens(child) == set()
    assert not visibility.can_view(employee, child)
    assert visibility.tokens_for_object(child) == set()


def test_a_page_restricted_at_two_levels_is_counted_only_for_who_passes_both(
    home_page, departments, employee
):
    """A section for Engineering holding a page for Platform and Sales: Sales people pass
    the page's own audience but not the section's, so they find nothing, not even a count."""
    section = make_content_page(home_page, "Engineering handbook")
    PageAudience.objects.create(page=section, department=departments["engineering"])
    page = make_content_page(section, "Quokka rollout plan")
    PageAudience.objects.create(page=page, department=departments["platform"])
    PageAudience.objects.create(page=page, department=departments["sales"])
    platform = visibility.department_token(departments["platform"].pk)
    assert visibility_rules.page_tokens(page) == {platform}
    call_command("rebuild_search_index", stdout=io.StringIO())
    seller = make_user("seller@example.com", department=departments["sales"])
    assert not visibility.can_view(seller, page)
    found = query.search(seller, "quokka")
    assert found.total == 0 and not any(found.counts.values())
    assert query.suggest(seller, "quokka") == []
    mine = query.search(fresh(employee), "quokka")
    assert [hit.title for hit in mine.hits] == ["Quokka rollout plan"]
