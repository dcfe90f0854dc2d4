"""Rate limits: every write counts by account and by address, 429 with Retry-After, the
client's address taken from trusted proxies only (portal/ratelimit.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from portal.ratelimit import WriteThrottle, address_key, client_ip
from tests.fixtures import PASSWORD


def rates(**scopes) -> dict:
    """The test rates with some scopes set small."""
    return {**settings.PORTAL_RATE_LIMITS, **scopes}


def api_client(user=None, address: str = "127.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    if user is not None:
        client.force_authenticate(user)
    return client


def new_post(client, text: str = "Hello"):
    return client.post("/api/posts/", {"text": text}, format="json")


def assert_limited(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


# --- The client's address -------------------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(PORTAL_TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_ignored():
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(PORTAL_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_the_header_is_believed_from_a_trusted_proxy_only():
    assert client_ip(request_from("10.1.2.3", "198.51.100.1")) == "198.51.100.1"
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(PORTAL_TRUSTED_PROXIES=["10.0.0.1", "10.0.0.2"])
def test_the_header_is_read_from_the_right_past_trusted_proxies():
    # The client wrote "1.1.1.1" itself; the first proxy appended who really called it.
    request = request_from("10.0.0.2", "1.1.1.1, 198.51.100.9, 10.0.0.1")
    assert client_ip(request) == "198.51.100.9"
    # An unreadable hop stops the walk at the last trusted proxy.
    assert client_ip(request_from("10.0.0.2", "198.51.100.9, junk")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2", "")) == "10.0.0.2"


def test_an_ipv6_client_counts_by_its_64_network():
    first = address_key(request_from("2001:db8:1:2:aaaa::1"))
    second = address_key(request_from("2001:db8:1:2:bbbb::2"))
    assert first == second == "2001:db8:1:2::"
    assert address_key(request_from("")) == "unknown"


# --- The API --------------------------------------------------------------------------------


@override_settings(PORTAL_RATE_LIMITS=rates(post=("2/m", None)))
def test_api_writes_are_limited_by_account_with_a_json_429(employee):
    assert new_post(api_client(employee, "192.0.2.1")).status_code == 201
    assert new_post(api_client(employee, "192.0.2.2")).status_code == 201
    # A third address does not help: the account is over its rate.
    response = new_post(api_client(employee, "192.0.2.3"))
    assert_limited(response)
    body = response.json()
    assert body["status"] == 429 and body["code"] == "throttled" and body["detail"]


@override_settings(PORTAL_RATE_LIMITS=rates(post=(None, "2/m")))
def test_api_writes_are_limited_by_address(employee, colleague, editor):
    assert new_post(api_client(employee)).status_code == 201
    assert new_post(api_client(colleague)).status_code == 201
    assert_limited(new_post(api_client(editor)))
    # Another address is not affected.
    assert new_post(api_client(editor, "192.0.2.50")).status_code == 201


@override_settings(PORTAL_RATE_LIMITS=rates(post=(None, "2/m")), PORTAL_TRUSTED_PROXIES=[])
def test_a_forged_forwarded_for_does_not_escape_the_limit(employee):
    for number in range(2):
        client = api_client(employee)
        client.credentials(HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        assert new_post(client).status_code == 201
    client = api_client(employee)
    client.credentials(HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert_limited(new_post(client))


@override_settings(
    PORTAL_RATE_LIMITS=rates(post=(None, "2/m")), PORTAL_TRUSTED_PROXIES=["127.0.0.1"]
)
def test_behind_a_trusted_proxy_each_client_has_its_own_count(employee):
    for number in range(3):
        client = api_client(employee)
        client.credentials(HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        assert new_post(client).status_code == 201
    client = api_client(employee)
    client.credentials(HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.0")
    assert new_post(client).status_code == 201
    # Its third write: whatever the client itself put on the left of the header.
    client.credentials(HTTP_X_FORWARDED_FOR="10.9.9.8, 198.51.100.0")
    assert_limited(new_post(client))


@override_settings(PORTAL_RATE_LIMITS=rates(write=("1/m", "1/m")))
def test_reads_are_never_counted(employee):
    client = api_client(employee)
    for _ in range(5):
        assert client.get("/api/me/").status_code == 200


@override_settings(PORTAL_RATE_LIMITS=rates(write=("2/m", None)))
def test_a_write_without_a_scope_counts_as_write(employee):
    client = api_client(employee)
    for _ in range(2):
        assert (
            client.patch("/api/me/", {"preferred_language": "fr"}, format="json").status_code == 200
        )
    assert_limited(client.patch("/api/me/", {"preferred_language": "en"}, format="json"))
    # Another scope keeps its own count.
    assert new_post(client).status_code == 201


def _api_views(resolver=None, prefix=""):
    from rest_framework.views import APIView

    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _api_views(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
            if isinstance(view_class, type) and issubclass(view_class, APIView):
                yield prefix + str(entry.pattern), callback, view_class


def test_every_api_view_is_throttled_by_default_with_a_known_scope():
    seen = 0
    for route, callback, view_class in _api_views():
        seen += 1
        assert WriteThrottle in view_class.throttle_classes, route
        scopes = {getattr(view_class, "throttle_scope", None)}
        scopes |= {kwargs.get("throttle_scope") for kwargs in [getattr(callback, "initkwargs", {})]}
        for scope in scopes - {None}:
            assert scope in settings.PORTAL_RATE_LIMITS, (route, scope)
    assert seen > 20


# --- HTML pages -----------------------------------------------------------------------------


@pytest.fixture
def post(employee):
    response = new_post(api_client(employee), "A post to comment on")
    assert response.status_code == 201
    from plugins.feed.models import Post

    return Post.objects.get(pk=response.json()["id"])


@override_settings(PORTAL_RATE_LIMITS=rates(comment=("2/m", None)))
def test_html_writes_answer_a_friendly_429_page(logged_in, post):
    url = reverse("comments:add", args=[post.pk])
    for _ in range(2):
        assert logged_in.post(url, {"text": "Hi"}).status_code in (200, 302)
    response = logged_in.post(url, {"text": "Hi again"})
    assert_limited(response)
    assert response["Content-Type"].startswith("text/html")
    assert "Too many requests" in response.content.decode()
    # Scripts asking for JSON get the API's error body.
    response = logged_in.post(url, {"text": "Hi"}, HTTP_ACCEPT="application/json")
    assert_limited(response)
    assert response.json()["code"] == "throttled"


@override_settings(PORTAL_RATE_LIMITS=rates(write=("1/m", None)))
def test_html_writes_without_a_scope_count_as_write(logged_in):
    url = reverse("notifications:read_all")
    assert logged_in.post(url).status_code == 302
    assert_limited(logged_in.post(url))


# --- Logins and password resets -------------------------------------------------------------


def login_form(client, email: str, password: str = "wrong"):
    return client.post(reverse("login"), {"username": email, "password": password})


def admin_login(client, email: str, password: str = "wrong"):
    return client.post("/admin/login/", {"username": email, "password": password})


def token_request(client, email: str, password: str = "wrong"):
    return client.post("/api/auth/token/", {"email": email, "password": password}, format="json")


@override_settings(PORTAL_RATE_LIMITS=rates(login=("3/m", None)), PORTAL_LOGIN_LOCKOUT_FAILURES=99)
def test_the_login_paths_share_one_budget_per_account(client, employee):
    api = APIClient()
    assert login_form(client, employee.email).status_code == 200
    assert admin_login(client, employee.email).status_code == 200
    assert token_request(api, employee.email).status_code == 400
    # Even the right password waits now, on every path.
    assert_limited(login_form(client, employee.email, PASSWORD))
    assert_limited(admin_login(client, employee.email, PASSWORD))
    response = token_request(api, employee.email, PASSWORD)
    assert_limited(response)
    assert response.json()["code"] == "throttled"
    # Another account is not affected.
    assert token_request(api, "colleague@example.com").status_code == 400


@override_settings(PORTAL_RATE_LIMITS=rates(login=(None, "2/m")), PORTAL_LOGIN_LOCKOUT_FAILURES=99)
def test_logins_are_limited_by_address_whatever_the_account(db, client):
    assert login_form(client, "a@example.com").status_code == 200
    assert login_form(client, "b@example.com").status_code == 200
    assert_limited(login_form(client, "c@example.com"))


@override_settings(PORTAL_RATE_LIMITS=rates(password_reset=("2/h", None)))
def test_password_resets_are_limited(client, employee):
    url = reverse("password_reset")
    for _ in range(2):
        assert client.post(url, {"email": employee.email}).status_code == 302
    assert_limited(client.post(url, {"email": employee.email}))
    assert client.post(url, {"email": "someone@example.com"}).status_code == 302


def test_the_default_rates_have_both_keys_for_every_scope():
    from portal.settings import base

    for scope, pair in base.PORTAL_RATE_LIMITS.items():
        assert len(pair) == 2, scope
    assert "write" in base.PORTAL_RATE_LIMITS
