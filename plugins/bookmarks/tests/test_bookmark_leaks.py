"""Bookmarks of internal records (leak class 2 of issue 12).

Only kinds a plugin (or the core, for pages) declares bookmarkable are bookmark targets;
everything else the visibility policy knows (poll votes, reports, enrolments, RSVPs,
memberships...) answers exactly like an id that does not exist, in the API and in the
bookmark button's form, and an anonymous poll's vote is visible to nobody, ever.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured

from plugins.bookmarks import services
from plugins.bookmarks.models import Bookmark
from plugins.feed import polls
from plugins.feed import services as feed
from plugins.feed.models import EventResponse, Poll, PollOption, PollVote, Post
from plugins.groups import services as groups
from plugins.groups.models import Membership
from portal import plugins, visibility
from portal.editorial.learning import services as learning
from portal.editorial.learning.factories import make_course, make_course_index
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MISSING = 999_999_999


def poll_post(author, anonymous: bool) -> Post:
    return feed.create_post(
        author,
        kind=Post.POLL,
        poll={"question": "Tea or coffee?", "options": ["Tea", "Coffee"], "anonymous": anonymous},
    )


def vote(user, post) -> PollVote:
    option = PollOption.objects.filter(poll__post=post).first()
    return polls.vote(user, post, [option.pk])[0]


@pytest.fixture
def records(employee, colleague, home_page):
    """One of each internal record, all about content ``employee`` may see."""
    anonymous = poll_post(colleague, anonymous=True)
    named = poll_post(colleague, anonymous=False)
    event = feed.create_post(
        colleague, kind=Post.EVENT, event={"title": "Party", "starts_at": "2030-01-01T18:00"}
    )
    response = EventResponse.objects.create(
        event=event.event, user=colleague, answer=EventResponse.GOING
    )
    course = make_course(make_course_index(home_page), "GDPR basics")
    enrolment, _created = learning.enrol(colleague, course)
    report = feed.report_post(colleague, feed.create_post(employee, text="Mine"), "Spam")
    group = groups.create_group(colleague, name="Runners", privacy="public")
    return {
        "feed.pollvote": vote(colleague, anonymous),
        "feed.pollvote:named": vote(colleague, named),
        "feed.poll": Poll.objects.get(post=named),
        "feed.eventresponse": response,
        "feed.report": report,
        "learning.enrolment": enrolment,
        "groups.membership": Membership.objects.get(group=group, user=colleague),
        "accounts.department": employee.department,
    }


def label(obj) -> str:
    return ContentType.objects.get_for_model(obj).natural_key()[0] + "." + obj._meta.model_name


KINDS = [
    "feed.pollvote",
    "feed.pollvote:named",
    "feed.poll",
    "feed.eventresponse",
    "feed.report",
    "learning.enrolment",
    "groups.membership",
    "accounts.department",
]


@pytest.mark.parametrize("kind", KINDS)
def test_an_internal_record_answers_like_a_missing_id_in_the_api(employee_client, records, kind):
    record = records[kind]
    asked = employee_client.post(
        "/api/bookmarks/", {"target_type": label(record), "target_id": record.pk}, format="json"
    )
    missing = employee_client.post(
        "/api/bookmarks/", {"target_type": label(record), "target_id": MISSING}, format="json"
    )
    unknown = employee_client.post(
        "/api/bookmarks/", {"target_type": "nothing.here", "target_id": 1}, format="json"
    )
    assert asked.status_code == missing.status_code == unknown.status_code == 400
    assert asked.json() == missing.json() == unknown.json()
    assert str(record) not in asked.content.decode()
    assert not Bookmark.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_an_internal_record_answers_like_a_missing_id_in_the_form(logged_in, records, kind):
    record = records[kind]
    for accept in ("text/html", "application/json"):
        answers = [
            logged_in.post(
                "/bookmarks/toggle/",
                {"type": label(record), "id": pk},
                HTTP_ACCEPT=accept,
            )
            for pk in (record.pk, MISSING)
        ]
        assert answers[0].status_code == answers[1].status_code == 400
        assert answers[0].content == answers[1].content
    assert not Bookmark.objects.exists()


def test_an_old_bookmark_of_an_internal_record_is_listed_nowhere(
    employee, employee_client, records
):
    """Saved before kinds were declared: it stays out of every listing."""
    for kind in ("feed.pollvote:named", "feed.report"):
        record = records[kind]
        Bookmark.objects.create(
            user=employee,
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
        )
    assert not services.visible_bookmarks(employee).exists()
    assert employee_client.get("/api/bookmarks/").json()["count"] == 0


def test_declared_kinds_can_be_bookmarked(employee_client, employee, colleague, content_page):
    post = feed.create_post(colleague, text="Worth keeping")
    group = groups.create_group(colleague, name="Runners", privacy="public")
    for target_type, pk in [
        ("feed.post", post.pk),
        ("groups.group", group.pk),
        ("accounts.user", colleague.pk),
        ("core.contentpage", content_page.pk),
    ]:
        response = employee_client.post(
            "/api/bookmarks/", {"target_type": target_type, "target_id": pk}, format="json"
        )
        assert response.status_code == 201, target_type
    assert services.visible_bookmarks(employee).count() == 4


def test_hidden_posts_and_groups_answer_like_missing_ones(
    employee, employee_client, api_client, colleague
):
    """An outsider, a member who left and an anonymous client."""
    secret = groups.create_group(colleague, name="Falcon", privacy="secret")
    post = feed.create_post(colleague, text="Secret plan", audience=f"group:{secret.pk}")
    leaver = make_user("leaver@example.com")
    groups.accept_invitation(leaver, groups.invite(colleague, secret, [leaver])[0])
    groups.leave(leaver, secret)
    from rest_framework.test import APIClient

    leaver_client = APIClient()
    leaver_client.force_authenticate(leaver)
    for client in (employee_client, leaver_client):
        for target_type, pk in (("feed.post", post.pk), ("groups.group", secret.pk)):
            hidden = client.post(
                "/api/bookmarks/", {"target_type": target_type, "target_id": pk}, format="json"
            )
            missing = client.post(
                "/api/bookmarks/", {"target_type": target_type, "target_id": MISSING}, format="json"
            )
            assert hidden.status_code == 400 and hidden.json() == missing.json()
    anonymous = api_client.post(
        "/api/bookmarks/", {"target_type": "feed.post", "target_id": post.pk}, format="json"
    )
    assert anonymous.status_code in (401, 403)
    assert "Secret" not in anonymous.content.decode()
    assert not Bookmark.objects.exists()


# --- An anonymous poll's votes --------------------------------------------------------------


def test_an_anonymous_vote_is_visible_to_nobody(employee, colleague, administrator):
    post = poll_post(colleague, anonymous=True)
    ballot = vote(employee, post)
    for user in (employee, colleague, administrator):
        assert not visibility.can_view(user, ballot)
        assert not visibility.filter_visible(user, PollVote.objects.all()).exists()
    assert visibility.tokens_for_object(ballot) == set()


def test_a_named_vote_is_visible_with_its_poll(employee, colleague):
    secret = groups.create_group(colleague, name="Falcon", privacy="secret")
    hidden = feed.create_post(
        colleague,
        kind=Post.POLL,
        audience=f"group:{secret.pk}",
        poll={"question": "When?", "options": ["Monday", "Friday"]},
    )
    public = poll_post(colleague, anonymous=False)
    ballot = vote(colleague, public)
    vote(colleague, hidden)
    assert visibility.can_view(employee, ballot)
    assert list(visibility.filter_visible(employee, PollVote.objects.all())) == [ballot]


# --- The contract ------------------------------------------------------------------------------


def test_the_declared_kinds():
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    from plugins.comments.models import Comment
    from plugins.groups.models import Group
    from portal.core.models import ContentPage

    for model in (Post, Group, get_user_model(), Page, ContentPage, Comment):
        assert plugins.is_bookmarkable(model), model
    for model in (PollVote, Poll, EventResponse, Membership, Bookmark, None):
        assert not plugins.is_bookmarkable(model), model


def test_a_declaration_must_name_models():
    class Broken:
        class PortalPluginMeta:
            name = "Broken"
            version = "1.0"
            description = "Declares a bookmarkable kind badly."
            category = "other"
            compatibility = ">=0.1"
            bookmarkable = "feed.Post"

    with pytest.raises(ImproperlyConfigured, match="bookmarkable"):
        plugins.validate_meta(Broken)
    Broken.PortalPluginMeta.bookmarkable = ["feed.Post", "Post"]
    with pytest.raises(ImproperlyConfigured, match="bookmarkable"):
        plugins.validate_meta(Broken)
    Broken.PortalPluginMeta.bookmarkable = ["feed.Post"]
    assert plugins.validate_meta(Broken).bookmarkable == ("feed.Post",)


def test_no_generic_by_id_path_reaches_an_internal_record():
    """Bookmarks, reactions and search each take only what is declared to them: none of
    the internal records the policy knows is among those."""
    from plugins.feed.models import Attachment, Event, Report
    from plugins.groups.models import Invitation, JoinRequest
    from plugins.reactions import registry
    from portal.editorial.learning.models import Enrolment, LessonProgress
    from portal.editorial.wellness.models import Booking
    from search.registry import searchable_types

    internal = [
        PollVote,
        PollOption,
        Poll,
        Event,
        EventResponse,
        Attachment,
        Report,
        Membership,
        Invitation,
        JoinRequest,
        Enrolment,
        LessonProgress,
        Booking,
    ]
    indexed = {searchable.model for searchable in searchable_types().values()}
    for model in internal:
        assert not plugins.is_bookmarkable(model), model
        assert registry.reactable_for(model) is None, model
        assert not any(issubclass(model, found) for found in indexed), model
