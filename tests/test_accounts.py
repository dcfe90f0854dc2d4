"""Accounts and roles: email login, intranet-wide login, roles, password reset, tokens."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from rest_framework.authtoken.models import Token

from portal.accounts import roles
from portal.accounts.models import User
from tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


class TestUserModel:
    def test_email_is_the_login_and_is_normalised(self):
        user = User.objects.create_user("  Jane.Doe@Example.COM ", password=PASSWORD)
        assert user.email == "jane.doe@example.com"
        assert User.USERNAME_FIELD == "email"
        assert not hasattr(user, "username") or user.username is None

    def test_new_accounts_are_employees(self):
        user = User.objects.create_user("new@example.com", password=PASSWORD)
        assert user.groups.filter(name="Employees").exists()

    def test_email_must_be_unique_whatever_the_case(self, employee):
        with pytest.raises(Exception):  # noqa: B017 - IntegrityError's class differs per database
            User.objects.create_user("EMPLOYEE@example.com", password=PASSWORD)

    def test_accounts_without_password_cannot_log_in(self, client):
        User.objects.create_user("sso@example.com")
        assert not client.login(email="sso@example.com", password="")


class TestRoles:
    def test_the_four_roles_exist_with_their_groups(self):
        names = set(Group.objects.values_list("name", flat=True))
        assert {"Employees", "Editors", "HR", "Administrators"} <= names

    def test_editors_may_use_the_admin_but_not_manage_people(self, editor):
        assert editor.has_perm("wagtailadmin.access_admin")
        assert not editor.has_perm("accounts.change_user")

    def test_hr_manages_people_and_departments(self, hr_user):
        assert hr_user.has_perm("accounts.change_user")
        assert hr_user.has_perm("accounts.add_department")

    def test_administrators_hold_every_permission(self, administrator):
        assert administrator.has_perm("accounts.delete_user")
        assert administrator.has_perm("wagtailcore.change_site")

    def test_employees_hold_what_plugins_grant_them(self, employee):
        assert employee.has_perm("bookmarks.add_bookmark")
        assert not employee.has_perm("wagtailadmin.access_admin")

    def test_sync_is_idempotent(self):
        before = Group.objects.get(name="Editors").permissions.count()
        roles.sync_roles()
        roles.sync_roles()
        assert Group.objects.get(name="Editors").permissions.count() == before

    def test_has_role(self, editor, employee):
        assert roles.has_role(editor, roles.EDITOR)
        assert not roles.has_role(employee, roles.EDITOR)


class TestIntranetLogin:
    @pytest.mark.parametrize("path", ["/", "/welcome-guide/", "/bookmarks/", "/account/settings/"])
    def test_anonymous_visitors_are_sent_to_login(self, client, content_page, path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/?next=")

    def test_a_feed_token_lets_only_a_valid_readers_request_through(
        self, client, employee, content_page
    ):
        from portal.accounts import feed_tokens

        key = feed_tokens.token_for(employee).key
        bogus = client.get("/welcome-guide/feed/rss/?token=not-a-token")
        assert bogus.status_code == 302 and bogus["Location"].startswith("/account/login/")
        # A valid token only goes as far as its owner could (here: no such feed, 404).
        assert client.get(f"/welcome-guide/feed/rss/?token={key}").status_code == 404
        # Outside feed URLs a token in the query string is ignored.
        assert client.get(f"/welcome-guide/?token={key}").status_code == 302
        # Only to read: a write with the token is an anonymous write.
        assert client.post(f"/welcome-guide/feed/rss/?token={key}").status_code == 302
        # The API token is not a feed token.
        api_token = Token.objects.create(user=employee)
        assert client.get(f"/welcome-guide/feed/rss/?token={api_token.key}").status_code == 302
        employee.is_active = False
        employee.save()
        assert client.get(f"/welcome-guide/feed/rss/?token={key}").status_code == 302

    def test_login_page_and_health_check_are_open(self, client):
        assert client.get("/account/login/").status_code == 200
        assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}

    def test_logging_in_with_email_and_password(self, client, employee, home_page):
        response = client.post(
            "/account/login/", {"username": "Employee@Example.com", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert client.get("/").status_code == 200

    def test_a_wrong_password_shows_an_error(self, client, employee):
        response = client.post("/account/login/", {"username": employee.email, "password": "no"})
        assert response.status_code == 200
        assert "correct email address and password" in response.content.decode()

    def test_login_redirects_only_to_this_site(self, client, employee, home_page):
        response = client.post(
            "/account/login/?next=https://evil.example/",
            {"username": employee.email, "password": PASSWORD, "next": "https://evil.example/"},
        )
        assert response["Location"] == "/"

    def test_logout_is_a_post(self, client, employee, home_page):
        client.force_login(employee)
        assert client.get("/account/logout/").status_code == 405
        response = client.post("/account/logout/")
        assert response.status_code == 302
        assert client.get("/").status_code == 302

    def test_deactivated_people_cannot_log_in(self, client, employee):
        employee.is_active = False
        employee.save()
        assert not client.login(email=employee.email, password=PASSWORD)


class TestAdminAccess:
    def test_an_employee_cannot_reach_the_wagtail_admin(self, client, employee):
        client.force_login(employee)
        response = client.get("/admin/", follow=True)
        assert b"Dashboard" not in response.content
        assert response.redirect_chain  # sent away from the admin
        assert "/admin/login/" in response.redirect_chain[-1][0] or response.status_code == 403

    @pytest.mark.parametrize("fixture", ["editor", "hr_user", "administrator"])
    def test_staff_roles_reach_the_admin(self, client, request, fixture, home_page):
        client.force_login(request.getfixturevalue(fixture))
        assert client.get("/admin/").status_code == 200

    def test_hr_manages_departments_in_the_admin(self, client, hr_user, editor):
        client.force_login(hr_user)
        assert client.get("/admin/departments/").status_code == 200
        client.force_login(editor)
        assert client.get("/admin/departments/").status_code in (302, 403)


class TestPasswordReset:
    def test_the_whole_reset_flow(self, client, employee, home_page):
        response = client.post("/account/password/reset/", {"email": employee.email})
        assert response["Location"] == "/account/password/reset/done/"
        assert len(mail.outbox) == 1
        link = re.search(r"https?://[^/]+(/account/password/reset/\S+/)", mail.outbox[0].body)
        response = client.get(link.group(1), follow=True)
        assert response.status_code == 200
        form_url = response.redirect_chain[-1][0]
        new_password = "a brand new passphrase 42"
        response = client.post(
            form_url, {"new_password1": new_password, "new_password2": new_password}
        )
        assert response["Location"] == "/account/password/reset/complete/"
        assert client.login(email=employee.email, password=new_password)

    def test_unknown_addresses_get_the_same_answer_and_no_mail(self, client):
        response = client.post("/account/password/reset/", {"email": "nobody@example.com"})
        assert response["Location"] == "/account/password/reset/done/"
        assert mail.outbox == []


class TestTokens:
    def test_exchange_email_and_password_for_a_token(self, api_client, employee):
        response = api_client.post(
            "/api/auth/token/", {"email": employee.email, "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200
        token = response.json()["token"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api_client.get("/api/me/").json()["email"] == employee.email

    def test_wrong_credentials_give_a_clear_400(self, api_client, employee):
        response = api_client.post(
            "/api/auth/token/", {"email": employee.email, "password": "no"}, format="json"
        )
        assert response.status_code == 400
        assert "No active account" in response.json()["errors"]["non_field_errors"][0]

    def test_a_token_works_without_a_session_on_every_api(self, api_client, employee, content_page):
        token = Token.objects.create(user=employee)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api_client.get("/api/bookmarks/").status_code == 200
        assert api_client.get("/api/v2/pages/").status_code == 200

    def test_revoking_the_token(self, api_client, employee):
        token = Token.objects.create(user=employee)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api_client.delete("/api/auth/token/").status_code == 204
        assert api_client.get("/api/me/").status_code == 401

    def test_a_deactivated_persons_token_stops_working(self, api_client, employee):
        token = Token.objects.create(user=employee)
        employee.is_active = False
        employee.save()
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api_client.get("/api/me/").status_code == 401

    def test_the_settings_page_creates_and_revokes_tokens(self, logged_in, employee):
        response = logged_in.post("/account/token/regenerate/")
        assert response.status_code == 302
        key = Token.objects.get(user=employee).key
        assert key in logged_in.get("/account/settings/").content.decode()
        logged_in.post("/account/token/revoke/")
        assert not Token.objects.filter(user=employee).exists()
