"""Security headers on the portal's pages, the API and the admin: a Content-Security-Policy
without inline code, frame denial (same-origin framing in the admin only), a referrer
policy, Permissions-Policy; HSTS in production."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_common_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "path", ["/", "/people/", "/groups/", "/search/?q=x", "/account/settings/"]
)
def test_portal_pages_deny_inline_code_and_framing(logged_in, home_page, path):
    response = logged_in.get(path)
    assert response.status_code == 200
    assert_common_headers(response)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    # Nothing in the page itself that such a policy would block (JSON data is not code).
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", html)
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html)


def test_the_login_page_and_the_api_have_the_headers_too(client, employee_client):
    login = client.get("/account/login/")
    api = employee_client.get("/api/me/")
    for response in (login, api):
        assert_common_headers(response)
        assert directives(response)["frame-ancestors"] == ["'none'"]
        assert response["X-Frame-Options"] == "DENY"


def test_the_admin_may_frame_itself_and_nothing_else(client, editor):
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_common_headers(response)
    policy = directives(response)
    assert policy["frame-ancestors"] == ["'self'"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # Wagtail's widgets start with inline scripts; nothing else is loosened.
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_https_responses_carry_hsts(client, db):
    response = client.get("/account/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_production_turns_hsts_on_and_keeps_frame_denial():
    from tests.test_production_settings import PRODUCTION_ENV, run

    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.X_FRAME_OPTIONS, s.SILENCED_SYSTEM_CHECKS]))"
    )
    result = run(code, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    hsts, framing, silenced = __import__("json").loads(result.stdout.strip().splitlines()[-1])
    assert hsts >= 31536000 and framing == "DENY" and "security.W019" not in silenced
