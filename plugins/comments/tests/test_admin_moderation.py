"""Comments on declared objects other than posts, from the moderators' side: the "Comments"
list of the Wagtail admin (who sees what, filters, deleting, closing reports), the page
editor's button, and the summaries the plugin gives lists and the pages API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.urls import reverse

from plugins.comments import services
from plugins.comments.models import Comment, CommentReport
from plugins.feed.models import Post
from portal import interactions
from portal.editorial.learning.factories import make_course, make_course_index
from portal.editorial.news import services as news_services
from portal.editorial.news.factories import make_news, make_news_index
from portal.editorial.weeks.models import Initiative
from portal.editorial.weeks.tests.factories import make_index, make_initiative, make_week
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LIST = "/admin/comments/"


@pytest.fixture
def world(home_page, editor, employee, colleague):
    news_index = make_news_index(home_page)
    news = make_news(news_index, "Canteen news", owner=editor)
    course = make_course(make_course_index(home_page), "Security basics", owner=editor)
    week = make_week(make_index(home_page), "Green week", owner=editor)
    initiative = make_initiative(week, colleague, "Car-sharing", status=Initiative.Status.APPROVED)
    post = Post.objects.create(author=colleague, text="Hi", html="<p>Hi</p>", audience="all")
    return {
        "news_index": news_index,
        "news": news,
        "course": course,
        "initiative": initiative,
        "post": post,
        "on_news": services.add_comment(employee, news, "About the canteen"),
        "on_course": services.add_comment(employee, course, "About security"),
        "on_initiative": services.add_comment(employee, initiative, "About sharing"),
        "on_post": services.add_comment(employee, post, "About the post"),
    }


@pytest.fixture
def writer(world):
    """A news writer: edits the news section only."""
    news_services.setup_news_moderation(world["news_index"])
    user = make_user("writer@example.com")
    user.groups.add(AuthGroup.objects.get(name=news_services.WRITERS_GROUP_NAME))
    return user


def listed(client) -> list[str]:
    response = client.get(LIST)
    assert response.status_code == 200
    return [c.text for c in response.context["comments"]]


def test_editors_see_the_comments_of_what_they_moderate_newest_first(world, client, editor):
    client.force_login(editor)
    # Pages (they edit every page) and initiatives (they approve them); not posts.
    assert listed(client) == ["About sharing", "About security", "About the canteen"]
    html = client.get(LIST).content.decode()
    assert f'href="{world["news"].url}#comment-{world["on_news"].pk}"' in html
    assert reverse("wagtailadmin_pages:edit", args=[world["news"].pk]) in html


def test_a_news_writer_sees_the_comments_of_the_news_only(world, client, writer):
    client.force_login(writer)
    assert "About the canteen" in listed(client)
    assert "About security" not in listed(client)
    response = client.get(reverse("comments_admin_delete", args=[world["on_course"].pk]))
    assert response.status_code == 404
    response = client.post(reverse("comments_admin_delete", args=[world["on_course"].pk]))
    assert response.status_code == 404
    assert Comment.objects.filter(pk=world["on_course"].pk).exists()


def test_administrators_see_every_comment(world, client, administrator):
    client.force_login(administrator)
    assert set(listed(client)) == {
        "About the canteen",
        "About security",
        "About sharing",
        "About the post",
    }


def menu_names(rf, user) -> list[str]:
    from wagtail.admin.menu import admin_menu

    request = rf.get("/admin/")
    request.user = user
    return [item.name for item in admin_menu.menu_items_for_request(request)]


def test_people_who_moderate_nothing_have_no_comments_menu(world, client, rf, hr_user, employee):
    client.force_login(hr_user)
    response = client.get(LIST)  # Wagtail sends refusals back to the dashboard
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "portal-comments" not in menu_names(rf, hr_user)
    client.force_login(employee)  # no admin at all
    assert client.get(LIST).status_code == 302
    assert (
        client.get(reverse("comments_admin_delete", args=[world["on_news"].pk])).status_code == 302
    )


def test_the_menu_shows_for_moderators(world, rf, editor, administrator):
    assert "portal-comments" in menu_names(rf, editor)
    assert "portal-comments" in menu_names(rf, administrator)


def test_filters(world, client, editor, colleague):
    client.force_login(editor)
    services.report_comment(colleague, world["on_course"], "Rude")
    response = client.get(LIST, {"kind": "news.newspage"})
    assert [c.text for c in response.context["comments"]] == ["About the canteen"]
    response = client.get(LIST, {"reported": "1"})
    assert [c.text for c in response.context["comments"]] == ["About security"]
    assert "Rude" in response.content.decode()
    response = client.get(LIST, {"object": f"weeks.initiative:{world['initiative'].pk}"})
    assert [c.text for c in response.context["comments"]] == ["About sharing"]
    assert "Car-sharing" in response.content.decode()
    for junk in ("nothing", "news.newspage:x", "x:1", "news.newspage:" + "9" * 30):
        assert client.get(LIST, {"object": junk, "kind": junk}).status_code == 200


def test_deleting_a_comment_and_its_replies_keeps_counters(world, client, editor, colleague):
    news, comment = world["news"], world["on_news"]
    services.add_comment(colleague, news, "A reply", parent=comment)
    client.force_login(editor)
    url = reverse("comments_admin_delete", args=[comment.pk])
    confirm = client.get(url, {"next": f"{LIST}?kind=news.newspage"})
    assert confirm.status_code == 200
    assert "Its reply will be deleted too." in confirm.content.decode()
    response = client.post(url, {"next": f"{LIST}?kind=news.newspage"})
    assert response.status_code == 302 and response["Location"] == f"{LIST}?kind=news.newspage"
    assert not services.of(news).exists()
    # Elsewhere than the list: back to the list.
    response = client.post(
        reverse("comments_admin_delete", args=[world["on_course"].pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == LIST


def test_closing_reports(world, client, editor, colleague):
    kept, removed = world["on_news"], world["on_course"]
    services.report_comment(colleague, kept, "Spam?")
    services.report_comment(colleague, removed, "Rude")
    client.force_login(editor)
    url = reverse("comments_admin_resolve", args=[kept.pk])
    assert client.post(url, {"action": "keep"}).status_code == 302
    assert Comment.objects.filter(pk=kept.pk).exists()
    report = CommentReport.objects.get(comment=kept)
    assert report.resolved_by == editor and not report.removed
    url = reverse("comments_admin_resolve", args=[removed.pk])
    assert client.post(url, {"action": "delete"}).status_code == 302
    assert not Comment.objects.filter(pk=removed.pk).exists()
    assert client.post(url, {"action": "delete"}).status_code == 404
    assert client.get(url).status_code == 405
    assert client.post(reverse("comments_admin_resolve", args=[kept.pk]), {}).status_code == 302
    assert Comment.objects.filter(pk=kept.pk).exists()


def test_the_page_editor_links_to_the_page_comments(world, client, editor):
    client.force_login(editor)
    html = client.get(f"/admin/pages/{world['news'].pk}/edit/").content.decode()
    assert f"/admin/comments/?object=news.newspage%3A{world['news'].pk}" in html
    html = client.get(f"/admin/pages/{world['news_index'].pk}/edit/").content.decode()
    assert "/admin/comments/?object=" not in html


def test_summaries_of_objects(world, employee):
    found = interactions.summaries(employee, [world["news"], world["initiative"], world["post"]])
    news = found[("news.newspage", world["news"].pk)]
    assert news["comments"]["count"] == 1 and news["comments"]["open"] is True
    assert news["reactions"]["total"] == 0
    assert found[("weeks.initiative", world["initiative"].pk)]["comments"]["url"] == (
        f"/api/initiatives/{world['initiative'].pk}/comments/"
    )
    assert found[("feed.post", world["post"].pk)]["comments"]["count"] == 1
    assert [s.name for s in interactions.summary_types()] == ["reactions", "comments"]
