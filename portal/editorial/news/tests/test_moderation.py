"""The news moderation workflow and the "News writers" section editors."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Workflow, WorkflowPage

from portal.editorial.news import services
from portal.editorial.news.factories import make_news
from portal.editorial.news.models import NewsPage
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(news_index):
    services.setup_news_moderation(news_index)
    user = make_user("writer@example.com")
    user.groups.add(Group.objects.get(name=services.WRITERS_GROUP_NAME))
    return user


def test_setting_up_moderation_twice_changes_nothing(news_index):
    first = services.setup_news_moderation(news_index)
    second = services.setup_news_moderation(news_index)
    assert first == second
    assert Workflow.objects.filter(name="News moderation").count() == 1
    assert WorkflowPage.objects.get(page=news_index).workflow == first
    [task] = [t.specific for t in first.tasks]
    assert [g.name for g in task.groups.all()] == ["Editors"]
    assert Group.objects.filter(name="News writers").count() == 1
    assert news_index.get_workflow() == first


def test_a_writer_writes_news_but_cannot_publish_them(writer, news_index, home_page):
    news = make_news(news_index, "Draft by writer", publish=False, owner=writer)
    permissions = news.permissions_for_user(writer)
    assert permissions.can_edit()
    assert not permissions.can_publish()
    assert news_index.permissions_for_user(writer).can_add_subpage()
    assert not home_page.permissions_for_user(writer).can_add_subpage()


def test_a_writer_submits_and_an_editor_approves(writer, editor, news_index):
    news = make_news(news_index, "Submitted news", publish=False, owner=writer)
    workflow = news.get_workflow()
    state = workflow.start(news, writer)
    news.refresh_from_db()
    assert not news.live
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.user_can_access_editor(news, editor)
    assert not [a for a in task.get_actions(news, writer) if a[0] == "approve"]
    task.on_action(task_state, editor, "approve")
    news.refresh_from_db()
    assert news.live


def test_a_writer_cannot_publish_through_the_admin(client, writer, news_index):
    client.force_login(writer)
    response = client.post(
        f"/admin/pages/add/news/newspage/{news_index.pk}/",
        {
            "title": "Straight to live?",
            "slug": "straight-to-live",
            "kind": "news",
            "date": "2026-01-15",
            "summary": "",
            "hero_alt": "",
            "body-count": "0",
            "tags": "",
            "portal_audiences-TOTAL_FORMS": "0",
            "portal_audiences-INITIAL_FORMS": "0",
            "portal_audiences-MIN_NUM_FORMS": "0",
            "portal_audiences-MAX_NUM_FORMS": "1000",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
            "action-publish": "action-publish",
        },
    )
    assert response.status_code == 302  # saved as a draft, back to the editor
    news = NewsPage.objects.get(slug="straight-to-live")
    assert not news.live
    assert news.author == writer  # the author defaults to whoever writes the news
