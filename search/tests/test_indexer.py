"""The indexer: changes reach the index when their transaction commits (never before, never
when it rolls back), audiences changes re-index what depends on them, errors are logged and
never break the save, and ``rebuild_search_index`` rebuilds everything.

pytest-django runs each test in a transaction: on-commit callbacks only run inside
``django_capture_on_commit_callbacks(execute=True)``, which stands for the commit here.
"""

from __future__ import annotations

import dataclasses
import io
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks.signals import task_enqueued

from plugins.comments import services as comments
from plugins.feed import services as feed
from plugins.groups import services as groups
from portal import visibility
from portal.core.models import PageAudience
from search import query, registry, tasks
from search.backends import get_backend
from tests.factories import make_content_page, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): ...`` runs what the block registered for the commit at its end."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def enqueued():
    calls = []

    def receive(sender, task_result, **kwargs):
        if task_result.task.name == tasks.update_documents.name:
            calls.append(task_result.args[0])

    task_enqueued.connect(receive, dispatch_uid="search-tests-enqueued")
    yield calls
    task_enqueued.disconnect(dispatch_uid="search-tests-enqueued")


def found(user, q, types=None):
    """What ``user`` finds for ``q``, as (key, object_id) pairs."""
    user = get_user_model().objects.get(pk=user.pk) if user.pk else user
    return sorted((hit.key, hit.object_id) for hit in query.search(user, q, types=types).hits)


def uid(key, obj):
    return (key, str(obj.pk))


@pytest.fixture
def owner(departments):
    return make_user("owner@example.com", department=departments["sales"])


@pytest.fixture
def outsider(db):
    return make_user("outsider@example.com")


# --- Posts -------------------------------------------------------------------------------


def test_a_post_is_found_after_the_commit_not_before(commit, employee, colleague, enqueued):
    with commit():
        post = feed.create_post(employee, text="Quarterly zorblax review #finance")
        assert found(colleague, "zorblax") == []
    assert found(colleague, "zorblax") == [uid("feed.post", post)]
    # The post and its hashtags were saved in one transaction: one task, the post once
    # (with what the fixtures saved before, flushed at the same commit).
    assert len(enqueued) == 1
    assert enqueued[0].count(["feed.post", str(post.pk)]) == 1


def test_a_rolled_back_change_is_not_indexed(commit, employee, enqueued):
    with commit(), pytest.raises(RuntimeError), transaction.atomic():
        feed.create_post(employee, text="Vanishing glimmerwort")
        raise RuntimeError
    assert enqueued == []
    assert found(employee, "glimmerwort") == []


def test_an_edited_post_is_found_by_its_new_words_only(commit, employee, colleague):
    with commit():
        post = feed.create_post(employee, text="Lunch at the brasserie")
    with commit():
        feed.update_post(employee, post, text="Lunch at the trattoria")
    assert found(colleague, "brasserie") == []
    assert found(colleague, "trattoria") == [uid("feed.post", post)]


def test_a_deleted_post_and_its_comments_are_gone(commit, employee, colleague):
    with commit():
        post = feed.create_post(employee, text="Picnic plans")
        comments.add_comment(colleague, post, "I bring the quiche")
    assert found(colleague, "quiche") != []
    with commit():
        feed.delete_post(employee, post)
    assert found(colleague, "picnic") == []
    assert found(colleague, "quiche") == []
    assert (
        get_backend()
        .search(
            query._query(colleague, "quiche")  # the index itself, not just the re-check
        )
        .total
        == 0
    )


def test_a_post_moved_to_a_private_group_leaves_outsiders(commit, owner, outsider, colleague):
    with commit():
        board = groups.create_group(owner, name="Board", privacy="private")
        post = feed.create_post(owner, text="Merger rumours")
        comment = comments.add_comment(outsider, post, "Merger with whom")
    assert found(outsider, "merger") == sorted(
        [uid("feed.post", post), uid("comments.comment", comment)]
    )
    with commit():
        post.group = board
        post.audience = visibility.group_token(board.pk)
        post.save()
    # Neither the post nor its comment (visible through the post), not even in counts.
    assert found(outsider, "merger") == []
    outsider_view = get_backend().search(query._query(outsider, "merger"))
    assert outsider_view.total == 0 and not any(outsider_view.counts.values())
    assert query.suggest(outsider, "merger") == []
    assert found(owner, "merger") == sorted(
        [uid("feed.post", post), uid("comments.comment", comment)]
    )


