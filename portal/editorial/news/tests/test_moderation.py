"""The news moderation workflow and the "News writers" section editors; nobody approves
their own submission (unless PORTAL_ALLOW_SELF_APPROVAL)."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import override_settings
from wagtail.models import TaskState, Workflow, WorkflowPage

from portal import approvals
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


# --- Nobody approves their own submission (portal/approvals.py) -------------------------


@pytest.fixture
def submitted_by_editor(editor, news_index):
    """A news an editor wrote and submitted to moderation themselves."""
    services.setup_news_moderation(news_index)
    news = make_news(news_index, "My own story", publish=False, owner=editor)
    news.get_workflow().start(news, editor)
    news.refresh_from_db()
    return news


@pytest.fixture
def other_editor(db):
    return make_user("other-editor@example.com", role="editor")


def approve_names(task, news, user) -> list[str]:
    return [name for name, _label, _modal in task.get_actions(news, user) if name == "approve"]


def test_the_submitter_is_not_offered_to_approve_another_editor_is(
    submitted_by_editor, editor, other_editor
):
    news = submitted_by_editor
    task = news.current_workflow_task
    assert approve_names(task, news, editor) == []
    assert [name for name, *_rest in task.get_actions(news, editor)] == ["reject"]
    assert approve_names(task, news, other_editor) == ["approve", "approve"]


def test_the_submitter_cannot_approve_even_by_calling_the_task(submitted_by_editor, editor):
    news = submitted_by_editor
    task_state = news.current_workflow_state.current_task_state
    with pytest.raises(approvals.SelfApprovalRefused):
        task_state.task.specific.on_action(task_state, editor, "approve")
    news.refresh_from_db()
    assert not news.live and news.workflow_in_progress


def test_another_editor_approves_and_publishes(submitted_by_editor, other_editor):
    news = submitted_by_editor
    task_state = news.current_workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, other_editor, "approve")
    news.refresh_from_db()
    assert news.live


def test_it_is_not_awaiting_the_submitters_review(submitted_by_editor, editor, other_editor):
    task = submitted_by_editor.current_workflow_task
    assert not task.get_task_states_user_can_moderate(editor).exists()
    assert task.get_task_states_user_can_moderate(other_editor).count() == 1
    assert not TaskState.objects.reviewable_by(editor).exists()


def test_the_page_editor_shows_no_approve_button_to_the_submitter(
    client, submitted_by_editor, editor, other_editor
):
    url = f"/admin/pages/{submitted_by_editor.pk}/edit/"
    client.force_login(editor)
    assert 'data-workflow-action-name="approve"' not in client.get(url).content.decode()
    client.force_login(other_editor)
    assert 'data-workflow-action-name="approve"' in client.get(url).content.decode()


def test_a_crafted_approval_from_the_page_editor_is_refused_with_a_message(
    client, submitted_by_editor, editor
):
    client.force_login(editor)
    url = f"/admin/pages/{submitted_by_editor.pk}/edit/"
    response = client.post(
        url, {"action-workflow-action": "true", "workflow-action-name": "approve"}
    )
    assert response.status_code == 302 and response["Location"] == url
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [str(approvals.SELF_APPROVAL_MESSAGE)]
    submitted_by_editor.refresh_from_db()
    assert not submitted_by_editor.live


def test_the_workflow_modal_refuses_the_submitter(client, submitted_by_editor, editor):
    task_state = submitted_by_editor.current_workflow_state.current_task_state
    client.force_login(editor)
    response = client.post(
        f"/admin/pages/workflow/action/{submitted_by_editor.pk}/approve/{task_state.pk}/",
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code in (302, 403)
    submitted_by_editor.refresh_from_db()
    assert not submitted_by_editor.live


@override_settings(PORTAL_ALLOW_SELF_APPROVAL=True)
def test_the_setting_allows_self_approval(submitted_by_editor, editor):
    news = submitted_by_editor
    task_state = news.current_workflow_state.current_task_state
    assert approve_names(task_state.task.specific, news, editor)
    task_state.task.specific.on_action(task_state, editor, "approve")
    news.refresh_from_db()
    assert news.live


def test_every_approval_task_type_is_guarded():
    from wagtail.workflows import get_task_types

    for task_type in get_task_types():
        assert getattr(task_type.get_actions, "_portal_approval_guard", False), task_type
        assert getattr(task_type.on_action, "_portal_approval_guard", False), task_type
