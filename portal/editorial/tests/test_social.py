"""Comments and reactions on editorial content: news, courses, lessons, wellness sessions,
themed weeks and their initiatives (declared in each app's ``ready()``, see
:mod:`portal.core.interactive`).

Whoever sees the object comments and reacts (services, API, pages); an object hidden from
someone answers them exactly like a missing one; editors close a page's comments; the
comments follow their page's audience (API and search); the page's owner is notified
through the notification service; the pages API and the week page cost the same queries
whatever the number of pages, comments and reactions; deleting a page takes its comments
and reactions with it.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plugins.comments import services as comments
from plugins.comments.models import Comment
from plugins.notifications.models import Notification
from plugins.reactions import services as reactions
from plugins.reactions.models import Reaction
from portal import interactions
from portal.core.models import PageAudience
from portal.editorial.learning.factories import make_course, make_course_index, make_lesson
from portal.editorial.news.factories import make_news, make_news_index
from portal.editorial.weeks.models import Initiative
from portal.editorial.weeks.tests.factories import make_index, make_initiative, make_week
from portal.editorial.wellness.tests.factories import make_section, make_session
from search import query

pytestmark = pytest.mark.django_db

KINDS = ["news", "course", "lesson", "session", "week", "initiative"]
MISSING_ID = 987654


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): ...`` runs what the block registered for the commit at its end."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def content(home_page, editor, colleague):
    """One object of each kind; the pages belong to the editor, the initiative to the
    colleague."""
    news = make_news(make_news_index(home_page), "The canteen reopens", owner=editor)
    course = make_course(make_course_index(home_page), "Security basics", owner=editor)
    lesson = make_lesson(course, "Passwords", owner=editor)
    session = make_session(make_section(home_page), "Lunchtime yoga", owner=editor)
    week = make_week(make_index(home_page), "Green week", owner=editor)
    initiative = make_initiative(week, colleague, "Car-sharing", status=Initiative.Status.APPROVED)
    return {
        "news": news,
        "course": course,
        "lesson": lesson,
        "session": session,
        "week": week,
        "initiative": initiative,
    }


def prefix_of(obj) -> str:
    return interactions.declaration_for(type(obj)).api_prefix


def url_of(obj) -> str:
    return interactions.url_of(obj)


def content_type_of(obj) -> int:
    return interactions.declaration_for(type(obj)).content_type().pk


def reload(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


def same_body(response, echoed=None) -> str:
    """The body, once per-request tokens are set aside and the id asked for (echoed in a
    form's "next" address) reads as the missing one."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r'nonce="[^"]*"', "", text)
    if echoed is not None:
        text = re.sub(rf"(?<=[/:]){echoed}(?=[/ ])", str(MISSING_ID), text)
    return text


def found(user, q):
    user = get_user_model().objects.get(pk=user.pk)
    return sorted((hit.key, hit.object_id) for hit in query.search(user, q).hits)