def test_named_people_changes_reindex_the_object(commit, employee, colleague, outsider):
    """Named people (the sample plugin's notes; feed posts never use them): adding or
    removing a person re-indexes the object."""
    from tests.sample_plugin.models import Note

    with commit():
        note = Note.objects.create(
            author=employee, text="Salary review draft", audience=visibility.PEOPLE
        )
    assert found(colleague, "salary") == []
    with commit():
        note.audience_people.add(colleague)
    assert found(colleague, "salary") == [uid("sample.note", note)]
    assert found(outsider, "salary") == []
    with commit():
        note.audience_people.remove(colleague)
    assert found(colleague, "salary") == []


# --- People --------------------------------------------------------------------------------


def test_a_deactivated_person_leaves_the_people_results(commit, departments, employee):
    with commit():
        person = make_user(
            "h.lefevre@example.com",
            first_name="Hélène",
            last_name="Lefèvre",
            department=departments["sales"],
        )
    assert found(employee, "lef", types=["people.person"]) == [uid("people.person", person)]
    with commit():
        person.is_active = False
        person.save()
    assert found(employee, "lefevre", types=["people.person"]) == []
    assert query.suggest(employee, "lef") == []


def test_a_profile_and_a_department_change_reindex_the_person(commit, departments, employee):
    from plugins.people.models import Profile

    with commit():
        person = make_user("ana@example.com", department=departments["sales"])
    with commit():
        profile, _created = Profile.objects.get_or_create(user=person)
        profile.job_title = "Cartographer"
        profile.save()
    assert found(employee, "cartographer") == [uid("people.person", person)]
    with commit():
        profile.skills.add("origami")
    assert found(employee, "origami") == [uid("people.person", person)]
    with commit():
        departments["sales"].name = "Brokerage"
        departments["sales"].save()
    assert uid("people.person", person) in found(employee, "brokerage")


def test_created_then_deleted_departments_log_nothing_and_reindex_their_members(
    commit, employee, caplog
):
    """An import creates departments, a clean-up deletes them in one transaction: the
    watchers, asked at the commit, used to ask each deleted department for its members."""
    from portal.accounts.models import Department

    caplog.set_level(logging.ERROR, logger="search")
    with commit():
        cartography = Department.objects.create(name="Cartography")
        team = Department.objects.create(name="Coasts", parent=cartography)
        person = make_user("ana@example.com", department=team)
    assert uid("people.person", person) in found(employee, "coasts")
    with commit(), transaction.atomic():
        team.delete()
        cartography.delete()
    assert not caplog.records, [record.getMessage() for record in caplog.records]
    # The person's document no longer shows the department (its group is the groups
    # plugin's to keep or remove).
    assert uid("people.person", person) not in found(employee, "coasts")
    assert uid("people.person", person) in found(employee, "ana")


def test_a_login_does_not_reindex(commit, employee, enqueued):
    with commit():
        employee.save(update_fields=["last_login"])
    assert enqueued == []


# --- Pages ---------------------------------------------------------------------------------


def test_an_unpublished_page_and_the_pages_below_it_are_gone(commit, home_page, employee):
    with commit():
        guide = make_content_page(home_page, "Onboarding handbook")
        chapter = make_content_page(guide, "Handbook chapter one")
    assert found(employee, "handbook") == sorted(
        [uid("pages.contentpage", guide), uid("pages.contentpage", chapter)]
    )
    with commit():
        guide.unpublish()
    assert found(employee, "handbook") == []
    with commit():
        guide.save_revision().publish()
    assert len(found(employee, "handbook")) == 2


def test_a_page_audience_limits_the_page_and_its_children(
    commit, home_page, departments, employee, colleague
):
    with commit():
        page = make_content_page(home_page, "Sales playbook")
        child = make_content_page(page, "Playbook pricing")
    assert len(found(employee, "playbook")) == 2
    with commit():
        PageAudience.objects.create(page=page, department=departments["sales"])
    assert found(employee, "playbook") == []  # Platform
    assert found(colleague, "playbook") == sorted(  # Sales
        [uid("pages.contentpage", page), uid("pages.contentpage", child)]
    )
    assert get_backend().search(query._query(employee, "playbook")).total == 0
    with commit():
        PageAudience.objects.filter(page=page).delete()
    assert len(found(employee, "playbook")) == 2


def test_a_moved_page_takes_its_new_parents_audience(
    commit, home_page, departments, employee, colleague
):
    with commit():
        sales_area = make_content_page(home_page, "Sales area")
        PageAudience.objects.create(page=sales_area, department=departments["sales"])
        memo = make_content_page(home_page, "Commission memo")
    assert found(employee, "commission") == [uid("pages.contentpage", memo)]
    with commit():
        memo.move(sales_area, pos="last-child")
    assert found(employee, "commission") == []
    assert found(colleague, "commission") == [uid("pages.contentpage", memo)]


