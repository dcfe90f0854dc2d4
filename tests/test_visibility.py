"""The one visibility policy, audience by audience, for single objects and querysets."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from wagtail.models import PageViewRestriction

from portal import visibility
from portal.accounts.models import Department
from tests.factories import make_content_page, make_user
from tests.sample_plugin.models import Club, Note, Reply, Unruled

pytestmark = pytest.mark.django_db


def visible_texts(user) -> set[str]:
    return set(visibility.filter_visible(user, Note.objects.all()).values_list("text", flat=True))


def agree(user, note) -> bool:
    """can_view and filter_visible must always give the same answer."""
    single = visibility.can_view(user, note)
    listed = visibility.filter_visible(user, Note.objects.filter(pk=note.pk)).exists()
    assert single == listed, f"can_view={single} but filter_visible={listed}"
    return single


@pytest.fixture
def author(departments):
    return make_user("author@example.com", department=departments["sales"])


def test_everyone_sees_company_wide_content(author, employee, colleague):
    note = Note.objects.create(author=author, text="hello all")
    assert agree(employee, note) and agree(colleague, note)


def test_anonymous_and_inactive_users_see_nothing(author, employee):
    note = Note.objects.create(author=author, text="hello all")
    assert not agree(AnonymousUser(), note)
    employee.is_active = False
    employee.save()
    assert not agree(employee, note)
    assert visible_texts(AnonymousUser()) == set()


def test_department_audience_includes_sub_departments(author, departments, employee, colleague):
    note = Note(author=author, text="engineering only")
    note.set_audience_department(departments["engineering"])
    note.save()
    assert agree(employee, note)  # Platform is inside Engineering
    assert not agree(colleague, note)  # Sales is not


def test_department_audience_excludes_parent_departments(author, departments):
    boss = make_user("boss@example.com", department=departments["company"])
    note = Note(author=author, text="platform only")
    note.set_audience_department(departments["platform"])
    note.save()
    assert not agree(boss, note)


def test_moving_a_department_moves_its_members_access(author, departments, employee):
    note = Note(author=author, text="sales only")
    note.set_audience_department(departments["sales"])
    note.save()
    assert not agree(employee, note)
    departments["engineering"].parent = departments["sales"]
    departments["engineering"].save()
    employee = type(employee).objects.get(pk=employee.pk)  # as on the next request
    assert employee.department.lineage_ids()[:2] == [
        departments["company"].pk,
        departments["sales"].pk,
    ]
    assert agree(employee, note)


def test_a_department_cannot_become_its_own_ancestor(departments):
    company = departments["company"]
    company.parent = departments["platform"]
    with pytest.raises(ValueError):
        company.save()
    company.refresh_from_db()
    assert company.parent is None


def test_group_audience_follows_membership(author, employee, colleague):
    club = Club.objects.create(name="Runners")
    club.members.add(employee)
    note = Note(author=author, text="runners only")
    note.audience = f"club:{club.pk}"
    note.save()
    assert agree(employee, note)
    assert not agree(colleague, note)


def test_a_removed_member_loses_access_on_the_next_request(author, employee):
    club = Club.objects.create(name="Runners")
    club.members.add(employee)
    note = Note(author=author, text="runners only")
    note.audience = f"club:{club.pk}"
    note.save()
    assert agree(employee, note)
    club.members.remove(employee)
    visibility.forget_tokens(employee)  # what a new request does with a fresh user object
    assert not agree(employee, note)


def test_named_people_audience(author, employee, colleague):
    note = Note(author=author, text="for two people")
    note.set_audience_people()
    note.save()
    note.audience_people.add(employee)
    assert agree(employee, note)
    assert not agree(colleague, note)


def test_named_people_listing_has_no_duplicates(author, employee, colleague):
    note = Note(author=author, text="for two people")
    note.set_audience_people()
    note.save()
    note.audience_people.add(employee, colleague)
    assert visibility.filter_visible(employee, Note.objects.all()).count() == 1


def test_the_audience_outranks_the_author(author, departments):
    """Owning content opens no audience one is not in (see the policy's docstring)."""
    note = Note(author=author, text="written for engineering")
    note.set_audience_department(departments["engineering"])
    note.save()
    assert not agree(author, note)
    assert visibility.tokens_for_object(note) == {f"dept:{departments['engineering'].pk}"}


def test_an_author_who_moves_department_loses_its_content(author, departments):
    note = Note(author=author, text="sales only")
    note.set_audience_department(departments["sales"])
    note.save()
    assert agree(author, note)
    author.department = departments["platform"]
    author.save()
    assert not agree(type(author).objects.get(pk=author.pk), note)


def test_an_author_who_leaves_a_club_loses_their_own_note(author, employee):
    club = Club.objects.create(name="Runners")
    club.members.add(author, employee)
    note = Note.objects.create(author=author, text="runners only", audience=f"club:{club.pk}")
    reply = Reply.objects.create(note=note, text="written after they left")
    assert agree(author, note)
    club.members.remove(author)
    visibility.forget_tokens(author)
    assert not agree(author, note)
    assert not visibility.can_view(author, reply)
    assert not visibility.filter_visible(author, Reply.objects.all()).exists()
    assert agree(employee, note)


def test_the_author_of_named_people_content_sees_it(author, employee, colleague):
    note = Note(author=author, text="for one person")
    note.set_audience_people()
    note.save()
    note.audience_people.add(employee)
    assert agree(author, note) and agree(employee, note)
    assert not agree(colleague, note)


def test_a_private_draft_is_its_owners_alone(author, employee):
    note = Note.objects.create(
        author=author, text="draft", audience=visibility.user_token(author.pk)
    )
    assert agree(author, note)
    assert not agree(employee, note)
    assert visibility.tokens_for_object(note) == {f"user:{author.pk}"}


def test_an_unknown_token_is_visible_to_nobody(author, employee):
    note = Note.objects.create(author=author, text="odd", audience="group:999999")
    assert not agree(employee, note)
    assert not agree(author, note)
    assert visibility.tokens_for_object(note) == {"group:999999"}


def test_related_content_follows_its_parent(author, employee, colleague, departments):
    note = Note(author=author, text="engineering only")
    note.set_audience_department(departments["engineering"])
    note.save()
    reply = Reply.objects.create(note=note, text="a reply")
    assert visibility.can_view(employee, reply)
    assert not visibility.can_view(colleague, reply)
    assert list(visibility.filter_visible(colleague, Reply.objects.all())) == []
    assert list(visibility.filter_visible(employee, Reply.objects.all())) == [reply]


def test_models_without_a_rule_are_visible_to_nobody(employee):
    thing = Unruled.objects.create(text="unknown")
    assert not visibility.is_known(Unruled)
    assert not visibility.can_view(employee, thing)
    assert not visibility.filter_visible(employee, Unruled.objects.all()).exists()


def test_one_listing_costs_a_bounded_number_of_queries(
    author, employee, departments, django_assert_max_num_queries
):
    for i in range(30):
        Note.objects.create(author=author, text=f"note {i}")
    employee = type(employee).objects.select_related("department").get(pk=employee.pk)
    with django_assert_max_num_queries(3):  # tokens (clubs, groups) + the listing itself
        assert len(list(visibility.filter_visible(employee, Note.objects.all()))) == 30


def test_tokens_for_a_user(employee, departments):
    club = Club.objects.create(name="Runners")
    club.members.add(employee)
    tokens = visibility.tokens_for(employee)
    assert tokens >= {
        "all",
        f"user:{employee.pk}",
        f"dept:{departments['company'].pk}",
        f"dept:{departments['engineering'].pk}",
        f"dept:{departments['platform'].pk}",
        f"club:{club.pk}",
    }
    assert f"dept:{departments['sales'].pk}" not in tokens


def test_tokens_for_an_object_feed_the_search_index(author, employee, departments):
    note = Note(author=author, text="people")
    note.set_audience_people()
    note.save()
    note.audience_people.add(employee)
    assert visibility.tokens_for_object(note) == {f"user:{employee.pk}", f"user:{author.pk}"}
    note.set_audience_department(departments["sales"])
    note.save()
    # Not the author's token: department content is the department's, the author's too.
    assert visibility.tokens_for_object(note) == {f"dept:{departments['sales'].pk}"}


class TestPages:
    def test_live_pages_are_visible(self, home_page, employee):
        page = make_content_page(home_page, "Guide")
        assert visibility.can_view(employee, page)
        assert visibility.tokens_for_object(page) == {"all"}

    def test_drafts_are_not(self, home_page, employee):
        page = make_content_page(home_page, "Draft")
        page.unpublish()
        assert not visibility.can_view(employee, page)
        assert not visibility.filter_visible(employee, type(page).objects.filter(pk=page.pk))

    def test_group_restricted_pages_and_their_children(self, home_page, employee, editor):
        section = make_content_page(home_page, "Editors corner")
        child = make_content_page(section, "Editors tips")
        restriction = PageViewRestriction.objects.create(
            page=section, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(Group.objects.get(name="Editors"))
        for page in (section, child):
            assert not visibility.can_view(employee, page)
            assert visibility.can_view(editor, page)
        assert visibility.tokens_for_object(child) == set()
        titles = set(
            visibility.filter_visible(employee, type(section).objects.all()).values_list(
                "title", flat=True
            )
        )
        assert "Editors corner" not in titles and "Editors tips" not in titles

    def test_password_protected_pages_stay_out_of_listings(self, home_page, employee):
        page = make_content_page(home_page, "Secret")
        PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        assert not visibility.can_view(employee, page)


class TestPeople:
    def test_active_people_are_visible(self, employee, colleague):
        assert visibility.can_view(employee, colleague)

    def test_deactivated_people_are_not(self, employee, colleague):
        colleague.is_active = False
        colleague.save()
        assert not visibility.can_view(employee, colleague)
        assert colleague not in visibility.filter_visible(employee, type(colleague).objects.all())


def test_department_lineage_is_a_materialised_path(departments):
    platform = Department.objects.get(pk=departments["platform"].pk)
    assert platform.lineage == (
        f"/{departments['company'].pk}/{departments['engineering'].pk}/{platform.pk}/"
    )


class TestPageAudiences:
    """Pages restricted to departments, for them and everything below them."""

    @pytest.fixture
    def engineering_corner(self, home_page, departments):
        from portal.core.models import PageAudience

        section = make_content_page(home_page, "Engineering corner")
        PageAudience.objects.create(page=section, department=departments["engineering"])
        child = make_content_page(section, "Deploy guide")
        return section, child

    def test_members_and_sub_departments_see_it(self, engineering_corner, employee):
        for page in engineering_corner:
            assert visibility.can_view(employee, page)  # Platform is inside Engineering

    def test_other_departments_do_not(self, engineering_corner, colleague):
        section, child = engineering_corner
        for page in (section, child):
            assert not visibility.can_view(colleague, page)
        listed = visibility.filter_visible(colleague, type(section).objects.all())
        assert not listed.filter(pk__in=[section.pk, child.pk]).exists()

    def test_several_departments_are_a_union(self, engineering_corner, departments, colleague):
        from portal.core.models import PageAudience

        section, _child = engineering_corner
        PageAudience.objects.create(page=section, department=departments["sales"])
        assert visibility.can_view(colleague, section)

    def test_search_tokens_come_from_the_nearest_audience(self, engineering_corner, departments):
        _section, child = engineering_corner
        assert visibility.tokens_for_object(child) == {f"dept:{departments['engineering'].pk}"}

    def test_pages_api_and_page_serving_follow_the_audience(
        self, engineering_corner, colleague, employee, client
    ):
        from rest_framework.test import APIClient

        section, child = engineering_corner
        api = APIClient()
        api.force_authenticate(colleague)
        titles = {item["title"] for item in api.get("/api/v2/pages/").json()["items"]}
        assert titles.isdisjoint({"Engineering corner", "Deploy guide"})
        client.force_login(colleague)
        assert client.get(child.url).status_code == 404
        client.force_login(employee)
        assert client.get(child.url).status_code == 200


def test_the_home_page_lists_only_sections_the_visitor_may_see(
    client, home_page, departments, employee, colleague
):
    from portal.core.models import PageAudience

    section = make_content_page(home_page, "Engineering corner")
    PageAudience.objects.create(page=section, department=departments["engineering"])
    make_content_page(section, "Deploy guide")
    make_content_page(home_page, "Open to all")
    client.force_login(colleague)
    html = client.get("/").content.decode()
    assert "Open to all" in html and "Engineering corner" not in html
    client.force_login(employee)
    assert "Engineering corner" in client.get("/").content.decode()
    assert "Deploy guide" in client.get(section.url).content.decode()


def test_pages_below_an_unpublished_page_are_withdrawn_too(client, home_page, employee):
    course = make_content_page(home_page, "Old course")
    lesson = make_content_page(course, "Old lesson")
    course.unpublish()
    employee = type(employee).objects.get(pk=employee.pk)
    assert not visibility.can_view(employee, lesson)
    assert not visibility.filter_visible(employee, type(lesson).objects.filter(pk=lesson.pk))
    client.force_login(employee)
    assert client.get("/old-course/old-lesson/").status_code == 404


def test_plugins_answer_for_the_lazy_user_of_a_request(employee):
    """``request.user`` is a lazy wrapper: receivers connected for the user model must still
    be asked (``type()`` of the wrapper is not the user model, its ``__class__`` is)."""
    from django.contrib.auth import get_user_model
    from django.utils.functional import SimpleLazyObject

    def grant(sender, user, **kwargs):
        return ["special:1"]

    visibility.signals.audience_tokens.connect(
        grant, sender=get_user_model(), dispatch_uid="test_lazy_user"
    )
    try:
        lazy = SimpleLazyObject(lambda: get_user_model().objects.get(pk=employee.pk))
        assert "special:1" in visibility.tokens_for(lazy)
    finally:
        visibility.signals.audience_tokens.disconnect(
            sender=get_user_model(), dispatch_uid="test_lazy_user"
        )
