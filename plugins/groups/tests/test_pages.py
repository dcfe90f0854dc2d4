"""The groups' pages: who gets them, and the forms behind the buttons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plugins.groups import services
from plugins.groups.models import Group, JoinRequest, Membership
from plugins.groups.tests.conftest import image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(owner):
    from django.test import Client

    client = Client()
    client.force_login(owner)
    return client


def test_directory_lists_mine_then_others(
    logged_in, employee, public_group, private_group, secret_group
):
    services.join(employee, public_group)
    response = logged_in.get(reverse("groups:directory"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Runners" in content and "Board" in content
    assert "Acquisition project" not in content
    assert content.index("Runners") < content.index("Board")
    response = logged_in.get(reverse("groups:directory"), {"q": "Board"})
    assert "Runners" not in response.content.decode().split("Discover groups")[1]


def test_create_page(logged_in, employee):
    assert logged_in.get(reverse("groups:create")).status_code == 200
    response = logged_in.post(
        reverse("groups:create"),
        {
            "name": "Chess",
            "description": "Play",
            "privacy": "public",
            "tags": "games, chess",
            "cover": image_upload(),
        },
    )
    group = Group.objects.get(name="Chess")
    assert response.status_code == 302 and response.url == group.get_absolute_url()
    assert services.is_owner(employee, group)


def test_create_page_shows_errors(logged_in):
    response = logged_in.post(reverse("groups:create"), {"name": "", "privacy": "nope"})
    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert not Group.objects.filter(department__isnull=True).exists()


def test_group_pages_for_members_and_outsiders(
    logged_in, owner_client, private_group, secret_group
):
    detail = reverse("groups:detail", args=[private_group.slug])
    members = reverse("groups:members", args=[private_group.slug])
    response = logged_in.get(detail)
    assert response.status_code == 200 and "Ask to join" in response.content.decode()
    assert logged_in.get(members).status_code == 403
    for name in ("detail", "members", "edit"):
        assert logged_in.get(reverse(f"groups:{name}", args=[secret_group.slug])).status_code == 404
    assert logged_in.get(reverse("groups:edit", args=[private_group.slug])).status_code == 403
    assert owner_client.get(members).status_code == 200
    assert owner_client.get(reverse("groups:edit", args=[private_group.slug])).status_code == 200
    assert owner_client.get(reverse("groups:detail", args=[secret_group.slug])).status_code == 200


def test_invited_person_sees_the_secret_group_with_the_invitation(
    logged_in, employee, owner, secret_group
):
    services.invite(owner, secret_group, [employee])
    url = reverse("groups:detail", args=[secret_group.slug])
    response = logged_in.get(url)
    assert response.status_code == 200 and "Accept the invitation" in response.content.decode()
    assert logged_in.get(reverse("groups:invitations")).status_code == 200
    logged_in.post(reverse("groups:accept_invitation", args=[secret_group.slug]))
    assert services.is_member(employee, secret_group)


def test_join_ask_follow_and_leave_by_form(logged_in, employee, public_group, private_group):
    logged_in.post(reverse("groups:join", args=[public_group.slug]))
    assert services.is_member(employee, public_group)
    response = logged_in.post(
        reverse("groups:follow", args=[public_group.slug]),
        {"follow_closely": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.json()["follow_closely"] is True
    logged_in.post(reverse("groups:leave", args=[public_group.slug]))
    assert not services.is_member(employee, public_group)
    logged_in.post(reverse("groups:join", args=[private_group.slug]), {"message": "please"})
    assert JoinRequest.objects.get(user=employee).message == "please"


def test_moderation_by_form(owner_client, owner, employee, colleague, private_group):
    services.request_to_join(employee, private_group)
    join_request = JoinRequest.objects.get()
    page = owner_client.get(reverse("groups:members", args=[private_group.slug]))
    assert "Approve" in page.content.decode()
    owner_client.post(
        reverse("groups:answer_request", args=[private_group.slug, join_request.pk, "approve"])
    )
    assert services.is_member(employee, private_group)
    owner_client.post(
        reverse("groups:change_role", args=[private_group.slug, employee.pk]), {"role": "moderator"}
    )
    assert Membership.objects.get(group=private_group, user=employee).role == "moderator"
    owner_client.post(reverse("groups:remove_member", args=[private_group.slug, employee.pk]))
    assert not services.is_member(employee, private_group)


def test_invite_by_email_with_a_clear_error(owner_client, colleague, private_group):
    url = reverse("groups:invite", args=[private_group.slug])
    response = owner_client.post(url, {"emails": "colleague@example.com, nobody@example.com"})
    assert response.status_code == 400
    assert "nobody@example.com" in response.content.decode()
    response = owner_client.post(url, {"emails": "colleague@example.com"})
    assert response.status_code == 302
    assert services.pending_invitation(colleague, private_group) is not None


def test_invite_by_id_from_the_person_picker(owner_client, employee, colleague, private_group):

    url = reverse("groups:invite", args=[private_group.slug])
    page = owner_client.get(reverse("groups:members", args=[private_group.slug]))
    assert b"data-person-picker" in page.content and b"person-picker.js" in page.content
    # Both ways at once: a chosen person (their id) and a typed address.
    response = owner_client.post(
        url, {"user_ids": [str(employee.pk)], "emails": "colleague@example.com"}
    )
    assert response.status_code == 302
    assert services.pending_invitation(employee, private_group) is not None
    assert services.pending_invitation(colleague, private_group) is not None


@pytest.mark.parametrize("bad", ["hidden", "unknown", "not-a-number"])
def test_invite_by_a_hidden_or_unknown_id_is_a_form_error_and_stores_nothing(
    owner_client, employee, colleague, private_group, bad
):
    from plugins.groups.models import Invitation

    colleague.is_active = False  # a deactivated person: hidden to everyone
    colleague.save()
    value = {"hidden": str(colleague.pk), "unknown": "987654", "not-a-number": "ada"}[bad]
    url = reverse("groups:invite", args=[private_group.slug])
    response = owner_client.post(url, {"user_ids": [str(employee.pk), value]})
    assert response.status_code == 400
    form = response.context["invite_form"]
    assert list(form.errors) == ["user_ids"]
    assert value in form.errors["user_ids"][0]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and value in html
    # The visible person chosen along with it comes back as a chip, and nobody is invited.
    assert f'name="user_ids" value="{employee.pk}"' in html
    assert not Invitation.objects.filter(group=private_group).exists()


def test_invite_by_email_of_a_hidden_person_is_no_colleague(owner_client, colleague, private_group):
    from plugins.groups.models import Invitation

    colleague.is_active = False
    colleague.save()
    url = reverse("groups:invite", args=[private_group.slug])
    response = owner_client.post(url, {"emails": "colleague@example.com"})
    assert response.status_code == 400
    assert "colleague@example.com" in response.context["invite_form"].errors["emails"][0]
    response = owner_client.post(url, {"emails": " "})
    assert response.status_code == 400
    assert "emails" in response.context["invite_form"].errors
    assert not Invitation.objects.filter(group=private_group).exists()


def test_delete_page(owner_client, logged_in, public_group):
    url = reverse("groups:delete", args=[public_group.slug])
    assert logged_in.get(url).status_code == 403
    assert owner_client.get(url).status_code == 200
    owner_client.post(url)
    assert not Group.objects.filter(pk=public_group.pk).exists()


def test_home_panel_and_navigation(logged_in, employee, public_group, home_page):
    services.join(employee, public_group)
    response = logged_in.get("/")
    content = response.content.decode()
    assert reverse("groups:directory") in content
    assert public_group.get_absolute_url() in content


def test_admin_list_is_for_administrators(client, administrator, secret_group, logged_in):
    from django.test import Client

    admin = Client()
    admin.force_login(administrator)
    response = admin.get(reverse("groups_admin_list"))
    assert response.status_code == 200
    assert "Acquisition project" in response.content.decode()
    assert logged_in.get(reverse("groups_admin_list")).status_code in (302, 403)


def test_directory_faces_cost_one_query_and_only_where_members_are_visible(
    logged_in, employee, owner, public_group, private_group
):
    """The cards' avatar stacks load in one query for the whole page (not one per group),
    and a private group the reader is not in shows no faces."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries():
        with CaptureQueriesContext(connection) as context:
            response = logged_in.get(reverse("groups:directory"))
        assert response.status_code == 200
        return len(context), response

    count_queries()  # caches of the site and of the reader's access
    few, response = count_queries()
    cards = {group.name: group for group in response.context["page"].object_list}
    assert [person.pk for person in cards[public_group.name].faces] == [owner.pk]
    assert cards[private_group.name].faces == []
    for number in range(5):
        group = services.create_group(owner, name=f"Club {number}", privacy="public")
        services.join(employee, group)
    count_queries()  # the reader's access changed: its cache is built again
    more, response = count_queries()
    assert more == few
    assert all(group.faces for group in response.context["mine"])