# --- Every kind takes comments and reactions ----------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_people_comment_and_react_through_the_services(
    kind, content, employee, editor, colleague, commit
):
    target = content[kind]
    with commit():
        comment = comments.add_comment(employee, target, "Great idea")
        reaction, created = reactions.react(employee, target, "celebrate")
    assert created and reaction.kind == "celebrate"
    assert [c.pk for c in comments.thread(employee, target)] == [comment.pk]
    assert comments.count(target) == 1
    assert reactions.summary(employee, target)["mine"] == "celebrate"
    # The page's owner (the initiative's author) hears of both, with the way back.
    owner = colleague if kind == "initiative" else editor
    notices = {n.kind: n for n in Notification.objects.filter(recipient=owner)}
    assert set(notices) == {"content_comment", "reaction"}
    notice = notices["content_comment"]
    assert notice.url == f"{url_of(target)}#comment-{comment.pk}"
    assert notice.url.startswith("/")
    # Not "your post": what was commented on is named by its title.
    from plugins.notifications.services import message

    assert "your post" not in message(notice) and "commented on" in message(notice)
    assert not Notification.objects.filter(recipient=employee).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_people_comment_and_react_through_the_api(kind, content, employee_client):
    target = content[kind]
    base = f"/api/{prefix_of(target)}/{target.pk}"
    response = employee_client.post(f"{base}/comments/", {"text": "Count me in"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["target"]["id"] == target.pk
    assert body["target"]["url"] == url_of(target)
    reply = employee_client.post(
        f"{base}/comments/", {"text": "Me too", "parent": body["id"]}, format="json"
    )
    assert reply.status_code == 201
    listed = employee_client.get(f"{base}/comments/").json()
    assert [c["text"] for c in listed["results"]] == ["Count me in"]
    assert [r["text"] for r in listed["results"][0]["replies"]] == ["Me too"]

    response = employee_client.post(f"{base}/reactions/", {"kind": "love"}, format="json")
    assert response.status_code == 201
    assert response.json()["summary"]["mine"] == "love"
    assert employee_client.get(f"{base}/reactions/").json()["summary"]["total"] == 1
    assert employee_client.delete(f"{base}/reactions/").status_code == 204


@pytest.mark.parametrize("kind", KINDS)
def test_the_page_of_each_kind_shows_reactions_and_the_thread(kind, content, client, employee):
    target = content[kind]
    comments.add_comment(employee, target, "Seen on the page")
    client.force_login(employee)
    html = client.get(url_of(target)).content.decode()
    assert "Seen on the page" in html
    assert 'id="comments"' in html
    assert f'action="/comments/on/{prefix_of(target)}/{target.pk}/add/"' in html
    assert f'action="/reactions/{content_type_of(target)}/{target.pk}/"' in html
    assert '<h2 id="object-section-1">Reactions</h2>' in html
    assert '<h2 id="object-section-2">Comments</h2>' in html


@pytest.mark.parametrize("kind", ["news", "initiative"])
def test_the_forms_work_without_javascript(kind, content, client, employee):
    target = content[kind]
    client.force_login(employee)
    response = client.post(
        f"/comments/on/{prefix_of(target)}/{target.pk}/add/", {"text": "From the form"}
    )
    comment = Comment.objects.get(text="From the form")
    assert response.status_code == 302
    assert response["Location"] == f"{url_of(target)}#comment-{comment.pk}"
    response = client.post(
        f"/reactions/{content_type_of(target)}/{target.pk}/", {"kind": "like", "next": ""}
    )
    assert response.status_code == 302 and response["Location"] == url_of(target)
    assert reactions.summary(employee, target)["mine"] == "like"


def test_a_deleted_page_takes_its_comments_and_reactions(content, employee, colleague):
    news, lesson = content["news"], content["lesson"]
    for target in (news, lesson):
        first = comments.add_comment(employee, target, "First")
        comments.add_comment(colleague, target, "Reply", parent=first)
        reactions.react(employee, target, "like")
    assert Comment.objects.count() == 4 and Reaction.objects.count() == 2
    news.delete()
    assert not Comment.objects.filter(object_id=news.pk).exists()
    assert not Reaction.objects.filter(object_id=news.pk).exists()
    # A lesson goes with its course (Wagtail deletes the subtree).
    content["course"].delete()
    assert not Comment.objects.exists() and not Reaction.objects.exists()


def test_a_deleted_initiative_takes_its_comments_and_reactions(content, employee):
    initiative = content["initiative"]
    comments.add_comment(employee, initiative, "Nice")
    reactions.react(employee, initiative, "like")
    initiative.delete()
    assert not Comment.objects.exists() and not Reaction.objects.exists()


# --- Audiences: hidden answers like missing ------------------------------------------------


@pytest.fixture
def platform_news(content, departments):
    """The news, for the Platform department only (the employee's; not the colleague's)."""
    news = content["news"]
    PageAudience.objects.create(page=news, department=departments["platform"])
    return news


def test_a_restricted_page_refuses_outsiders_like_a_missing_one(
    platform_news, api_client, colleague, employee
):
    api_client.force_authenticate(colleague)
    for suffix in ("comments/", "reactions/"):
        hidden = api_client.get(f"/api/pages/{platform_news.pk}/{suffix}")
        missing = api_client.get(f"/api/pages/{MISSING_ID}/{suffix}")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
    hidden = api_client.post(
        f"/api/pages/{platform_news.pk}/comments/", {"text": "Hi"}, format="json"
    )
    missing = api_client.post(f"/api/pages/{MISSING_ID}/comments/", {"text": "Hi"}, format="json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    hidden = api_client.post(
        f"/api/pages/{platform_news.pk}/reactions/", {"kind": "like"}, format="json"
    )
    missing = api_client.post(
        f"/api/pages/{MISSING_ID}/reactions/", {"kind": "like"}, format="json"
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert not Comment.objects.exists() and not Reaction.objects.exists()
    with pytest.raises(Exception) as error:
        comments.add_comment(colleague, platform_news, "Sneaky")
    assert error.type.__name__ == "Http404"
    # The employee, in Platform, still may.
    api_client.force_authenticate(employee)
    assert (
        api_client.post(
            f"/api/pages/{platform_news.pk}/comments/", {"text": "Hi"}, format="json"
        ).status_code
        == 201
    )


def test_the_html_views_answer_outsiders_like_for_a_missing_page(platform_news, client, colleague):
    client.force_login(colleague)
    content_type = content_type_of(platform_news)
    pairs = [
        (f"/comments/on/pages/{platform_news.pk}/", f"/comments/on/pages/{MISSING_ID}/"),
        (
            f"/reactions/{content_type}/{platform_news.pk}/people/",
            f"/reactions/{content_type}/{MISSING_ID}/people/",
        ),
    ]
    for hidden_url, missing_url in pairs:
        hidden, missing = client.get(hidden_url), client.get(missing_url)
        assert hidden.status_code == missing.status_code == 404
        assert same_body(hidden, platform_news.pk) == same_body(missing)
    for hidden_url, missing_url, data in [
        (
            f"/comments/on/pages/{platform_news.pk}/add/",
            f"/comments/on/pages/{MISSING_ID}/add/",
            {"text": "Hi"},
        ),
        (
            f"/reactions/{content_type}/{platform_news.pk}/",
            f"/reactions/{content_type}/{MISSING_ID}/",
            {"kind": "like"},
        ),
    ]:
        hidden, missing = client.post(hidden_url, data), client.post(missing_url, data)
        assert hidden.status_code == missing.status_code == 404
        assert same_body(hidden, platform_news.pk) == same_body(missing)
    assert client.get(platform_news.url).status_code == 404
    assert not Comment.objects.exists() and not Reaction.objects.exists()


def test_a_lesson_follows_its_course_audience(content, departments, api_client, colleague):
    lesson = content["lesson"]
    PageAudience.objects.create(page=content["course"], department=departments["platform"])
    api_client.force_authenticate(colleague)
    hidden = api_client.post(f"/api/pages/{lesson.pk}/comments/", {"text": "Hi"}, format="json")
    missing = api_client.post(f"/api/pages/{MISSING_ID}/comments/", {"text": "Hi"}, format="json")
    assert hidden.status_code == 404 and hidden.json() == missing.json()
    assert api_client.get(f"/api/pages/{lesson.pk}/reactions/").status_code == 404


def test_a_pending_initiative_takes_no_comment(content, colleague, employee, api_client):
    pending = make_initiative(content["week"], colleague, "Bike to work")
    api_client.force_authenticate(colleague)  # its author sees it
    response = api_client.post(
        f"/api/initiatives/{pending.pk}/comments/", {"text": "Hi"}, format="json"
    )
    assert response.status_code == 403
    api_client.force_authenticate(employee)  # others do not, until it is approved
    hidden = api_client.get(f"/api/initiatives/{pending.pk}/comments/")
    missing = api_client.get(f"/api/initiatives/{MISSING_ID}/comments/")
    assert hidden.status_code == 404 and hidden.json() == missing.json()


# --- Closing the comments of a page --------------------------------------------------------


def test_an_editor_closes_the_comments_of_a_page(content, employee, employee_client, client):
    news = content["news"]
    comments.add_comment(employee, news, "Before the close")
    news.comments_open = False
    news.save_revision().publish()

    response = employee_client.post(f"/api/pages/{news.pk}/comments/", {"text": "Late"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Comments are closed here."
    with pytest.raises(PermissionDenied):
        comments.add_comment(employee, news, "Late")
    # The thread stays readable; the form is gone; reacting still works.
    client.force_login(employee)
    html = client.get(news.url).content.decode()
    assert "Before the close" in html
    assert "Comments are closed." in html
    assert f'action="/comments/on/pages/{news.pk}/add/"' not in html
    assert f'action="/reactions/{content_type_of(news)}/{news.pk}/"' in html
    assert client.post(f"/comments/on/pages/{news.pk}/add/", {"text": "Late"}).status_code == 403
    assert employee_client.get(f"/api/v2/pages/{news.pk}/").json()["comments"]["open"] is False
    assert Comment.objects.count() == 1


def test_the_comments_switch_is_in_the_page_settings(content, editor, client):
    client.force_login(editor)
    html = client.get(f"/admin/pages/{content['course'].pk}/edit/").content.decode()
    assert 'name="comments_open"' in html
    assert "Employees&#x27; comments" in html or "Employees' comments" in html


# --- Comments follow their page ------------------------------------------------------------


def test_comments_follow_the_page_when_its_audience_narrows(
    content, departments, employee, colleague, api_client, commit
):
    news = content["news"]
    with commit():
        comment = comments.add_comment(employee, news, "Wombat sightings near the canteen")
    api_client.force_authenticate(colleague)
    assert api_client.get(f"/api/comments/{comment.pk}/").status_code == 200
    assert ("comments.comment", str(comment.pk)) in found(colleague, "wombat")

    with commit():
        PageAudience.objects.create(page=news, department=departments["platform"])
    assert api_client.get(f"/api/comments/{comment.pk}/").status_code == 404
    assert not comments.visible_comments(colleague).exists()
    assert found(colleague, "wombat") == []
    # The Platform employee still finds and sees it.
    assert ("comments.comment", str(comment.pk)) in found(employee, "wombat")
    assert comments.visible_comments(employee).get() == comment


def test_no_notification_for_an_owner_who_no_longer_sees_the_page(
    content, departments, employee, editor, commit
):
    news = content["news"]
    PageAudience.objects.create(page=news, department=departments["platform"])
    with commit():
        comments.add_comment(employee, news, "Only Platform reads this")
    # The editor (no department) owns the page but may not see it any more.
    assert not Notification.objects.filter(recipient=editor).exists()


def test_without_an_owner_the_last_publisher_hears_of_comments(home_page, editor, employee, commit):
    news = make_news(make_news_index(home_page), "No owner")
    revision = news.save_revision(user=editor)
    revision.publish(user=editor)
    assert reload(news).owner_id is None
    with commit():
        comments.add_comment(employee, news, "Who reads this?")
    assert Notification.objects.filter(recipient=editor, kind="content_comment").exists()


# --- Moderation by the page's editors ------------------------------------------------------


def test_the_page_editors_moderate_its_comments(content, employee, editor, colleague):
    news, initiative = content["news"], content["initiative"]
    comment = comments.add_comment(employee, news, "Off topic")
    assert comments.can_moderate(editor, news)
    assert not comments.can_moderate(colleague, news)
    with pytest.raises(PermissionDenied):
        comments.delete_comment(colleague, comment)
    assert comments.delete_comment(editor, comment) == 1
    # The initiatives' moderators (the Editor role) moderate comments on initiatives.
    assert comments.can_moderate(editor, initiative)
    assert not comments.can_moderate(employee, initiative)


# --- The pages API -------------------------------------------------------------------------


def test_the_pages_api_shows_counts_and_my_reaction(content, employee, colleague, employee_client):
    news, session = content["news"], content["session"]
    comments.add_comment(colleague, news, "One")
    comments.add_comment(colleague, news, "Two")
    reactions.react(colleague, news, "like")
    reactions.react(employee, news, "love")
    items = {i["id"]: i for i in employee_client.get("/api/v2/pages/").json()["items"]}
    assert items[news.pk]["comments"] == {
        "count": 2,
        "open": True,
        "url": f"/api/pages/{news.pk}/comments/",
    }
    assert items[news.pk]["reactions"] == {
        "counts": {"like": 1, "love": 1},
        "total": 2,
        "mine": "love",
        "top": ["like", "love"],
    }
    assert items[session.pk]["comments"]["count"] == 0
    assert items[session.pk]["reactions"]["total"] == 0
    index = news.get_parent()
    assert "comments" not in items[index.pk] and "reactions" not in items[index.pk]
    detail = employee_client.get(f"/api/v2/pages/{news.pk}/").json()
    assert detail["comments"]["count"] == 2 and detail["reactions"]["mine"] == "love"
    typed = employee_client.get("/api/v2/pages/", {"type": "news.NewsPage"}).json()
    assert typed["items"][0]["reactions"]["mine"] == "love"
    lean = employee_client.get("/api/v2/pages/", {"fields": "-comments,-reactions"}).json()
    assert all("comments" not in i and "reactions" not in i for i in lean["items"])


def test_the_pages_api_costs_the_same_queries_whatever_the_numbers(
    content, employee, colleague, employee_client, django_assert_num_queries
):
    from tests.factories import make_user

    urls = ["/api/v2/pages/", "/api/v2/pages/?type=news.NewsPage"]
    news = content["news"]
    comments.add_comment(colleague, news, "One")
    reactions.react(colleague, news, "like")

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as context:
                assert employee_client.get(url).status_code == 200
            found.append(len(context))
        return found

    counts()  # warm the caches
    few = counts()

    people = [make_user(f"p{i}@example.com") for i in range(5)]
    index = news.get_parent()
    more = [make_news(index, f"Story {i}") for i in range(4)]
    more.append(make_lesson(content["course"], "Another lesson"))
    for target in [news, content["lesson"], content["week"], *more]:
        for person in people:
            comments.add_comment(person, target, "Hello")
            reactions.react(person, target, "celebrate")
    reactions.react(employee, news, "love")
    counts()  # pages were published: what the policy remembers is refilled
    for url, expected in zip(urls, few, strict=True):
        with django_assert_num_queries(expected):
            assert employee_client.get(url).status_code == 200


# --- The week page and its initiatives -----------------------------------------------------


def test_the_week_page_shows_each_initiatives_reactions_and_comments(
    content, employee, colleague, client
):
    week, initiative = content["week"], content["initiative"]
    comments.add_comment(employee, initiative, "Where do we meet?")
    reactions.react(employee, initiative, "love")
    client.force_login(employee)
    html = client.get(week.url).content.decode()
    assert f'href="{url_of(initiative)}#comments"' in html
    assert f'data-url="/comments/on/initiatives/{initiative.pk}/"' in html
    assert "1 comment" in html
    assert f'action="/reactions/{content_type_of(initiative)}/{initiative.pk}/"' in html
    assert f'aria-labelledby="initiative-{initiative.pk}"' in html
    # The initiative's own page: its thread (where notifications lead).
    page = client.get(url_of(initiative))
    assert page.status_code == 200
    assert "Where do we meet?" in page.content.decode()


def test_the_week_page_costs_the_same_queries_whatever_the_initiatives(
    content, employee, colleague, client, django_assert_num_queries
):
    week = content["week"]
    client.force_login(employee)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(week.url).status_code == 200
        return len(context)

    count()
    few = count()
    for i in range(4):
        initiative = make_initiative(
            week, colleague, f"Idea {i}", status=Initiative.Status.APPROVED
        )
        comments.add_comment(employee, initiative, "Yes")
        reactions.react(employee, initiative, "like")
        reactions.react(colleague, initiative, "love")
    count()
    with django_assert_num_queries(few):
        assert client.get(week.url).status_code == 200


def test_a_pending_initiative_page_is_hidden_from_others(content, colleague, employee, client):
    pending = make_initiative(content["week"], colleague, "Bike to work")
    client.force_login(employee)
    assert client.get(url_of(pending)).status_code == 404
    client.force_login(colleague)
    html = client.get(url_of(pending)).content.decode()
    assert "Bike to work" in html and "Comments are closed." in html


def test_the_declarations(content):
    page_kinds = ["news", "course", "lesson", "session", "week"]
    for kind in page_kinds:
        declaration = interactions.declaration_for(type(content[kind]))
        assert declaration.api_prefix == "pages" and declaration.shareable
        assert declaration.content_type() == ContentType.objects.get_for_model(content[kind])
    initiative = interactions.declaration_for(Initiative)
    assert initiative.api_prefix == "initiatives" and initiative.shareable
    assert interactions.lookup("pages", content["lesson"].pk) == content["lesson"]
    assert interactions.lookup("pages", content["news"].get_parent().pk) is None