def test_a_view_restriction_hides_the_page_and_its_children(commit, home_page, employee):
    from wagtail.models import PageViewRestriction

    with commit():
        page = make_content_page(home_page, "Auditor notes")
        make_content_page(page, "Auditor annex")
    assert len(found(employee, "auditor")) == 2
    with commit():
        restriction = PageViewRestriction.objects.create(
            page=page,
            restriction_type=PageViewRestriction.PASSWORD,
            password="x",  # noqa: S106
        )
    assert found(employee, "auditor") == []
    with commit():
        restriction.delete()
    assert len(found(employee, "auditor")) == 2


def test_a_new_revision_of_a_course_is_found_by_its_new_title(commit, home_page, employee):
    from portal.editorial.learning.factories import make_course, make_course_index

    with commit():
        course = make_course(make_course_index(home_page), "Spreadsheet basics")
    assert found(employee, "spreadsheet") == [uid("pages.coursepage", course)]
    with commit():
        course.title = "Tabulator basics"
        course.save_revision().publish()
    assert found(employee, "spreadsheet") == []
    assert found(employee, "tabulator", types=["pages.coursepage"]) == [
        uid("pages.coursepage", course)
    ]


# --- Errors --------------------------------------------------------------------------------


def test_an_indexing_error_is_logged_and_the_save_succeeds(
    commit, employee, colleague, monkeypatch, caplog
):
    with commit():
        post = feed.create_post(employee, text="Stable kumquat")
    assert found(colleague, "kumquat") == [uid("feed.post", post)]

    def broken(post):
        raise ValueError("broken to_document")

    searchable = registry.searchable_types()["feed.post"]
    monkeypatch.setitem(
        registry._registry, "feed.post", dataclasses.replace(searchable, to_document=broken)
    )
    with caplog.at_level(logging.ERROR, logger="portal.search"), commit():
        edited = feed.update_post(employee, post, text="Stable kumquat, edited")
        other = feed.create_post(employee, text="Another kumquat")
    assert edited.pk and type(other).objects.filter(pk=other.pk).exists()
    assert any(
        record.name == "portal.search" and "feed.post" in record.getMessage()
        for record in caplog.records
    )
    # A document that cannot be built is dropped rather than left stale.
    assert get_backend().search(query._query(colleague, "kumquat")).total == 0


def test_refreshing_many_posts_costs_the_same_queries_as_a_few(employee):
    posts = [feed.create_post(employee, text=f"Batch {n} #tag{n}") for n in range(12)]
    pairs = [["feed.post", str(post.pk)] for post in posts]

    def reads(pairs):
        """The queries loading and building the documents (the backend's writes aside)."""
        with CaptureQueriesContext(connection) as captured:
            tasks.refresh(pairs)
        return [q for q in captured.captured_queries if "search_document" not in q["sql"]]

    assert len(reads(pairs)) == len(reads(pairs[:3]))


# --- The rebuild command -------------------------------------------------------------------


def _rebuild(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_search_index", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rebuild_indexes_everything(home_page, employee, colleague):
    post = feed.create_post(employee, text="Rebuilt pamplemousse")
    page = make_content_page(home_page, "Pamplemousse policy")
    get_backend().clear()
    assert found(colleague, "pamplemousse") == []
    out, err = _rebuild()
    assert found(colleague, "pamplemousse") == sorted(
        [uid("feed.post", post), uid("pages.contentpage", page)]
    )
    assert "documents/s" in out
    assert "feed.post 1" in out and "pages.contentpage 1" in out
    assert "people.person 2" in out
    assert err == ""  # no progress bar when stderr is not a terminal


def test_rebuild_of_some_types_and_the_progress_bar(home_page, employee, colleague):
    post = feed.create_post(employee, text="Typed pomelo")
    make_content_page(home_page, "Pomelo page")
    get_backend().clear()
    out, err = _rebuild("--types", "feed.post", "--progress")
    assert found(colleague, "pomelo") == [uid("feed.post", post)]
    assert "feed.post 1" in out and "pages.contentpage" not in out
    assert "\r[" in err and "1/1 feed.post" in err and "#" in err


def test_rebuild_refuses_unknown_types():
    with pytest.raises(CommandError) as caught:
        _rebuild("--types", "feed.post", "nope.thing")
    message = str(caught.value)
    assert "nope.thing" in message
    # The known types are listed.
    assert "people.person" in message and "pages.coursepage" in message
