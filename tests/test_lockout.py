"""Failed logins: growing delays for one account on every login path, logged, cleared by a
successful login or a password reset, the same answer for an unknown account."""

from __future__ import annotations

import logging
import time

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from tests.fixtures import PASSWORD

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("lockout_settings"),
]

LOCKED = "Too many failed attempts for this account"


@pytest.fixture
def lockout_settings():
    with override_settings(
        PORTAL_LOGIN_LOCKOUT_FAILURES=3,
        PORTAL_LOGIN_LOCKOUT_SECONDS=60,
        PORTAL_LOGIN_LOCKOUT_MAX_SECONDS=900,
    ):
        yield


@pytest.fixture
def clock(monkeypatch):
    """Moves time forward for the lockout and the cache alike."""
    real = time.time
    offset = [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])

    def advance(seconds: float) -> None:
        offset[0] += seconds

    return advance


def login_form(client, email: str, password: str = "wrong"):
    return client.post(reverse("login"), {"username": email, "password": password})


def fail(client, email: str, times: int) -> None:
    for _ in range(times):
        response = login_form(client, email)
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()


def test_an_account_is_locked_after_repeated_failures_even_with_the_right_password(
    client, employee
):
    fail(client, employee.email, 3)
    response = login_form(client, employee.email, PASSWORD)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unknown_account_gets_the_same_answer(client, employee):
    fail(client, employee.email, 3)
    fail(client, "nobody@example.com", 3)
    known = login_form(client, employee.email, PASSWORD)
    unknown = login_form(client, "nobody@example.com", PASSWORD)
    assert known.status_code == unknown.status_code == 429
    assert known["Retry-After"] == unknown["Retry-After"]
    known_text = known.content.decode().replace(employee.email, "EMAIL")
    unknown_text = unknown.content.decode().replace("nobody@example.com", "EMAIL")
    assert _errors(known_text) == _errors(unknown_text)


def _errors(html: str) -> list[str]:
    return [line.strip() for line in html.splitlines() if LOCKED in line]


def test_the_lock_ends_after_the_cool_off_and_then_grows(client, employee, clock):
    fail(client, employee.email, 3)
    assert login_form(client, employee.email, PASSWORD).status_code == 429
    clock(61)
    # One more failure after the cool-off locks it again, for twice as long.
    fail(client, employee.email, 1)
    response = login_form(client, employee.email, PASSWORD)
    assert response.status_code == 429 and int(response["Retry-After"]) > 61
    clock(121)
    assert login_form(client, employee.email, PASSWORD).status_code == 302


@override_settings(PORTAL_LOGIN_LOCKOUT_SECONDS=600, PORTAL_LOGIN_LOCKOUT_MAX_SECONDS=900)
def test_the_lock_never_exceeds_its_cap(client, employee, clock):
    fail(client, employee.email, 3)
    for _ in range(3):
        clock(901)
        fail(client, employee.email, 1)
        assert int(login_form(client, employee.email, PASSWORD)["Retry-After"]) <= 900


def test_a_successful_login_clears_the_failures(client, employee):
    fail(client, employee.email, 2)
    assert login_form(client, employee.email, PASSWORD).status_code == 302
    client.logout()
    fail(client, employee.email, 2)
    assert login_form(client, employee.email, PASSWORD).status_code == 302


def test_a_password_reset_ends_the_lock(client, employee):
    fail(client, employee.email, 3)
    assert login_form(client, employee.email, PASSWORD).status_code == 429
    uid = urlsafe_base64_encode(force_bytes(employee.pk))
    token = default_token_generator.make_token(employee)
    url = reverse("password_reset_confirm", args=[uid, token])
    form_url = client.get(url, follow=True).redirect_chain[-1][0]
    new_password = "a brand new passphrase 42"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert login_form(client, employee.email, new_password).status_code == 302


def test_the_admin_login_and_api_tokens_count_and_are_locked_too(client, employee):
    api = APIClient()
    assert (
        client.post("/admin/login/", {"username": employee.email, "password": "x"}).status_code
        == 200
    )
    assert (
        api.post(
            "/api/auth/token/", {"email": employee.email, "password": "x"}, format="json"
        ).status_code
        == 400
    )
    fail(client, employee.email, 1)
    # Locked on every path.
    response = client.post("/admin/login/", {"username": employee.email, "password": PASSWORD})
    assert LOCKED in response.content.decode()
    response = api.post(
        "/api/auth/token/", {"email": employee.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "throttled" and LOCKED in response.json()["detail"]
    unknown = api.post(
        "/api/auth/token/", {"email": "Nobody@Example.com", "password": "x"}, format="json"
    )
    assert unknown.status_code == 400
    for _ in range(3):
        unknown = api.post(
            "/api/auth/token/", {"email": "nobody@example.com", "password": "x"}, format="json"
        )
    assert unknown.status_code == 429
    assert (
        unknown.json() == response.json() or unknown.json()["detail"] == response.json()["detail"]
    )


def test_failures_and_locks_are_logged_with_account_and_address_but_no_password(
    client, employee, caplog
):
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        client.post(
            reverse("login"),
            {"username": employee.email, "password": "s3cret-guess"},
            REMOTE_ADDR="192.0.2.77",
        )
        fail(client, employee.email, 2)
        login_form(client, employee.email, PASSWORD)
    messages = [
        record.getMessage() for record in caplog.records if record.name == "portal.security"
    ]
    assert any("Failed login for employee@example.com from 192.0.2.77" in m for m in messages)
    assert any("Login locked for employee@example.com" in m for m in messages)
    assert any("Login refused for employee@example.com" in m for m in messages)
    assert not any("s3cret-guess" in m or PASSWORD in m for m in messages)
