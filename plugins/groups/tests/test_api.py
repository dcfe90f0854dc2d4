"""/api/groups/: listing, creation, joining, members, requests, invitations, and what
outsiders never see."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from plugins.groups import services
from plugins.groups.models import Group, Invitation, JoinRequest, Membership
from plugins.groups.tests.conftest import image_upload

pytestmark = pytest.mark.django_db

LIST = "/api/groups/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def detail(group, suffix=""):
    return f"/api/groups/{group.pk}/{suffix}"


class TestListing:
    def test_secret_groups_are_invisible_to_outsiders(
        self, employee_client, public_group, private_group, secret_group
    ):
        names = [g["name"] for g in employee_client.get(LIST, {"page_size": 100}).json()["results"]]
        assert "Runners" in names and "Board" in names
        assert "Acquisition project" not in names
        assert employee_client.get(LIST, {"q": "Falcon"}).json()["count"] == 0
        for suffix in ("", "members/", "requests/", "join/"):
            method = employee_client.post if suffix == "join/" else employee_client.get
            assert method(detail(secret_group, suffix)).status_code == 404

    def test_fields_and_filters(self, employee_client, employee, public_group, private_group):
        services.join(employee, public_group)
        mine = employee_client.get(LIST, {"mine": "1", "privacy": "public"}).json()["results"]
        assert [g["name"] for g in mine] == ["Runners"]
        row = mine[0]
        assert row["my_role"] == "member" and row["member_count"] == 2
        assert row["tags"] == ["sport"] and row["url"] == "/groups/runners/"
        assert row["my_request"] is None and row["is_department_group"] is False
        assert [
            g["name"] for g in employee_client.get(LIST, {"tag": "sport"}).json()["results"]
        ] == ["Runners"]
        assert employee_client.get(LIST, {"q": "sport"}).json()["count"] == 1

    def test_query_count_does_not_grow_with_groups(
        self, employee_client, owner, django_assert_max_num_queries, django_assert_num_queries
    ):
        for index in range(3):
            services.create_group(owner, name=f"Group {index}", tags=["a", "b"])
        employee_client.get(LIST)  # warm the session/permission caches
        with django_assert_max_num_queries(8) as few:
            employee_client.get(LIST)
        for index in range(3, 15):
            services.create_group(owner, name=f"Group {index}", tags=["a", "b"])
        with django_assert_num_queries(len(few.captured_queries)):
            response = employee_client.get(LIST)
        assert response.json()["count"] >= 15

    def test_anonymous_is_refused(self, api_client, public_group):
        assert api_client.get(LIST).status_code in (401, 403)


class TestCreateAndUpdate:
    def test_create_with_a_cover(self, employee_client, employee):
        response = employee_client.post(
            LIST,
            {
                "name": "Photo club",
                "privacy": "private",
                "tags": ["photo", "art"],
                "cover": image_upload(),
            },
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["my_role"] == "owner" and body["tags"] == ["art", "photo"]
        assert body["cover"].endswith(".png")

    def test_validation_errors_name_the_field(self, employee_client):
        response = employee_client.post(LIST, {"name": "  ", "privacy": "hidden"})
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert set(errors) == {"name", "privacy"} or "privacy" in errors
        response = employee_client.post(LIST, {"name": ""})
        assert response.json()["errors"]["name"]
        assert response.json()["status"] == 400

    def test_bad_cover_is_refused_clearly(self, employee_client):
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = employee_client.post(
            LIST,
            {"name": "Covers", "cover": SimpleUploadedFile("evil.png", b"<script>")},
            format="multipart",
        )
        assert response.status_code == 400
        assert "JPEG, PNG, WebP or GIF" in response.json()["errors"]["cover"][0]
        big = SimpleUploadedFile("big.png", b"0" * (services.MAX_COVER_BYTES + 1))
        response = employee_client.post(LIST, {"name": "Covers", "cover": big}, format="multipart")
        assert "5 MB" in response.json()["errors"]["cover"][0]
        assert not Group.objects.filter(name="Covers").exists()

    def test_update_and_delete_permissions(self, public_group, owner, employee):
        services.join(employee, public_group)
        assert client_for(employee).patch(detail(public_group), {"name": "x"}).status_code == 403
        response = client_for(owner).patch(detail(public_group), {"description": "Weekly runs"})
        assert response.status_code == 200 and response.json()["description"] == "Weekly runs"
        assert client_for(employee).delete(detail(public_group)).status_code == 403
        assert client_for(owner).delete(detail(public_group)).status_code == 204


class TestJoinAndMembers:
    def test_join_public_and_ask_private(
        self, employee_client, employee, public_group, private_group
    ):
        response = employee_client.post(detail(public_group, "join/"))
        assert response.status_code == 200 and response.json()["my_role"] == "member"
        response = employee_client.post(detail(private_group, "join/"), {"message": "Hi"})
        assert response.status_code == 202 and response.json()["my_request"] == "pending"
        assert JoinRequest.objects.get(user=employee).message == "Hi"

    def test_private_members_are_for_members(self, employee_client, owner, private_group):
        assert employee_client.get(detail(private_group)).status_code == 200
        assert employee_client.get(detail(private_group, "members/")).status_code == 403
        response = client_for(owner).get(detail(private_group, "members/"))
        assert [m["user"]["id"] for m in response.json()["results"]] == [owner.pk]

    def test_public_members_are_for_everyone(self, employee_client, public_group):
        assert employee_client.get(detail(public_group, "members/")).json()["count"] == 1

    def test_requests_flow(self, employee, owner, private_group):
        client_for(employee).post(detail(private_group, "join/"))
        assert client_for(employee).get(detail(private_group, "requests/")).status_code == 403
        pending = client_for(owner).get(detail(private_group, "requests/")).json()["results"]
        assert [r["user"]["id"] for r in pending] == [employee.pk]
        url = detail(private_group, f"requests/{pending[0]['id']}/approve/")
        assert client_for(employee).post(url).status_code == 403
        assert client_for(owner).post(url).json()["status"] == "approved"
        assert client_for(owner).post(url).status_code == 400
        assert services.is_member(employee, private_group)

    def test_invite_accept_and_roles(self, owner, employee, colleague, secret_group):
        response = client_for(owner).post(
            detail(secret_group, "members/"), {"user_ids": [employee.pk]}
        )
        assert response.status_code == 201
        response = client_for(owner).post(detail(secret_group, "members/"), {"user_ids": [99999]})
        assert response.status_code == 400 and "99999" in response.json()["errors"]["user_ids"][0]
        invited = client_for(employee)
        assert invited.get(detail(secret_group)).status_code == 200
        assert invited.get(detail(secret_group, "members/")).status_code == 403
        mine = invited.get("/api/groups/invitations/").json()["results"]
        assert [i["group"]["name"] for i in mine] == ["Acquisition project"]
        response = invited.post(f"/api/groups/invitations/{mine[0]['id']}/accept/")
        assert response.status_code == 200 and response.json()["my_role"] == "member"
        url = detail(secret_group, f"members/{employee.pk}/")
        assert invited.patch(url, {"role": "owner"}).status_code == 403
        assert invited.patch(url, {"follow_closely": True}).json()["follow_closely"] is True
        assert client_for(owner).patch(url, {"role": "moderator"}).json()["role"] == "moderator"
        assert client_for(colleague).patch(url, {"role": "member"}).status_code == 404

    def test_invite_by_id_refuses_hidden_people_and_stores_nothing(
        self, owner, employee, colleague, private_group
    ):
        colleague.is_active = False  # deactivated: hidden to everyone by the policy
        colleague.save()
        url = detail(private_group, "members/")
        response = client_for(owner).post(
            url, {"user_ids": [employee.pk, colleague.pk]}, format="json"
        )
        assert response.status_code == 400
        assert str(colleague.pk) in response.json()["errors"]["user_ids"][0]
        assert not Invitation.objects.filter(group=private_group).exists()
        response = client_for(owner).post(url, {"user_ids": [employee.pk]}, format="json")
        assert response.status_code == 201
        assert [i["user"]["id"] for i in response.json()] == [employee.pk]

    def test_the_people_directory_gives_the_account_id_the_picker_sends(self, owner, employee):
        results = client_for(owner).get("/api/people/", {"q": "employee"}).json()["results"]
        assert [person["user_id"] for person in results] == [employee.pk]

    def test_decline_invitation(self, owner, employee, private_group):
        services.invite(owner, private_group, [employee])
        invitation = Invitation.objects.get()
        client = client_for(employee)
        assert (
            client_for(owner).post(f"/api/groups/invitations/{invitation.pk}/decline/").status_code
            == 404
        )
        assert (
            client.post(f"/api/groups/invitations/{invitation.pk}/decline/").json()["status"]
            == "declined"
        )

    def test_remove_and_leave(self, owner, employee, private_group):
        services.invite(owner, private_group, [employee])
        services.join(employee, private_group)
        member_url = detail(private_group, f"members/{employee.pk}/")
        assert client_for(owner).delete(member_url).status_code == 204
        assert client_for(employee).get(detail(private_group, "members/")).status_code == 403
        response = client_for(owner).post(detail(private_group, "leave/"))
        assert response.status_code == 400 and "new_owner" in response.json()["errors"]
        assert Membership.objects.filter(group=private_group, user=owner).exists()
